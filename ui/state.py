"""Settings from the environment, per-session state, the cached heavy objects, and error display.

Heavy objects are built once per process with st.cache_resource: the generator keyed by the model
settings, the retriever (index + embedder) keyed by the retrieval settings plus a stamp of the index's
manifest, so an index updated here or from the CLI is reopened on the next question while the old
retriever keeps serving whoever is mid-question.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant import settings as settings_mod
from assistant.errors import AssistantError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest

log = logging.getLogger("legal_assistant.ui")

ENV = {"model": "LEGAL_ASSISTANT_MODEL", "engine": "LEGAL_ASSISTANT_ENGINE", "index": "LEGAL_ASSISTANT_INDEX", "embedder": "LEGAL_ASSISTANT_EMBEDDER",
       "adapter": "LEGAL_ASSISTANT_ADAPTER", "min_dense_score": "LEGAL_ASSISTANT_MIN_DENSE_SCORE",
       "support_check": "LEGAL_ASSISTANT_SUPPORT_CHECK"}  # "flag": the debug view of unverified sentences  # home: LEGAL_ASSISTANT_HOME, read by Settings itself
GENERATOR_FIELDS = ("model", "engine", "adapter", "openai_base_url", "openai_model", "home")


def base_settings() -> Settings:
    """Settings with the page's environment overrides (tests point these at a tiny index + scripted model)."""
    return settings_mod.load(os.environ.get("LEGAL_ASSISTANT_PRESET") or None,
                             **{field: os.environ.get(var) or None for field, var in ENV.items()})


def init_session() -> None:
    st.session_state.setdefault("turns", [])  # [{"question", "answer": Answer, "filters": Filters, "index"}]
    st.session_state.setdefault("notices", [])  # messages to show once after a rerun (e.g. update done)


def manifest(index_dir: Path) -> Manifest | None:
    """The live manifest of the index at `index_dir`, or None when the folder holds no usable index."""
    try:
        from assistant.index import read_manifest
    except ImportError:  # older layout of the index package
        from assistant.index.store import read_manifest
    try:
        return read_manifest(Path(index_dir))
    except (OSError, ValueError, AssistantError):
        return None


def list_indexes(home: Path) -> list[str]:
    """Names of the folders under `home` that hold an index (a readable manifest)."""
    home = Path(home)
    if not home.is_dir():
        return []
    return sorted(p.name for p in home.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and manifest(p) is not None)


def stamp(index_dir: Path) -> str:
    """Changes whenever the index is rebuilt or updated (the manifest records version, counts and time)."""
    found = manifest(index_dir)
    return hashlib.sha256(json.dumps(found and found.raw, sort_keys=True, default=str).encode()).hexdigest()[:16]


@st.cache_resource(show_spinner="Loading the language model…", max_entries=2)
def _generator(generator_json: str):
    from assistant.generate import get_generator

    return get_generator(Settings.model_validate_json(generator_json))


@st.cache_resource(show_spinner="Opening the index…", max_entries=4)
def _retriever(retrieval_json: str, index_stamp: str):
    from assistant.pipeline import Assistant

    return Assistant(Settings.model_validate_json(retrieval_json)).retriever


def _retrieval_json(settings: Settings) -> str:
    return settings.model_dump_json(exclude=set(GENERATOR_FIELDS) - {"home"} | {"k", "max_new_tokens", "audit_log"})


@st.cache_resource(show_spinner="Checking which law was in force on that date…", max_entries=4)
def _as_of_retriever(retrieval_json: str, index_stamp: str, as_of: str):
    from assistant.asof import as_of_retriever

    return as_of_retriever(_retriever(retrieval_json, index_stamp), as_of)  # the served version's validity table


def get_assistant(settings: Settings, as_of: str | None = None):
    """A light Assistant per question (it keeps the last answer), over the shared retriever and generator;
    with `as_of` (YYYY-MM-DD) its retriever only sees the law in force, and rulings decided, by that date."""
    from assistant.pipeline import Assistant

    key = (_retrieval_json(settings), stamp(settings.index_dir()))
    retriever = _as_of_retriever(*key, as_of) if as_of else _retriever(*key)
    generator = _generator(settings.model_dump_json(include=set(GENERATOR_FIELDS)))
    return Assistant(settings, retriever=retriever, generator=generator)


def forget(settings: Settings, old_stamp: str) -> None:
    """Drop the cached retriever over an index version that has just been replaced."""
    _retriever.clear(_retrieval_json(settings), old_stamp)
    _as_of_retriever.clear()  # keyed by date too; rebuilt cheaply from the live retriever on demand


@contextmanager
def errors_shown(what: str = ""):
    """Library errors become one st.error line; anything unexpected too (logged with its traceback)."""
    try:
        yield
    except AssistantError as exc:
        st.error(f"{what}{exc}")
    except Exception as exc:  # noqa: BLE001 - the page shows messages, never tracebacks
        log.exception("unexpected error in the page")
        st.error(f"{what}unexpected error ({type(exc).__name__}): {exc}")
