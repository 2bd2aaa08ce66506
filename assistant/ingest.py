"""Ingest: load a source (pack name or folder), chunk it, and build or update an index.

The one place where corpus, chunking, embedding and the index meet; everything heavy is passed in
or created lazily through its factory.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings
from assistant.types import Document, Passage

if TYPE_CHECKING:
    from assistant.index.build import IndexReport
    from assistant.protocols import Embedder


@dataclass
class IngestResult:
    documents: int
    passages: int
    problems: list = field(default_factory=list)  # FileProblem(path, message)
    report: IndexReport | None = None  # None for a dry run
    embedder: str = ""


def load_documents(sources: list[str], *, limit: int | None = None, until: str | None = None):
    """Documents and per-file problems from pack names and folders; `until` keeps documents dated on or before it."""
    from assistant.corpus import load_source

    docs, problems = [], []
    for source in sources:
        more, bad = load_source(source, limit=limit)
        docs.extend(more)
        problems.extend(bad)
    if until:
        docs = [d for d in docs if d.date and d.date[: len(until)] <= until]
    return docs, problems


def main_language(docs: list[Document]) -> str:
    """The language most documents are in ("en" for none); ties go to the alphabetically first."""
    languages = sorted(d.language for d in docs) or ["en"]
    return max(dict.fromkeys(languages), key=languages.count)


def embedder_name(settings: Settings, docs: list[Document]) -> str:
    if settings.embedder != "auto":
        return settings.embedder
    from assistant.embed import default_embedder_for

    return default_embedder_for(main_language(docs))


def to_passages(docs: list[Document], embedder: Embedder, settings: Settings) -> list[Passage]:
    from assistant.chunking import chunk

    cap = embedder.max_tokens - 8
    out: list[Passage] = []
    for doc in docs:
        out.extend(chunk(doc, embedder.count_tokens, max_tokens=cap, max_words=settings.max_words,
                         overlap=settings.overlap_sentences))
    return unique(out)


def unique(passages: list[Passage]) -> list[Passage]:
    """Identical text under the same pinpoint is one passage (ids are content hashes)."""
    seen: dict[str, Passage] = {}
    for p in passages:
        seen.setdefault(p.id, p)
    return list(seen.values())


def corpus_hashes(docs: list[Document]) -> dict[str, str]:
    def digest(d: Document) -> str:
        body = d.text + "\x1e".join(u.label + "\x1f" + u.text for u in d.units)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    return {d.id: digest(d) for d in docs}


def ingest(sources: list[str], settings: Settings, *, name: str | None = None, update: bool = False,
           limit: int | None = None, until: str | None = None, dry_run: bool = False,
           progress=None) -> IngestResult:
    """Build (or with update=True, incrementally update) index `name` from `sources` (packs and folders).

    An update re-reads every source the index was built from plus the new ones, so documents that
    vanished from a folder are removed and only new or changed passages are embedded.
    """
    from assistant.embed import get_embedder

    target = settings.index_dir(name or default_name(sources[0]))
    if update:
        sources = recorded_sources(target) + [s for s in sources if s not in recorded_sources(target)]
    docs, problems = load_documents(sources, limit=limit, until=until)
    embedder = get_embedder(embedder_name(settings, docs))
    passages = to_passages(docs, embedder, settings)
    result = IngestResult(len(docs), len(passages), problems, embedder=embedder.name)
    if dry_run:
        return result
    extra = {"sources": [absolute(s) for s in sources], "language": main_language(docs)}
    result.report = write_index(target, passages, embedder, settings, corpus_hashes(docs), extra, update, progress,
                                files=signal_files(docs))
    return result


def signal_files(docs: list[Document]) -> dict[str, str]:
    """Statute validity dates (as-of answering) and the citation graph of `docs`, as files for the index
    version built from them: written inside it, so they always describe the version that is served."""
    from assistant import asof, graph

    return {asof.FILE: asof.validity_json(asof.validity_table(docs)), graph.FILE: graph.build_graph(docs).to_json()}


def write_index(target: Path, passages: list[Passage], embedder: Embedder, settings: Settings, hashes, extra, update,
                progress, files: dict[str, str] | None = None):
    """Build or update the index at `target`; either way the manifest records the chunker that cut `passages`."""
    from assistant.chunking import CHUNKER_VERSION
    from assistant.index import build_index, update_index

    if update:
        return update_index(target, passages, embedder, corpus_hashes=hashes, chunker_version=CHUNKER_VERSION,
                            extra=extra, progress=progress, files=files)
    return build_index(target, passages, embedder, index_type=settings.index_type, corpus_hashes=hashes,
                       chunker_version=CHUNKER_VERSION, extra=extra, progress=progress, files=files)


def recorded_sources(target: Path) -> list[str]:
    """Sources named in the live index's manifest (empty for a new index)."""
    from assistant.index import read_manifest

    try:
        return list(read_manifest(target).sources)
    except FileNotFoundError:
        return []


def absolute(source: str) -> str:
    """Folders are recorded as absolute paths so an update finds them from any working directory."""
    path = Path(source)
    return str(path.resolve()) if path.exists() else source


def default_name(source: str) -> str:
    """Index name for a source: the pack name, or the folder's name."""
    return Path(source.rstrip("/")).name or "corpus"
