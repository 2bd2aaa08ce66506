"""Assistant: question -> retrieved passages -> streamed answer -> verified citations, or an abstention.

It abstains without calling the model when nothing relevant is retrieved (no hits, or the best dense
cosine is below `settings.min_dense_score`, or below the query adapter's own `min_score` when one is on:
adapted similarities have another scale). After generation, `assistant.verify.check` decides what of the
draft is served: only sentences anchored to a retrieved span with the same polarity, a yes/no lead
settled in code, or the refusal. Every citation in an Answer names a passage in its hits.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator
from typing import Generator as Gen

from assistant.audit import AuditLog
from assistant.generate.base import Draft
from assistant.prompts import build_messages, refusal_for, rewrite_query
from assistant.settings import Settings
from assistant.text import language_of
from assistant.types import Answer, Filters, Hit
from assistant.verify import check
from assistant.verify.relevance import Similarity, gate_for, similarity_of

NO_HITS = "no passage matched the question and filters"


def yield_all(pieces: Gen[str, None, Answer], on_token) -> Answer:
    """Drive a generator of pieces to its end, passing each piece on; return its result."""
    while True:
        try:
            piece = next(pieces)
        except StopIteration as done:
            return done.value
        if on_token:
            on_token(piece)


def best_dense(hits: list[Hit]) -> float | None:
    scores = [h.dense for h in hits if h.dense is not None]
    return max(scores) if scores else None


@dataclass
class _Turn:
    """One question on its way to an Answer: its passages, why retrieval already refuses (`gap`), else the
    prompt and, once generated, the draft."""

    question: str
    hits: list[Hit]
    timings: dict
    notice: str = ""
    gap: str = ""
    messages: list[dict] = field(default_factory=list)
    draft: Draft | None = None


class Assistant:
    """Holds the retriever and generator (built lazily from settings unless passed in)."""

    def __init__(self, settings: Settings | None = None, retriever=None, generator=None):
        self.settings = settings or Settings()
        self._retriever, self._generator = retriever, generator
        self.last: Answer | None = None
        self.last_messages: list[dict] = []  # the prompt of the latest generated answer (for answer records)

    @property
    def retriever(self):
        if self._retriever is None:
            from assistant.embed import get_embedder
            from assistant.index import open_index
            from assistant.retrieve import configured

            wanted = None if self.settings.embedder == "auto" else self.settings.embedder
            index = open_index(self.settings.index_dir(), wanted)
            self._retriever = configured(index, get_embedder(index.manifest.embedder), self.settings)
        return self._retriever

    @property
    def loaded_retriever(self):
        """The retriever if it was built or passed in, else None (reading it builds nothing)."""
        return self._retriever

    @property
    def generator(self):
        if self._generator is None:
            from assistant.generate import get_generator

            self._generator = get_generator(self.settings)
        return self._generator

    def ask(self, question: str, filters: Filters | None = None, history: list[dict] | None = None,
            on_token: Callable[[str], None] | None = None, hits: list[Hit] | None = None) -> Answer:
        """Answer a question; `on_token(piece)` is called with each generated piece as it arrives.

        `hits` skips retrieval with passages already found (batch answering retrieves for a whole file at once).
        Safe to call from several threads: each call returns its own Answer.
        """
        answer = yield_all(self._run(question, filters, history, hits), on_token)
        self._record(answer)
        return answer

    def stream(self, question: str, filters: Filters | None = None,
               history: list[dict] | None = None, hits: list[Hit] | None = None) -> Iterator[str]:
        """Yield the answer's pieces as generated; the finished Answer is left in `self.last`."""
        self.last = yield from self._run(question, filters, history, hits)
        self._record(self.last)

    def _record(self, answer: Answer) -> None:
        if self.settings.audit_log:
            AuditLog.for_settings(self.settings).record(answer, self.settings)

    def ask_many(self, questions: list[str], filters: list[Filters | None] | None = None,
                 hits: list[list[Hit] | None] | None = None) -> list[Answer]:
        """Answer several questions, their drafts decoded together (`generator.draft_many`: batch answering of a
        file); each answer is verified and recorded as `ask` does it. `filters` and `hits` go per question."""
        filters = filters or [None] * len(questions)
        hits = hits or [None] * len(questions)
        turns = [self._turn(q, f, None, h) for q, f, h in zip(questions, filters, hits)]
        asked = [t for t in turns if not t.gap]
        started = time.perf_counter()
        drafts = self.generator.draft_many([t.messages for t in asked], self.settings.max_new_tokens) if asked else []
        took = time.perf_counter() - started
        for turn, draft in zip(asked, drafts):
            turn.draft = draft
            turn.timings.update(generate_s=took, tokens=float(draft.tokens), drafted_together=float(len(asked)))
        if asked:
            self.last_messages = asked[-1].messages
        answers = [self._finish(t) for t in turns]
        for answer in answers:
            self._record(answer)
        return answers

    def _run(self, question: str, filters, history, hits=None) -> Gen[str, None, Answer]:
        turn = self._turn(question, filters, history, hits)
        if not turn.gap:
            self.last_messages = turn.messages
            turn.draft = yield from self._generate(turn.messages, turn.timings)
        return self._finish(turn)

    def _turn(self, question: str, filters, history, hits) -> _Turn:
        """Retrieval (unless `hits` are handed in) and the decision whether to draft at all."""
        started = time.perf_counter()
        query = rewrite_query(question, history)
        notice = ""
        if hits is None:
            hits = self.retriever.search(query, k=self.settings.k, filters=filters)
            notice = self.retriever.named(query, filters).notice()
        turn = _Turn(question, hits, {"retrieve_s": time.perf_counter() - started}, notice,
                     self._retrieval_gap(hits, query))
        if not turn.gap:
            turn.messages = build_messages(question, hits, history)
        return turn

    def _finish(self, turn: _Turn) -> Answer:
        if turn.draft is None:
            answer = self._answer(turn.question, turn.hits, refusal_for(turn.question), turn.timings, refused=True,
                                  reason=turn.gap)
        else:
            answer = self._served(turn.question, turn.hits, turn.draft, turn.timings,
                                  self.generator.adapter_for(turn.messages))
        answer.notice = turn.notice
        return answer

    def _retrieval_gap(self, hits: list[Hit], query: str) -> str:
        if not hits:
            return NO_HITS
        best, (floor, name) = best_dense(hits), self._floor(query)
        if best is None:
            return "no passage matched by meaning (dense search), only by keywords"
        if best < floor:
            return f"the best passage's similarity {best:.3f} is below {name} {floor}"
        return ""

    def _floor(self, query: str) -> tuple[float, str]:
        """(abstention floor, its name): a query adapter rescales the similarities of the queries it applies
        to, and brings its own floor for them (passages handed in with no retriever built get the setting's)."""
        own = self._retriever.adapted_floor(query) if self._retriever is not None else None
        return own or (self.settings.min_dense_score, "min_dense_score")

    def _generate(self, messages: list[dict], timings: dict) -> Gen[str, None, Draft]:
        pieces, started, first = [], time.perf_counter(), None
        for piece in self.generator.stream(messages, self.settings.max_new_tokens):
            first = first if first is not None else time.perf_counter() - started
            pieces.append(piece)
            yield piece
        total = time.perf_counter() - started
        timings.update(first_token_s=first or 0.0, generate_s=total, tokens=float(len(pieces)))
        decode = total - (first or 0.0)
        timings["tokens_per_s"] = (len(pieces) - 1) / decode if len(pieces) > 1 and decode > 0 else 0.0
        return Draft("".join(pieces), len(pieces))

    def similarity(self, question: str = "") -> Similarity:
        """The question's cosine with each span (verification's on-point test): by the index's own embedder,
        or, for passages handed in (`hits=`) with no usable index, by the embedder a pack in the question's
        language is indexed with, the one the gates were chosen with."""
        from assistant.errors import IndexError_

        try:
            return similarity_of(self.retriever.embedder)
        except IndexError_:  # none, or one to rebuild: only passages handed in get this far without it
            from assistant.embed import default_embedder_for, get_embedder

            return similarity_of(get_embedder(default_embedder_for(language_of(question))))

    def _served(self, question: str, hits: list[Hit], draft: Draft, timings: dict, adapter: str) -> Answer:
        cut = draft.tokens >= self.settings.max_new_tokens
        verdict = check(question, draft.text, hits, mode=self.settings.support_check,
                        similarity=self.similarity(question) if gate_for(question).dense else None, cut=cut)
        answer = self._answer(question, hits, verdict.text, timings, verdict.citations, verdict.refused,
                              verdict.reason, adapter)
        answer.draft, answer.lead = draft.text, verdict.lead
        answer.checks = [{"sentence": c.sentence, "served": c.served, "why": c.why,
                          "n": c.anchor.n if c.anchor else None, "span": c.anchor.span if c.anchor else "",
                          "coverage": round(c.anchor.coverage, 3) if c.anchor else 0.0} for c in verdict.checks]
        return answer

    def _answer(self, question, hits, text, timings, citations=(), refused=False, reason="", adapter=None) -> Answer:
        gen = self._generator
        adapter = adapter if adapter is not None else gen.adapter if gen else ""
        return Answer(question=question, text=text, citations=list(citations), hits=hits, refused=refused,
                      reason=reason, model=gen.name if gen else self.settings.model, adapter=adapter, timings=timings)
