"""Sentence embedders: MiniLM (English), e5 (multilingual, 4-bit) and a hashing fake for tests.

Use `get_embedder(name)`; models load lazily on first use and are cached per process.
"""
from assistant.embed.base import Embedder, default_embedder_for, get_embedder, normalise

__all__ = ["Embedder", "default_embedder_for", "get_embedder", "normalise"]
