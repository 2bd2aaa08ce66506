"""Is a span on point for the question? The gate every served sentence passes, and the evidence fallback.

A span (with its passage's pinpoint cite and heading) is on point when it holds at least `Gate.relevance`
of the question's content terms, or, when a similarity function is given (the index's own embedder),
when its cosine with the question reaches `Gate.dense`; and, for a question asking for a quantity ("how
many days", "what age", 多少, 多久), only when it states one. Cosines are computed once per question, in
one call, for at most DENSE_SPANS spans sharing a term with the question.
The evidence is the on-point span of the retrieved passages scoring highest (lexical + cosine; the
better-ranked, shorter one on a tie): what is served, as a quote, when no drafted sentence holds.
The thresholds are chosen by cross-validation on the dev split of the labelled questions (bench/faithful.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from assistant.text import language_of, normalize, numbers, terms
from assistant.types import Hit
from assistant.verify.anchor import Anchor, coverage, heading, spans

Similarity = Callable[[str, list[str]], Sequence[float]]  # the question's cosine with each span
DENSE_SPANS = 32
FIGURE_QUESTION = re.compile(r"\bhow (?:many|much|long|old|large|big|soon|often|high)\b|\bwhat (?:age|percentage|"
                             r"share|fine|amount|rate|sum|salary|penalty)\b|\bwithin how\b|多少|几[年月日天个岁次成]|多久|"
                             r"多长|多大|多高|比例|百分之", re.IGNORECASE)


@dataclass(frozen=True)
class Gate:
    """`relevance`: share of the question's terms an on-point span holds; `dense`: or its cosine with the
    question (above 1: unused); `override`: the lexical share the evidence needs to be served over the
    model's own refusal (above 1: never); `evidence`: serve the evidence when no drafted sentence holds."""

    relevance: float = 0.5
    dense: float = 1.01
    override: float = 0.5
    evidence: bool = True


# Per question language, chosen by 5-fold cross-validation on the dev split of bench/data/faithful_*.jsonl
# (`python -m bench.faithful`, 2026-12-06): Chinese lay questions share few character bigrams with statute
# text, so their gate is low; the model's own refusal stands in Chinese (its LoRA adapter refuses well).
GATES = {"en": Gate(relevance=0.5, dense=1.01, override=0.5), "zh": Gate(relevance=0.1, dense=1.01, override=1.01)}


def gate_for(question: str) -> Gate:
    return GATES.get(language_of(question), GATES["en"])


def asks_figure(question: str) -> bool:
    return bool(FIGURE_QUESTION.search(normalize(question)))


class Relevance:
    """Scores the retrieved passages' spans against one question."""

    def __init__(self, question: str, hits: Sequence[Hit], similarity: Similarity | None = None):
        self.question, self.hits, self.similarity = question, hits, similarity
        self.wanted, self.figure = terms(question), asks_figure(question)
        self._cosines: dict[str, float] | None = None

    def lexical(self, anchor: Anchor) -> float:
        passage = self.hits[anchor.n - 1].passage
        return coverage(self.wanted, anchor.span, passage.cite, heading(passage.text), names=True)

    def cosine(self, span: str) -> float:
        if self.similarity is None:
            return 0.0
        if self._cosines is None:
            self._cosines = self._embed()
        return self._cosines.get(span, 0.0)

    def _embed(self) -> dict[str, float]:
        scored = sorted(((self.lexical(a), a.span) for a in self.candidates()), reverse=True)
        chosen = list(dict.fromkeys(span for lexical, span in scored if lexical > 0))[:DENSE_SPANS]
        return dict(zip(chosen, map(float, self.similarity(self.question, chosen)))) if chosen else {}

    def candidates(self) -> list[Anchor]:
        return [Anchor(n, span, 0.0, True) for n, hit in enumerate(self.hits, start=1) for span in spans(hit.passage.text)]

    def holds(self, anchor: Anchor, gate: Gate) -> bool:
        if self.figure and not numbers(anchor.span):
            return False
        return self.lexical(anchor) >= gate.relevance or self.cosine(anchor.span) >= gate.dense

    def evidence(self, gate: Gate, refused: bool) -> Anchor | None:
        """The best on-point span; over a model's refusal, only one holding `gate.override` of the question."""
        best, key = None, None
        for found in self.candidates():
            lexical = self.lexical(found)
            if not self.holds(found, gate) or (refused and lexical < gate.override):
                continue
            score = (lexical + self.cosine(found.span), -found.n, -len(found.span))
            if key is None or score > key:
                best, key = Anchor(found.n, found.span, round(lexical, 3), True), score
        return best
