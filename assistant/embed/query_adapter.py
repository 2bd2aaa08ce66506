"""A query adapter: a learned linear correction of query embeddings, q' = normalise(q + q @ D).

Lay questions ("老公欠的钱我要还吗") and statute text ("夫妻共同债务……") are far apart in the embedder's
space. A 384 x 384 matrix D, trained on real questions and the articles that answer them
(assistant/train/query_adapter.py), moves query vectors toward the provisions' wording. Passage vectors
are untouched, so an adapter can be switched on, off or retrained without re-embedding the index.

A folder holds `adapter.npy` (D, float32, read without pickle) and `card.json` (embedder, dim, the
language it was trained for, training data and figures). The shipped adapter lives in
`assistant/adapters/e5-lecoqa-query/`. Setting `query_adapter`: "auto" uses a shipped adapter whose
embedder and language match the index (an index records its main language at build), "none" turns
it off, a folder path picks that adapter. It is applied only to questions in its language (`applies_to`):
an English question over a Chinese index is searched with its plain vector.

A card may carry a corpus `scope` ({"packs": [...]}): "auto" then picks the adapter only for an index built
from those packs alone (its manifest's `sources`). The shipped adapter, trained on PRC lay questions, is
scoped to the `prc` pack: on the Traditional Chinese `taiwan` rulings it cost a ruling (recall@10 96.6 with
it, 98.3 without), and on a user's own folder nothing has measured it. A folder path applies it anywhere.

A card may also carry `fusion` ({"lexical_weight": w, "rrf_k": k}): the fusion weights chosen with the
adapter on its own training questions (assistant/train/query_adapter.py). An adapted dense ranking is
better than a plain one, so BM25 deserves a different share; the retriever uses these for adapted
questions where the settings leave those fields at their defaults.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.base import Embedder, normalise
from assistant.errors import InputError
from assistant.text import HAN, HANGUL, KANA

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest

SHIPPED = Path(__file__).resolve().parent.parent / "adapters"
MATRIX, CARD = "adapter.npy", "card.json"
FUSION_FIELDS = ("lexical_weight", "rrf_k")  # settings an adapter's card may tune
SCRIPTS = {"zh": re.compile(f"[{HAN}]"), "ja": re.compile(f"[{KANA}]"), "ko": re.compile(f"[{HANGUL}]")}
MIN_SCRIPT_SHARE = 0.2  # a question is in the adapter's language when this share of its letters is in its script


@dataclass(frozen=True)
class QueryAdapter:
    delta: np.ndarray  # D, dim x dim
    card: dict
    folder: Path | None = None

    @property
    def name(self) -> str:
        return self.card.get("name") or (self.folder.name if self.folder else "query-adapter")

    @property
    def fusion(self) -> dict:
        """Fusion settings tuned with this adapter (`lexical_weight`, `rrf_k`); {} when the card has none."""
        tuned = self.card.get("fusion") or {}
        return {name: tuned[name] for name in FUSION_FIELDS if name in tuned}

    def applies_to(self, question: str) -> bool:
        """Whether the adapter was trained for questions like this one: for zh/ja/ko adapters, a question in
        that script (an English question over a Chinese index keeps its plain vector and the plain floor)."""
        script = SCRIPTS.get(self.card.get("language", ""))
        letters = [c for c in question if c.isalpha()]
        return script is None or (bool(letters) and len(script.findall(question)) / len(letters) >= MIN_SCRIPT_SHARE)

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        return normalise(vectors + vectors @ self.delta)

    def save(self, folder: Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / MATRIX, self.delta.astype(np.float32), allow_pickle=False)
        (folder / CARD).write_text(json.dumps(self.card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return folder


def load(folder: Path | str, embedder: Embedder | None = None) -> QueryAdapter:
    """The adapter in `folder`; InputError naming the folder and the fix when it is missing or does not
    fit the embedder."""
    folder = Path(folder)
    if not (folder / MATRIX).is_file() or not (folder / CARD).is_file():
        raise InputError(f"{folder}: not a query adapter (needs {MATRIX} and {CARD}); "
                         "train one with `legal-assistant train-retriever` or use --query-adapter none")
    try:
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        delta = np.load(folder / MATRIX, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: unreadable query adapter ({exc}); retrain it or use --query-adapter none") from None
    dim = card.get("dim")
    if delta.ndim != 2 or delta.shape != (dim, dim):
        raise InputError(f"{folder}: {MATRIX} has shape {delta.shape}, the card says {dim}-d; retrain the adapter")
    if embedder is not None and (card.get("embedder"), dim) != (embedder.name, embedder.dim):
        raise InputError(f"{folder}: the adapter is for '{card.get('embedder')}' ({dim}-d) but the index uses "
                         f"'{embedder.name}' ({embedder.dim}-d); use --query-adapter none or train one for it")
    return QueryAdapter(delta.astype(np.float32), card, folder)


def shipped() -> list[Path]:
    return sorted(p.parent for p in SHIPPED.glob(f"*/{MATRIX}"))


def resolve(setting: str, embedder: Embedder, manifest: Manifest) -> QueryAdapter | None:
    """The adapter a retriever should use: see the module docstring for the three settings."""
    if setting == "none":
        return None
    if setting != "auto":
        return load(setting, embedder)
    language = manifest.language
    for folder in shipped():
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        fits = (card.get("embedder"), card.get("dim"), card.get("language")) == (embedder.name, embedder.dim, language)
        if fits and in_scope(card, manifest):
            return load(folder, embedder)
    return None


def in_scope(card: dict, manifest: Manifest) -> bool:
    """Whether the index was built from the card's scope packs alone (a card without a scope: any index)."""
    packs = (card.get("scope") or {}).get("packs")
    sources = manifest.sources
    return packs is None or (bool(sources) and set(sources) <= set(packs))
