"""LangChain adapters over the same parts the CLI and the page use.

    from assistant import Assistant
    from assistant.integrations.langchain import LegalRetriever, make_chain
    docs = LegalRetriever(retriever=Assistant().retriever, k=5).invoke("right to privacy")
    answer = make_chain(Assistant()).invoke({"question": "What does Article 21 protect?"})

The chain is `LegalRetriever` (retrieval step) piped into the assistant's answer step, which reuses the
retrieved passages (no second search), so citations are verified exactly as in `Assistant.ask`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from pydantic import ConfigDict

from assistant.types import Filters, Hit

if TYPE_CHECKING:
    from assistant.protocols import Answerer


def to_document(hit: Hit) -> LCDocument:
    """A LangChain Document carrying the passage text and every field of the hit as metadata."""
    meta = {**hit.passage.to_dict(), "score": hit.score, "dense": hit.dense, "lexical": hit.lexical}
    meta.pop("text")
    return LCDocument(page_content=hit.passage.text, metadata={"hit": hit, **meta})


class LegalRetriever(BaseRetriever):
    """BaseRetriever over `assistant.retrieve.Retriever` (hybrid dense + BM25, filters)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: Any
    k: int = 5
    filters: Filters | None = None
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters, mode=self.mode)
        return [to_document(h) for h in hits]


def make_chain(assistant: Answerer, filters: Filters | None = None) -> Runnable:
    """Runnable: {"question": str, "history": [...]?} -> Answer.to_dict() (with verified citations)."""
    retriever = LegalRetriever(retriever=assistant.retriever, k=assistant.settings.k, filters=filters)

    def answer(inputs: dict) -> dict:
        hits = [doc.metadata["hit"] for doc in inputs["documents"]]
        reply = assistant.ask(inputs["question"], filters=filters, history=inputs.get("history"), hits=hits)
        return reply.to_dict()

    question = RunnableLambda(lambda inputs: inputs["question"])
    return RunnableParallel(documents=question | retriever, question=question,
                            history=RunnablePassthrough() | RunnableLambda(lambda i: i.get("history"))) \
        | RunnableLambda(answer)
