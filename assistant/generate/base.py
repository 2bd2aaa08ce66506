"""The Generator protocol every backend (local HF, OpenAI-compatible HTTP, scripted fake) follows."""
from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable


@runtime_checkable
class Generator(Protocol):
    name: str  # model id shown in answers, e.g. "qwen-0.5b"
    adapter: str  # adapter id or folder, "" when none

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        """Yield text pieces as they are generated; greedy decoding, so the same input gives the same output."""
        ...
