"""The plain LangChain baseline: each law's full text -> RecursiveCharacterTextSplitter -> the same
embeddings (through a small langchain_core `Embeddings` subclass) -> an exact FAISS inner-product index.

The BM25-only baseline is the project's own retriever in `mode="lexical"` (see bench/retrieval.py).

Hit rule for a baseline chunk (the chunks carry no article metadata, so coverage is read off the text):
a chunk of law L covers gold article L 第N条 when it (a) contains the heading `第N条` at the start of a
line (not `第N条之一`; for English labels, `Art. 21` is not `Art. 21A` or `Art. 210`), (b) contains the
article's whole text, or (c) lies wholly (>= 20 characters) inside the article's text (a continuation
piece of a long article). A chunk may cover several articles.

Used by:  .venv/bin/python -m bench --only retrieval
"""
from __future__ import annotations

import re

import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

CHUNK_SIZE = 256  # characters: Chinese text is ~1 token per character, MiniLM reads 256 tokens
CHUNK_OVERLAP = 32
MIN_PIECE = 20


class EmbedderEmbeddings(Embeddings):
    """Any project Embedder as a LangChain Embeddings (langchain-huggingface would downgrade hub)."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()


def law_text(doc) -> str:
    """A law's full text as a reader sees it: division headings where they change, then `第N条　text`."""
    lines, current = [], ()
    for unit in doc.units:
        divisions = tuple(unit.path[:-1]) if unit.path and unit.path[-1] == unit.label else tuple(unit.path)
        lines.extend(d for i, d in enumerate(divisions) if current[i:i + 1] != (d,))
        current = divisions
        lines.append(f"{unit.label}\u3000{unit.text}" if unit.label else unit.text)
    return "\n".join(lines) if lines else doc.text


def split_laws(docs, chunk_size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[LCDocument]:
    """Plain fixed-size split of every law's full text (default separators), law title in metadata."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    return splitter.create_documents([law_text(d) for d in docs], [{"law": d.title, "doc_id": d.id} for d in docs])


class FlatStore:
    """Chunks + an exact FAISS inner-product index over their (normalised) embeddings."""

    def __init__(self, chunks: list[LCDocument], embeddings: Embeddings):
        import faiss

        self.chunks, self.embeddings = chunks, embeddings
        vectors = np.asarray(embeddings.embed_documents([c.page_content for c in chunks]), dtype=np.float32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)

    def search_many(self, queries: list[str], k: int) -> list[list[LCDocument]]:
        vectors = np.asarray([self.embeddings.embed_query(q) for q in queries], dtype=np.float32)
        _, ids = self.index.search(vectors, k)
        return [[self.chunks[i] for i in row if i >= 0] for row in ids]


def covers(text: str, articles: dict[str, str]) -> set[str]:
    """Article numbers (`第N条`) of one law that a chunk covers under the hit rule above."""
    body = text.strip()
    found = set()
    for number, article in articles.items():
        if re.search(rf"(?m)^{re.escape(number)}(?![之0-9A-Z])", body):
            found.add(number)
        elif article and (article.strip() in body or (len(body) >= MIN_PIECE and body in article)):
            found.add(number)
    return found
