"""Sources of Documents: the corpus packs (`load_pack`) and the user's own folders (`read_folder`).
`load_source` takes either a pack name or a folder path."""
from __future__ import annotations

from pathlib import Path

from assistant.corpus.files import FileProblem, read_file, read_folder
from assistant.corpus.packs import PACKS, PackInfo, load_pack
from assistant.errors import InputError
from assistant.types import Document

__all__ = ["FileProblem", "PACKS", "PackInfo", "load_pack", "load_source", "read_file", "read_folder"]


def load_source(source: str, limit: int | None = None) -> tuple[list[Document], list[FileProblem]]:
    """A pack name ("india") or a folder of the user's files; `limit` keeps the first N documents."""
    if source in PACKS:
        return list(load_pack(source, limit=limit)), []
    if not Path(source).is_dir():
        raise InputError(f"not a corpus pack ({', '.join(PACKS)}) nor a folder; give one of those", source)
    documents, problems = read_folder(source)
    return documents[:limit] if limit is not None else documents, problems
