"""Documents from the user's own folder: .txt .md .html/.htm .pdf .docx .jsonl, and .xml in e-Gov law XML
(Japanese statutes, assistant/corpus/egov.py).

`read_folder` never raises for a bad file: each one becomes a FileProblem(path, message) naming the
file and the fix, and the other files are still read. `read_file` is the strict form for one file.
Document ids are paths relative to the folder (jsonl: `path#id` when a line has an id, else `path:line`).
Symlinks that lead outside the folder, hidden files and `*.meta.json` sidecars are not read as documents."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus import egov, formats, meta
from assistant.errors import InputError
from assistant.text import detect_language
from assistant.types import Document

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".jsonl", ".xml")  # .xml: e-Gov law XML


@dataclass(frozen=True)
class FileProblem:
    path: str
    message: str


def read_folder(path: str | Path, max_bytes: int = MAX_BYTES) -> tuple[list[Document], list[FileProblem]]:
    """Every supported file under `path` (sorted, recursive) as Documents, plus one problem per bad file."""
    root = Path(path).resolve()
    if not root.is_dir():
        raise InputError("is not a folder; give the folder that holds your documents", str(path))
    documents: list[Document] = []
    problems: list[FileProblem] = []
    for file in _walk(root, problems):
        found, trouble = load_file(file, root, max_bytes)
        documents.extend(found)
        problems.extend(trouble)
    return documents, problems


def read_file(path: str | Path, root: str | Path | None = None, max_bytes: int = MAX_BYTES) -> list[Document]:
    """Documents of one file; raises InputError on the first problem (a bad jsonl line included)."""
    file = Path(path).resolve()
    documents, problems = load_file(file, Path(root).resolve() if root else file.parent, max_bytes)
    if problems:
        raise InputError(problems[0].message)
    return documents


def load_file(file: Path, root: Path, max_bytes: int) -> tuple[list[Document], list[FileProblem]]:
    shown = file.relative_to(root).as_posix()
    try:
        _check_size(file, shown, max_bytes)
        if file.suffix.lower() == ".jsonl":
            return _read_jsonl(file, shown)
        if file.suffix.lower() == ".xml":
            return [egov.read(file, shown, meta.checked(meta.sidecar(file, shown), shown))], []
        return [_document(file, shown)], []
    except InputError as error:
        return [], [FileProblem(shown, str(error))]
    except OSError as error:
        return [], [FileProblem(shown, f"{shown}: cannot be opened ({error.strerror}); check its permissions")]


def _walk(root: Path, problems: list[FileProblem]):
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))  # os.walk skips linked folders
        for name in sorted(names):
            file = Path(folder, name)
            shown = file.relative_to(root).as_posix()
            if name.startswith(".") or name.endswith(".meta.json"):
                continue
            if not _inside(file, root):
                problems.append(FileProblem(shown, f"{shown}: is a link to outside the folder; skipped (copy the file in instead)"))
            elif file.suffix.lower() not in SUFFIXES:
                problems.append(FileProblem(shown, f"{shown}: unsupported file type; skipped (convert it to {', '.join(SUFFIXES)})"))
            else:
                yield file


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _check_size(file: Path, shown: str, max_bytes: int) -> None:
    size = file.stat().st_size
    if size == 0:
        raise InputError("is empty; remove it or add its text", shown)
    if file.suffix.lower() == ".docx":
        size = max(size, formats.unpacked_size(file))
    if size > max_bytes:
        raise InputError(
            f"is {size / 1e6:.1f} MB (unpacked), over the {max_bytes / 1e6:.0f} MB limit; split it or raise the limit",
            shown,
        )


def _document(file: Path, shown: str) -> Document:
    text, html_title = _extract(file, shown)
    values = meta.sidecar(file, shown)
    if file.suffix.lower() in (".md", ".txt"):
        front, text = meta.front_matter(text)
        values = {**front, **values}
    if not text.strip():
        raise InputError("has no text; remove it or add its text", shown)
    values = {"title": html_title or file.stem.replace("_", " "), **meta.checked(values, shown)}
    return build_document(shown, text, values, str(file))


def _extract(file: Path, shown: str) -> tuple[str, str]:
    suffix = file.suffix.lower()
    if suffix in (".html", ".htm"):
        return formats.read_html(file, shown)
    if suffix == ".pdf":
        return formats.read_pdf(file, shown), ""
    if suffix == ".docx":
        return formats.read_docx(file, shown), ""
    return formats.read_text(file, shown), ""


def build_document(doc_id: str, text: str, values: dict, source: str) -> Document:
    """A Document with the given metadata (title required); language and kind detected when not given."""
    title = values["title"]
    return Document(
        id=doc_id, kind=values.get("kind", "").lower() or meta.detect_kind(title, text),
        jurisdiction=values.get("jurisdiction", ""), language=values.get("language") or detect_language(text),
        title=title, citation=values.get("citation") or title, text=text.strip(), date=values.get("date") or None,
        in_force=values.get("in_force"), source=source,
    )


def _read_jsonl(file: Path, shown: str) -> tuple[list[Document], list[FileProblem]]:
    documents, problems = [], []
    for number, line in enumerate(formats.read_text(file, shown).splitlines(), 1):
        if line.strip():
            try:
                documents.append(_jsonl_document(line, f"{shown}:{number}", shown, str(file)))
            except InputError as error:
                problems.append(FileProblem(shown, str(error)))
    if not documents and not problems:
        problems.append(FileProblem(shown, f"{shown}: has no JSON lines; add one object per line"))
    return documents, problems


def _jsonl_document(line: str, where: str, shown: str, source: str) -> Document:
    try:
        row = json.loads(line)
    except ValueError as error:
        raise InputError(f"is not valid JSON ({error.msg}); fix or delete that line", where) from None
    if not isinstance(row, dict) or not str(row.get("text", "")).strip():
        raise InputError('needs a JSON object with a non-empty "text" field; fix or delete that line', where)
    key = f"#{row['id']}" if row.get("id") not in (None, "") else f":{where.rsplit(':', 1)[1]}"
    values = meta.checked({k: row.get(k) for k in meta.FIELDS}, where)
    values.setdefault("title", f"{Path(shown).stem.replace('_', ' ')} {key[1:]}")
    doc_id = shown + key
    return build_document(doc_id, str(row["text"]), values, source)
