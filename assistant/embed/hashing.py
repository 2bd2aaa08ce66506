"""A deterministic stand-in embedder for tests: hashed words, CJK n-grams and character trigrams.

Each feature is hashed (blake2b, so stable across processes) to one of 384 dimensions with a
sign; the summed vector is L2-normalised. Texts sharing words get high cosine similarity.
"""
from __future__ import annotations

import hashlib

import numpy as np

from assistant.embed.base import normalise
from assistant.text import runs, tokenize


def features(text: str) -> list[str]:
    """Lexical tokens plus character trigrams of each (non-CJK) word, for fuzzy matching."""
    found = tokenize(text)
    for run, is_cjk in runs(text):
        if not is_cjk and len(run) > 3:
            padded = f"<{run}>"
            found.extend("#" + padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def bucket(feature: str, dim: int) -> tuple[int, float]:
    digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
    return (digest >> 1) % dim, 1.0 if digest & 1 else -1.0


class HashingEmbedder:
    """Fake 384-d embedder: no model, instant, deterministic."""

    name = "hashing"
    max_tokens = 256

    def __init__(self, dim: int = 384):
        self.dim = dim

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in features(text):
                column, sign = bucket(feature, self.dim)
                out[row, column] += sign
        return normalise(out)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def count_tokens(self, text: str) -> int:
        """Roughly what a word-piece model reads: a token per word or CJK character, plus two specials."""
        return 2 + sum(len(run) if is_cjk else 1 for run, is_cjk in runs(text))
