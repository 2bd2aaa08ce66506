"""Sentence-level support: is each answer sentence backed by the passages it cites?

Each sentence is scored against the text (with pinpoint cite) of the passages its [n] markers name:

- lexical = 0.6 * content-word recall (the sentence's content terms found in the passages; terms as in
  `assistant.citations`: 6-letter stems, CJK bigrams) + 0.4 * character-bigram recall (the sentence's
  letter/digit bigrams found in the passages: catches inflections and spelling variants);
- dense (when an embedder is given) = the best cosine between the sentence and the passages' own
  sentences or whole text;
- score = lexical alone, or DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * lexical.

score >= supported threshold -> "supported", >= partly threshold -> "partly", else "unsupported".
The thresholds were calibrated on the hand labels in bench/data/support_labels.jsonl (see
bench/support.py, which reports agreement). A sentence with no content terms ("Yes [1].") claims
nothing and is "supported"; a sentence that cites nothing is scored against all passages but can be
at most "partly" supported (the reader cannot tell where it came from). A sentence that negates what a cited
passage says, or the other way round (`assistant.citations.contradicts`, English), is "unsupported".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from assistant.citations import MARKER, contradicts, parse_markers, split_sentences, terms
from assistant.types import Answer, Hit

LABELS = ("supported", "partly", "unsupported")
CREDIT = {"supported": 1.0, "partly": 0.5, "unsupported": 0.0}
WORD_WEIGHT = 0.6  # share of content-word recall in the lexical score (the rest: character bigrams)
DENSE_WEIGHT = 0.5  # share of the embedding cosine in the combined score
# (partly, supported) thresholds, calibrated on the hand labels (bench/support.py --calibrate)
THRESHOLDS = {"lexical": (0.68, 0.85), "embedding": (0.69, 0.72)}
FLAG = "[unsupported]"


@dataclass(frozen=True)
class SentenceSupport:
    sentence: str
    cited: tuple[int, ...]  # valid [n] markers of the sentence (1-based positions in hits)
    label: str  # supported | partly | unsupported
    score: float
    lexical: float = 0.0
    dense: float | None = None


# ---- scores ----------------------------------------------------------------------------------------


def claim_of(sentence: str) -> str:
    """The sentence without its [n] markers."""
    return " ".join(MARKER.sub(" ", sentence).split())


def bigrams(text: str) -> set[str]:
    """Character bigrams inside each run of letters/digits (lower-cased)."""
    runs = re.findall(r"[^\W_]+", text.lower())
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)} or set(runs)


def recall(wanted: set[str], found: set[str]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 1.0


def lexical_score(claim: str, passage_text: str) -> float:
    """Weighted content-word and character-bigram recall of the claim in the passage text."""
    words = recall(terms(claim), terms(passage_text))
    chars = recall(bigrams(claim), bigrams(passage_text))
    return WORD_WEIGHT * words + (1 - WORD_WEIGHT) * chars


def dense_score(claim: str, passage_texts: Sequence[str], embedder) -> float:
    """Best cosine between the claim and any sentence (or the whole text) of the passages."""
    windows = [w for text in passage_texts for w in [text, *split_sentences(text)] if w.strip()]
    if not windows:
        return 0.0
    vectors = embedder.embed_passages([claim, *windows])
    return float(np.max(vectors[1:] @ vectors[0]))


def combined(lexical: float, dense: float | None) -> float:
    return lexical if dense is None else DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * lexical


def to_label(score: float, thresholds: tuple[float, float]) -> str:
    partly, supported = thresholds
    return "supported" if score >= supported else "partly" if score >= partly else "unsupported"


# ---- labelling an answer ---------------------------------------------------------------------------


def passage_text(hit: Hit) -> str:
    return f"{hit.passage.cite}\n{hit.passage.text}"


def label_sentence(sentence: str, hits: Sequence[Hit], embedder=None,
                   thresholds: tuple[float, float] | None = None) -> SentenceSupport:
    """Support of one sentence by the hits its markers name (all hits, capped at "partly", if none)."""
    claim = claim_of(sentence)
    cited = tuple(n for n in dict.fromkeys(parse_markers(sentence)) if 1 <= n <= len(hits))
    if not terms(claim):
        return SentenceSupport(sentence, cited, "supported", 1.0, 1.0)
    texts = [passage_text(hits[n - 1]) for n in cited] or [passage_text(h) for h in hits]
    lexical = lexical_score(claim, "\n".join(texts)) if texts else 0.0
    dense = dense_score(claim, texts, embedder) if embedder is not None and texts else None
    score = combined(lexical, dense)
    label = to_label(score, thresholds or THRESHOLDS["embedding" if dense is not None else "lexical"])
    if not cited and label == "supported":
        label = "partly"
    if cited and any(contradicts(claim, hits[n - 1].passage.text) for n in cited):
        label = "unsupported"  # says the opposite of what a cited passage says (see assistant.citations)
    return SentenceSupport(sentence, cited, label, round(score, 4), round(lexical, 4),
                           None if dense is None else round(dense, 4))


def label_sentences(answer_text: str, hits: Sequence[Hit], embedder=None,
                    thresholds: tuple[float, float] | None = None) -> list[SentenceSupport]:
    """One SentenceSupport per sentence of the answer, in order."""
    return [label_sentence(s, hits, embedder, thresholds) for s in split_sentences(answer_text)]


def groundedness(labels: Sequence[SentenceSupport]) -> float:
    """Mean credit per sentence: supported 1, partly 0.5, unsupported 0 (1.0 when nothing is claimed)."""
    return sum(CREDIT[x.label] for x in labels) / len(labels) if labels else 1.0


def apply_support(answer: Answer, labels: Sequence[SentenceSupport], mode: str = "flag") -> Answer:
    """A copy of the answer whose unsupported sentences are flagged with FLAG (mode "flag") or removed
    (mode "drop"); citations whose marker no longer appears are removed; the reason notes what happened."""
    if answer.refused or not labels:
        return answer
    bad = [x for x in labels if x.label == "unsupported"]
    if not bad:
        return replace(answer, reason=_join(answer.reason, f"groundedness {groundedness(labels):.2f}"))
    kept = [x.sentence if x.label != "unsupported" else (f"{x.sentence} {FLAG}" if mode == "flag" else "")
            for x in labels]
    text = " ".join(s for s in kept if s)
    markers = set(parse_markers(text))
    citations = [c for c in answer.citations if c.n in markers]
    verb = "flagged" if mode == "flag" else "dropped"
    note = f"groundedness {groundedness(labels):.2f}; {len(bad)} unsupported sentence(s) {verb}"
    return replace(answer, text=text, citations=citations, reason=_join(answer.reason, note))


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
