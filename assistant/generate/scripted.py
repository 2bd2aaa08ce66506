"""A deterministic fake generator for tests and demos: canned text streamed word by word."""
from __future__ import annotations

import re
from typing import Callable, Iterator

from assistant.generate.base import Draft, one_by_one

Reply = str | Callable[[list[dict]], str]


class ScriptedGenerator:
    """`reply` is a fixed string or a function of the chat messages; pieces keep their spacing."""

    def __init__(self, reply: Reply = "", name: str = "scripted"):
        self.reply = reply
        self.name = name
        self.adapter = ""
        self.calls: list[list[dict]] = []

    def adapter_for(self, messages: list[dict]) -> str:
        return self.adapter

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        self.calls.append(messages)
        text = self.reply(messages) if callable(self.reply) else self.reply
        yield from re.findall(r"\S+\s*|\s+", text)[:max_new_tokens]

    def draft_many(self, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
        return one_by_one(self, batch, max_new_tokens)


def quote_first_passage(messages: list[dict]) -> str:
    """The default script: the first sentence of passage [1] (its heading line skipped) followed by [1] (an
    "extractive" answer)."""
    from assistant.prompts import REFUSAL
    from assistant.verify.anchor import spans

    found = re.search(r"^\[1\] [^\n]*\n(.+?)(?:\n\n|\Z)", messages[-1]["content"], re.MULTILINE | re.DOTALL)
    sentences = spans(found.group(1)) if found else []
    if not sentences:
        return REFUSAL
    first = sentences[0]
    return f"{first.rstrip('.')} [1]."
