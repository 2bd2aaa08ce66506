"""Research signals beside an answer: which law versions were used (as-of), and citation-graph notes.

Both read files that ingest writes inside each index version: `validity.json` (assistant.asof) and
`graph.json` (assistant.graph), read from the version being served (`Index.folder`), never from another.
A missing or unreadable file means no note, never an error.
"""
from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from assistant.types import Answer, Passage

log = logging.getLogger("legal_assistant.ui")


@st.cache_resource(show_spinner=False, max_entries=4)
def _graph(path: str, mtime_ns: int):
    from assistant.graph import CitationGraph

    return CitationGraph.load(Path(path))


def citation_graph(version: Path | None):
    """The CitationGraph of the index version folder `version`, or None when there is none."""
    from assistant.graph import FILE

    if version is None:
        return None
    path = Path(version) / FILE
    try:
        return _graph(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.exception("cannot read %s; citation signals are not shown", path)
        return None


def graph_note(graph, passage: Passage) -> str:
    """"cited by 2 later rulings; amended by …; repealed" for the passage's provision and its document."""
    if graph is None:
        return ""
    parts: list[str] = []
    for key in (passage.cite, passage.doc_id):
        for part in filter(None, graph.describe(key).split("; ")):
            repeat = part.startswith("cited by") and any(p.startswith("cited by") for p in parts)
            if part not in parts and not repeat:  # the provision's count wins over its document's
                parts.append(part)
    return "; ".join(parts)


def versions_note(answer: Answer, as_of: str | None, version: Path) -> str:
    """For an answer asked as of a date: the versions its passages come from, undated ones flagged, by the
    validity table of the index version folder `version` (the one that answered)."""
    if not as_of or answer.refused or not answer.hits:
        return ""
    from assistant.asof import describe_versions, load_validity

    try:
        table = load_validity(Path(version))
    except (OSError, ValueError):
        log.exception("cannot read the validity table of %s", version)
        table = {}
    return describe_versions(answer.hits, as_of, table)
