"""Plain data passed between the stages. No behaviour beyond small helpers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Kind = Literal["statute", "case", "other"]
TuningMethod = Literal["lora", "ptuning"]  # adapter kinds `legal-assistant train` makes; the first is the default


@dataclass(frozen=True)
class Unit:
    """One structural unit of a document as its source gives it (an article, a section, a paragraph).

    path: hierarchy from the top, e.g. ("Part III", "Article 21"); label: the pinpoint, e.g. "Art. 21";
    number: paragraph number for cases ("12"), else "".
    """

    label: str
    text: str
    path: tuple[str, ...] = ()
    heading: str = ""


@dataclass(frozen=True)
class Document:
    id: str  # stable: pack name + source key, or the user file's relative path
    kind: Kind
    jurisdiction: str  # "IN", "CN", "EU", "TW", "KR", or user-given
    language: str  # "en", "zh", "ko", ...
    title: str  # "Constitution of India", "Kesavananda Bharati v. State of Kerala"
    citation: str  # short cite used to build pinpoints: "Constitution of India", "(1973) 4 SCC 225"
    text: str = ""  # full text when no units are given (user files); chunking finds the structure
    units: tuple[Unit, ...] = ()  # structure when the source gives it
    date: str | None = None  # ISO date: enactment / decision
    in_force: bool | None = None
    source: str = ""  # file path or pack locator
    meta: dict = field(default_factory=dict)  # court, parties, cited provisions, effective/repeal dates


@dataclass(frozen=True)
class Passage:
    id: str  # content hash (stable across re-ingest of unchanged text)
    doc_id: str
    text: str
    cite: str  # pinpoint: "Constitution of India, Art. 21", "Kesavananda Bharati, para 3"
    path: tuple[str, ...]  # hierarchy: ("Constitution of India", "Part III", "Art. 21")
    kind: Kind
    jurisdiction: str
    language: str
    title: str
    date: str | None = None
    in_force: bool | None = None
    ordinal: int = 0  # position inside its document (neighbour lookup)
    source: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = list(self.path)
        return d


@dataclass(frozen=True)
class Filters:
    jurisdiction: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    in_force: bool | None = None
    title: str | None = None  # case-insensitive substring of the law / case title

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score used for ranking
    dense: float | None = None  # cosine similarity, if the dense side found it
    lexical: float | None = None  # BM25 score, if the lexical side found it
    rank: int = 0
    named: bool = False  # ranked first because the question names this provision ("第27条の5", "Art. 21")


@dataclass(frozen=True)
class Citation:
    n: int  # the [n] marker in the answer
    passage_id: str
    cite: str
    quote: str  # the span of the passage that supports the sentence
    supported: bool = True


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    hits: list[Hit]
    refused: bool = False
    reason: str = ""  # why it refused, or notes on dropped markers
    model: str = ""
    adapter: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # retrieve_s, first_token_s, generate_s, tokens_per_s
    draft: str = ""  # the model's own text, before verification (never shown as the answer)
    lead: str = ""  # "yes" | "no" when a yes/no lead was settled in code, else ""
    checks: list[dict] = field(default_factory=list)  # per drafted sentence: served?, why, anchor n, span, coverage
    notice: str = ""  # for the reader: a provision the question names is not in the index

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "reason": self.reason,
            "citations": [asdict(c) for c in self.citations],
            "passages": [
                {"n": i + 1, "score": h.score, "dense": h.dense, "lexical": h.lexical, **h.passage.to_dict()}
                for i, h in enumerate(self.hits)
            ],
            "model": self.model,
            "adapter": self.adapter,
            "timings": self.timings,
            "draft": self.draft,
            "lead": self.lead,
            "checks": self.checks,
            "notice": self.notice,
        }
