"""The seams between the stages as Protocols: what a caller may pass in place of the real object.

`Embedder` (embed/base.py) and `Generator` (generate/base.py) live beside their backends and are re-exported
here; `Index`, `Retriever` and `Answerer` describe what `index.store.Index`, `retrieve.Retriever` and
`pipeline.Assistant` offer to the modules that only use them (faq, impact, record, the page, LangChain).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, runtime_checkable

from assistant.embed.base import Embedder
from assistant.generate.base import Generator
from assistant.settings import Settings
from assistant.types import Answer, Filters, Hit, Passage

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest

__all__ = ["Answerer", "Embedder", "Generator", "Index", "Retriever"]


@runtime_checkable
class Index(Protocol):
    """One published index version: passages by id, filters, and the two searches."""

    folder: Path
    manifest: Manifest

    def get(self, ids: list[str]) -> list[Passage]: ...

    def filter_ids(self, filters: Filters | None) -> set[str] | None: ...

    def lexical_search(self, query: str, k: int, allowed: set[str] | None = None): ...

    def dense_search(self, qvecs, k: int, allowed: set[str] | None = None): ...


@runtime_checkable
class Retriever(Protocol):
    """Top-k hits for questions, over one index; `embedder`: the index's own (verification's cosine)."""

    index: Index
    embedder: Embedder
    settings: Settings

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = ...) -> list[Hit]: ...

    def search_many(self, queries: list[str], k: int | None = None, filters: Filters | None = None,
                    mode: str = ...) -> list[list[Hit]]: ...

    def adapted_floor(self, query: str) -> tuple[float, str] | None: ...


class Answerer(Protocol):
    """What answers questions for the batch, impact and replay tools: `pipeline.Assistant` or a fake. For
    annotations only: an isinstance check would build the retriever to see that it is there."""

    settings: Settings

    @property
    def retriever(self) -> Retriever: ...

    @property
    def loaded_retriever(self) -> Retriever | None:
        """The retriever if it is built already, else None (reading it builds nothing)."""

    def ask(self, question: str, filters: Filters | None = None, history: list[dict] | None = None,
            on_token: Callable[[str], None] | None = None, hits: list[Hit] | None = None) -> Answer: ...

    def ask_many(self, questions: list[str], filters: list[Filters | None] | None = None,
                 hits: list[list[Hit] | None] | None = None) -> list[Answer]: ...
