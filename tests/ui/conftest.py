"""A tiny real index for the page: four Markdown documents ingested with the hashing embedder.

Built through `ingest` (not from bare passages) so its manifest records the source folder and an
incremental update from the uploads folder keeps these documents.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the page's modules live in ui/, beside the assistant package
    sys.path.insert(0, str(ROOT))

from tests.ui.ui_corpus import INDEX, build  # noqa: E402


@pytest.fixture
def ui_home(tmp_path, monkeypatch) -> Path:
    """An index home holding index `test`, with the page's environment pointing at it and a fresh cache."""
    import streamlit as st

    home = build(tmp_path / "home", tmp_path / "corpus")
    monkeypatch.setenv("LEGAL_ASSISTANT_HOME", str(home))
    monkeypatch.setenv("LEGAL_ASSISTANT_INDEX", INDEX)
    monkeypatch.setenv("LEGAL_ASSISTANT_MODEL", "scripted")
    monkeypatch.setenv("LEGAL_ASSISTANT_MIN_DENSE_SCORE", "0.1")  # the hashing fake's cosines run lower than MiniLM's
    st.cache_resource.clear()
    yield home
    st.cache_resource.clear()
