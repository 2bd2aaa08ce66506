"""The Embedder protocol, the name -> backend registry and the per-language default."""
from __future__ import annotations

import functools
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.errors import InputError

NAMES = ("minilm", "e5", "hashing")
ENGLISH = {"en"}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32 (n, dim) L2-normalised vectors; queries and passages may differ."""

    name: str
    dim: int
    max_tokens: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (all-zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


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
    if name == "minilm":
        from assistant.embed.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    if name == "e5":
        from assistant.embed.e5 import E5Embedder

        return E5Embedder()
    if name == "hashing":
        from assistant.embed.hashing import HashingEmbedder

        return HashingEmbedder()
    raise InputError(f"unknown embedder {name!r}: choose one of " + ", ".join(NAMES))
