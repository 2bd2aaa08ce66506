"""Answer-quality measures, pure functions: ROUGE-L, token F1, BLEU, citation precision/recall.
Refusals are recognised by the app's own rule, `assistant.verify.is_refusal`.

Tokens are characters for CJK text (Chinese has no spaces; character level is the usual choice) and
lower-cased words for Latin text; `[n]` citation markers are removed before scoring text overlap.

    .venv/bin/python -c "from assistant.evaluate.metrics import rouge_l; print(rouge_l('合同无效', '合同有效'))"
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

from assistant.text import CJK, parse_markers, strip_markers  # the app's own marker and script rules

_TOKEN = re.compile(rf"[{CJK}]|[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def tokens(text: str) -> list[str]:
    """CJK characters one by one, Latin words lower-cased; punctuation and markers dropped."""
    return [t.lower() for t in _TOKEN.findall(strip_markers(text))]


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def _f1(overlap: float, n_pred: int, n_ref: int) -> float:
    if overlap == 0 or n_pred == 0 or n_ref == 0:
        return 0.0
    p, r = overlap / n_pred, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 (longest common subsequence of tokens)."""
    a, b = tokens(prediction), tokens(reference)
    return _f1(_lcs(a, b), len(a), len(b))


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style bag-of-tokens F1."""
    a, b = tokens(prediction), tokens(reference)
    return _f1(sum((Counter(a) & Counter(b)).values()), len(a), len(b))


def _ngrams(seq: Sequence[str], n: int) -> Counter:
    return Counter(tuple(seq[i : i + n]) for i in range(len(seq) - n + 1))


def bleu(prediction: str, reference: str, max_n: int = 4) -> float:
    """Sentence BLEU-4 with brevity penalty; zero higher-order n-gram counts smoothed
    by 0.1 (Chen & Cherry method 1); no shared token gives 0."""
    a, b = tokens(prediction), tokens(reference)
    if not a or not b:
        return 0.0
    logs = []
    for n in range(1, max_n + 1):
        pred = _ngrams(a, n)
        total = max(1, sum(pred.values()))
        hits = sum((pred & _ngrams(b, n)).values())
        if n == 1 and hits == 0:
            return 0.0
        logs.append(math.log((hits or 0.1) / total))
    brevity = min(0.0, 1 - len(b) / len(a))
    return math.exp(brevity + sum(logs) / max_n)


def cited_numbers(text: str, k: int) -> list[int]:
    """Distinct `[n]` markers in order of appearance that point at one of the k passages."""
    return list(dict.fromkeys(n for n in parse_markers(text) if 1 <= n <= k))


def citation_scores(text: str, passage_cites: Sequence[str], gold: Iterable[str]) -> tuple[float | None, float | None]:
    """(precision, recall) of the cited passages against the gold provisions shown in the prompt.

    precision is None when nothing is cited, recall is None when no gold passage was shown.
    """
    gold = set(gold)
    cited = {passage_cites[n - 1] for n in cited_numbers(text, len(passage_cites))}
    precision = len(cited & gold) / len(cited) if cited else None
    recall = len(cited & gold) / len(gold) if gold else None
    return precision, recall


def mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
