"""Typed settings shared by the CLI, the page and the Python API. Every field says what it does."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_home() -> Path:
    """$LEGAL_ASSISTANT_HOME; else index/ in a source checkout; else the user's data folder (installed package)."""
    if os.environ.get("LEGAL_ASSISTANT_HOME"):
        return Path(os.environ["LEGAL_ASSISTANT_HOME"])
    if (REPO_ROOT / "pyproject.toml").exists():
        return REPO_ROOT / "index"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "legal-assistant"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    home: Path = Field(
        default_factory=default_home,
        description="Folder that holds the built indexes (<home>/<name>/), the model cache and the audit log "
        "(default: $LEGAL_ASSISTANT_HOME, else index/ of a source checkout, else ~/.local/share/legal-assistant).",
    )
    index: str = Field("india", description="Name of the index to search (a folder under home).")
    embedder: Literal["auto", "minilm", "e5", "hashing"] = Field(
        "auto", description="Embedding backend; 'auto' picks MiniLM for English packs and e5 for zh/ko/ja."
    )
    index_type: Literal["flat", "ivf", "ivfpq", "hnsw"] = Field(
        "flat", description="FAISS index type: exact inner product, or an approximate one for large corpora."
    )
    max_words: int = Field(180, ge=20, le=400, description="Soft cap on words per passage (MiniLM reads 256 tokens).")
    overlap_sentences: int = Field(1, ge=0, le=5, description="Sentences repeated between split pieces of a long unit.")
    k: int = Field(5, ge=1, le=50, description="Passages given to the model and shown to the user.")
    candidates: int = Field(50, ge=5, le=1000, description="Candidates taken from each of dense and BM25 before fusion.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in reciprocal rank fusion.")
    lexical_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in reciprocal rank fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant: score = w / (rrf_k + rank).")
    query_adapter: str = Field(
        "auto", description="Query-embedding adapter: 'auto' (a shipped one matching the index's embedder and "
        "language, within its scope: the prc pack), 'none', or a folder (see assistant/embed/query_adapter.py).",
    )
    expansion: str = Field(
        "auto", description="BM25 document expansion: 'auto' (the shipped LeCoQA questions per article, on an index "
        "of the prc pack only), 'none', or a folder (see assistant/index/expansion.py).",
    )
    model: str = Field(
        "qwen-0.5b",
        description="Generator: qwen-0.5b (default), qwen-1.5b (quality), smollm2 (tests), openai (HTTP server).",
    )
    engine: Literal["torch", "llamacpp"] = Field(
        "torch",
        description="How a packaged model (qwen-0.5b, qwen-1.5b, smollm2) runs: torch (the GGUF dequantized, "
        "peft adapters) or llamacpp (the GGUF as packaged, in process through xllamacpp; LoRA adapters only).",
    )
    adapter: str = Field(
        "default", description="LoRA/P-tuning adapter: 'default' (shipped for the model if any), 'none', or a folder."
    )
    openai_base_url: str = Field("http://127.0.0.1:8080/v1", description="OpenAI-compatible server (vLLM, llama.cpp).")
    openai_model: str = Field("legal-assistant", description="Model (or LoRA adapter) name served by that server.")
    max_new_tokens: int = Field(
        32, ge=1, le=4096, description="Longest draft, in tokens. Only anchored sentences are served, and a draft's "
        "unfinished last sentence is dropped; on the dev and tuning questions drafts cut at 32 tokens served the same "
        "or better answers than at 64 or 256, in half the time (docs/RESULTS.md).")
    decoding: Literal["quotes", "free"] = Field(
        "quotes", description="'quotes': where no adapter answers (the base model, outside the adapter's languages), "
        "the model may write only the passages' own words, so its draft is a quote (assistant/generate/copying.py: "
        "a logits processor on the torch engine, a grammar of the passages' spans on llama.cpp); 'free': any "
        "token. The OpenAI-compatible backend decodes freely.")
    batch: int = Field(
        2, ge=1, le=16, description="Questions of a file (faq) whose drafts the model decodes together; 1: one at a "
        "time. On 2 cores a pair takes little longer than one answer (bench/generation.py, FAQ throughput).")
    min_dense_score: float = Field(
        0.25, description="Abstain when the best passage's cosine similarity is below this (calibrated per embedder)."
    )
    support_check: Literal["drop", "flag"] = Field(
        "drop", description="What is served: 'drop' keeps only sentences anchored to a retrieved span with the same "
        "polarity; 'flag' (a debug view) shows every drafted sentence and marks those that failed.",
    )
    audit_log: bool = Field(True, description="Append every question, passages used and answer to <home>/audit.jsonl.")

    def index_dir(self, name: str | None = None) -> Path:
        return Path(self.home) / (name or self.index)

    def cache_dir(self) -> Path:
        return Path(self.home) / ".cache"


def default(name: str):
    """A Settings field's default: the one place a function's default for the same option comes from."""
    return Settings.model_fields[name].default


PRESETS: dict[str, dict] = {
    "demo": {"index": "india", "model": "qwen-0.5b"},
    "quality": {"model": "qwen-1.5b", "adapter": "none", "k": 6},
    "test": {"model": "smollm2", "adapter": "none", "max_new_tokens": 32},
}


def load(preset: str | None = None, **overrides) -> Settings:
    values = dict(PRESETS.get(preset, {})) if preset else {}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
