"""Sentence embedders: MiniLM (English), e5 (multilingual, 4-bit) and a hashing fake for tests.

Use `get_embedder(name)`; models load lazily on first use and are cached per process. Backends are
registered here by "module:Class" and imported only when asked for (as assistant/generate/ picks its
backends), so importing this package loads no model library and base.py knows no backend.
"""
from __future__ import annotations

import functools
import importlib

from assistant.embed.base import Embedder, normalise
from assistant.errors import InputError

BACKENDS = {
    "minilm": "assistant.embed.minilm:MiniLMEmbedder",
    "e5": "assistant.embed.e5:E5Embedder",
    "hashing": "assistant.embed.hashing:HashingEmbedder",
}
NAMES = tuple(BACKENDS)
ENGLISH = {"en"}

__all__ = ["BACKENDS", "Embedder", "NAMES", "default_embedder_for", "get_embedder", "normalise"]


def default_embedder_for(language: str) -> str:
    """Name of the embedder to use for a corpus language: MiniLM for English, e5 otherwise."""
    return "minilm" if language.lower().split("-")[0] in ENGLISH else "e5"


def get_embedder(name: str, language: str | None = None) -> Embedder:
    """The process-wide embedder called `name` ("auto" needs the corpus `language`)."""
    if name == "auto":
        if language is None:
            raise InputError("embedder 'auto' depends on the corpus language: pass language= or name one of "
                             + ", ".join(NAMES))
        name = default_embedder_for(language)
    return load(name)


@functools.cache
def load(name: str) -> Embedder:
    """One instance per name and process; its model loads on first use."""
    if name not in BACKENDS:
        raise InputError(f"unknown embedder {name!r}: choose one of " + ", ".join(NAMES))
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
