"""Which questions an answering adapter answers: the languages it was tuned on.

An adapter folder may hold `scope.json`, `{"languages": ["zh"], "why": "..."}`; the local generator then
uses the adapter for questions in those languages and the base model for the others (no file: every
language). `assistant.train.card` writes it with the languages that make up at least MIN_SHARE of the
training examples: an adapter that saw a language only in passing has not learnt to answer in it (the
shipped qwen-0.5b adapter, 36 English examples of 1,169, refused most answerable English questions of the
answers benchmark; see README).
"""
from __future__ import annotations

import json
from pathlib import Path

FILE = "scope.json"
MIN_SHARE = 0.1


def languages(folder: str | Path | None) -> frozenset[str] | None:
    """The languages the adapter in `folder` is for; None when it names none (use it for every question)."""
    path = Path(folder) / FILE if folder else None
    if path is None or not path.is_file():
        return None
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["languages"])


def answering(adapter: str, scoped: frozenset[str] | None, messages: list[dict]) -> str:
    """The adapter that answers these messages: "" when their question is outside the `scoped` languages."""
    from assistant.prompts import language_of, question_of

    if not adapter or scoped is None:
        return adapter
    return adapter if language_of(question_of(messages)) in scoped else ""


def tuned_languages(counts: dict[str, int]) -> list[str]:
    """Languages with at least MIN_SHARE of the training examples, most examples first."""
    total = sum(counts.values())
    return sorted((lang for lang, n in counts.items() if total and n / total >= MIN_SHARE), key=lambda x: -counts[x])


def write(folder: str | Path, counts: dict[str, int]) -> dict:
    scope = {"languages": tuned_languages(counts), "training_examples": counts,
             "why": f"languages with at least {MIN_SHARE:.0%} of the training examples; the base model answers "
                    "questions in other languages (assistant/generate/scope.py)"}
    (Path(folder) / FILE).write_text(json.dumps(scope, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return scope
