"""The Generator protocol every backend (local HF, OpenAI-compatible HTTP, scripted fake) follows."""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Iterator, Protocol, runtime_checkable

from assistant.errors import GenerationError

END = object()  # put by a generation worker after its last piece


@dataclass(frozen=True)
class Draft:
    """A finished generation: its text and how many tokens it took (`max_new_tokens` of them: it was cut)."""

    text: str
    tokens: int


@runtime_checkable
class Generator(Protocol):
    name: str  # model id shown in answers, e.g. "qwen-0.5b"
    adapter: str  # adapter id or folder, "" when none

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        """Yield text pieces as they are generated; greedy decoding, so the same input gives the same output."""
        ...

    def adapter_for(self, messages: list[dict]) -> str:
        """The adapter that answers these messages ("" when the base model does)."""
        ...

    def draft_many(self, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
        """Whole drafts for several conversations at once, in order (batch answering of a file)."""
        ...


def one_by_one(generator: Generator, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
    """`draft_many` for an engine that drafts one conversation at a time: one token per streamed piece."""
    drafts = []
    for messages in batch:
        pieces = list(generator.stream(messages, max_new_tokens))
        drafts.append(Draft("".join(pieces), len(pieces)))
    return drafts


def drain(pieces: queue.Queue, stop: threading.Event, worker: threading.Thread, what: str) -> Iterator[str]:
    """Yield the pieces a generation worker thread puts until END. An exception it puts is raised here (a
    GenerationError as is, any other wrapped in one naming `what`); closing the iterator early sets `stop`
    and waits for the worker, so the model stops at its next token."""
    worker.start()
    try:
        while (item := pieces.get()) is not END:
            if isinstance(item, GenerationError):
                raise item
            if isinstance(item, Exception):
                raise GenerationError(f"{what} failed: {item}") from item
            yield item
    finally:
        stop.set()
        worker.join()
