"""Document expansion for BM25: the lay questions people asked about an article, read as part of it.

A statute says 夫妻共同债务; a client asks 老公欠的钱我要还吗. BM25 cannot join the two, but the questions
that earlier clients asked about that article can: their words are added to the article's BM25 tokens
(never to its text, its embedding or what the lawyer sees). The shipped file,
`assistant/adapters/lecoqa-expansion/expansion.json`, maps an article key of the `prc` pack (the law title
without 中华人民共和国 + 第N条, every version of the law) to the LeCoQA-train questions whose gold cites it,
the same training questions as the query adapter: none from the frozen test split, the answering model's
dev split or the query adapter's held-out third (assistant/train/query_adapter.held_out). LeCoQA is MIT:
its notice ships beside the file.

Scope: like the query adapter, "auto" applies it only to an index built from the `prc` pack alone (its
manifest's `sources`); a folder path applies that file anywhere; "none" turns it off. On the frozen test
split over the whole pack, BM25 alone went from recall@10 49.3 to 58.6 (bench/retrieval.py has the
hybrid figures).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from assistant.corpus.prc import passage_key
from assistant.errors import InputError
from assistant.types import Passage

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest

SHIPPED = Path(__file__).resolve().parent.parent / "adapters" / "lecoqa-expansion"
FILE = "expansion.json"


@dataclass(frozen=True)
class Expansion:
    articles: dict[str, list[str]]  # article key -> questions about it
    card: dict  # name, scope, source, rule

    def texts(self, passages: Iterable[Passage]) -> dict[str, str]:
        """Passage id -> the text BM25 adds to it, for the passages whose article has questions."""
        out = {}
        for p in passages:
            questions = self.articles.get(passage_key(p) or "")
            if questions:
                out[p.id] = "\n".join(questions)
        return out


def load(folder: Path | str) -> Expansion:
    path = Path(folder) / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = {str(k): [str(q) for q in v] for k, v in data["articles"].items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise InputError(f"{path}: not a BM25 expansion file ({exc.__class__.__name__}: {exc}); rebuild it with "
                         "`python -m assistant.train.expansion` or use --expansion none") from None
    return Expansion(articles, {k: v for k, v in data.items() if k != "articles"})


def resolve(setting: str, manifest: Manifest) -> Expansion | None:
    """The expansion for an index: "none", a folder, or "auto" (the shipped one, within its scope)."""
    if setting == "none":
        return None
    if setting != "auto":
        return load(setting)
    if not (SHIPPED / FILE).is_file():
        return None
    shipped = load(SHIPPED)
    packs = set((shipped.card.get("scope") or {}).get("packs", ()))
    sources = set(manifest.sources)
    return shipped if sources and sources <= packs else None
