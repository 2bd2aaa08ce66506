"""The one stage that decides what of a model's draft may be served: `check(question, draft, hits)`.

The whole rule, in order:
1. A draft that says the passages do not answer is a refusal.
2. The model's own "Yes"/"No" lead is taken off; it is never served on trust (see `lead`).
3. Each remaining sentence is anchored to one span of one retrieved passage (`anchor`): served only when
   the span covers every one of its content terms (ANCHOR_MIN) and every number it states, and when it keeps
   the polarity of the clauses it restates (`polarity`: negation, shall/may, 不得/可以 ...). Its citation is
   the anchor's passage, whatever marker the model wrote; the citation's quote is the span. A sentence that
   is a word-for-word quote of the passage is served as a quote, if it holds a whole clause of its span (a
   quoted phrase states nothing: `fragment`), and not when its span holds an exception it leaves out (除…外,
   但是, except, unless, provided that: `EXCEPTION`). A quoted list item is served with the words opening its list.
4. A served sentence must also be on point for the question (`relevance`); when none is, the on-point span
   that best answers the question is served instead, as a quote ("evidence").
5. A yes/no question gets a lead only when code settles it from the served anchors and the question.
6. If nothing holds, the answer is the refusal in the question's language and script, and the closest
   passages are shown (each pinpoint once).
Mode "flag" is a debug view: every drafted sentence is shown, and those that failed carry FLAG.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from assistant.aliases import with_aliases
from assistant.prompts import REFUSALS, refusal_for
from assistant.text import (
    HAN,
    MARKER,
    language_of,
    normalize,
    script_of,
    split_sentences,
    strip_markers,
    terms,
    traditional,
)
from assistant.types import Citation, Hit
from assistant.verify import lead as leads
from assistant.verify.anchor import LEAD_IN, Anchor, anchor, cut_off, fragment, in_context, window
from assistant.verify.polarity import keeps_polarity
from assistant.verify.relevance import Gate, Relevance, Similarity, gate_for

ANCHOR_MIN = 1.0  # share of a sentence's content terms its span must hold: all of them
FLAG = "[unsupported]"
MODEL_REFUSED = "the model said the passages do not answer the question"
NOTHING_VERIFIED = "no sentence of the model's answer is anchored to a retrieved passage with the same polarity"
# an exception or proviso in a span: a sentence restating the span without it states the rule as if it had none
# ("用人单位不得与劳动者约定由劳动者承担违约金" of "除本法第二十二条和第二十三条规定的情形外，用人单位不得…")
EXCEPTION = re.compile(r"除[^，。；]{0,30}[外以]|但是|除非|\b(?:except|unless|save as|provided that|notwithstanding)\b",
                       re.IGNORECASE)
REFUSAL_PATTERNS = re.compile(
    r"(sources|passages|context)( provided)? (do|does) not (answer|contain|address|say)|cannot be answered|"
    r"无法回答|不能回答|没有(提到|涉及|规定)|未(提及|涉及)", re.IGNORECASE)


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str  # as drafted, markers included
    served: bool
    why: str  # served: "quote" | "paraphrase" | "evidence"; not: "no anchor" | "fragment" | "exception" | "polarity" |
    # "off point" | "no content" | "repeat"
    anchor: Anchor | None = None


@dataclass
class Verdict:
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    reason: str = ""
    lead: str = ""  # "yes" | "no" | "": the lead settled in code
    model_lead: str = ""  # the model's own lead, for the record only
    checks: list[SentenceCheck] = field(default_factory=list)


def is_refusal(text: str) -> bool:
    """The draft says the sources do not answer: one of the REFUSALS sentences, or a close paraphrase."""
    flat = normalize(" ".join(text.split()))
    return any(normalize(r).rstrip(".。") in flat for r in REFUSALS.values()) or bool(REFUSAL_PATTERNS.search(flat))


ATTRIBUTION = re.compile(r"^(?:您好|你好)[，,！!]\s*|^(?:根据|依据|依照|按照)[^，,。]{0,40}?(?:规定|条)[，,]\s*|"
                         r"^(?:according to|as per|pursuant to|under)\s[^,]{0,80}"
                         r"(?:,\s*(?:art\.?|article|section|§)\s*[\w()]+)?,\s*", re.IGNORECASE)


def claim_of(sentence: str) -> str:
    """The sentence's claim: markers, a greeting and a leading attribution ("According to Art. 21, ...",
    "根据《民法典》第122条的规定，") taken off. The citation is code's to give, from the anchor."""
    claim, before = strip_markers(sentence), None
    while claim != before:
        before, claim = claim, ATTRIBUTION.sub("", claim, count=1)
    return claim


def check_sentence(sentence: str, hits: Sequence[Hit], seen: set[str]) -> SentenceCheck:
    claim = claim_of(sentence)
    if not terms(claim) or LEAD_IN.match(claim):
        return SentenceCheck(sentence, False, "no content")
    found = anchor(claim, hits, [int(n) for n in re.findall(r"\d+", " ".join(MARKER.findall(sentence)))])
    if found is None or found.coverage < ANCHOR_MIN:
        return SentenceCheck(sentence, False, "no anchor", found)
    if found.verbatim and fragment(claim, found.span):
        return SentenceCheck(sentence, False, "fragment", found)
    if EXCEPTION.search(normalize(found.span)) and not EXCEPTION.search(normalize(claim)):
        return SentenceCheck(sentence, False, "exception", found)
    if not keeps_polarity(claim, window(found.span, terms(claim))):
        return SentenceCheck(sentence, False, "polarity", found)
    key = normalize(claim)
    if key in seen:
        return SentenceCheck(sentence, False, "repeat", found)
    seen.add(key)
    return SentenceCheck(sentence, True, "quote" if found.verbatim else "paraphrase", found)


def served_sentence(c: SentenceCheck, question: str) -> str:
    # a quote ending on a clause's "；" or "," ends as a sentence ("……的三倍；" is served "……的三倍”。")
    claim = (claim_of(c.sentence) if c.why != "evidence" else c.sentence).rstrip(" .。;；,，")
    claim = claim[:1].upper() + claim[1:]
    if language_of(question) == "zh" and script_of(question) == "hant":
        claim = traditional(claim)  # the answer in the question's script; the quote keeps the passage's own
    end = "。" if re.search(f"[{HAN}]\\W*$", claim) else "."
    body = f"“{claim}”" if c.why in ("quote", "evidence") else claim
    return f"{body} [{c.anchor.n}]{end}"


def on_point(relevance: Relevance, checks: list[SentenceCheck], gate: Gate) -> list[SentenceCheck]:
    """Served sentences whose span is not on point for the question become "off point": a true sentence about
    something else (a neighbouring clause, a procedural rule, no figure for a "how many" question) does not answer."""
    return [c if not c.served or relevance.holds(c.anchor, gate, c.why == "quote")
            else SentenceCheck(c.sentence, False, "off point", c.anchor) for c in checks]


def holdings(relevance: Relevance, checks: list[SentenceCheck], gate: Gate) -> list[SentenceCheck]:
    """A served sentence anchored in a ruling's reasoning gives way to that ruling's holding where it is on point
    (`Relevance.holding`), served as a quote ("evidence"); the same holding twice is served once."""
    out, served = [], set()
    for c in checks:
        found = relevance.holding(c.anchor, gate) if c.served else None
        if found is not None:
            fresh = (found.n, found.span) not in served
            c = SentenceCheck(found.span, fresh, "evidence" if fresh else "repeat", found)
        if c.served:
            served.add((c.anchor.n, c.anchor.span))
        out.append(c)
    return out


def finished(sentences: list[str], cut: bool) -> list[str]:
    """The drafted sentences less the last when the draft stopped at the token limit before ending it: a
    quote cut short can say the opposite of its clause ("No person shall be deprived of his life"). Finishing
    such a quote from its passage instead was tried and lost gold pinpoints (docs/RESULTS.md)."""
    if cut and sentences and not re.search(r"[.!?。！？]\s*(?:\[[^\]]*\]\s*)*$", sentences[-1]):
        return sentences[:-1]
    return sentences


def check(question: str, draft: str, hits: Sequence[Hit], mode: str = "drop", gate: Gate | None = None,
          similarity: Similarity | None = None, cut: bool = False) -> Verdict:
    """The served answer for a draft: verified sentences only (mode "drop"), or all of them flagged (mode "flag").

    When no drafted sentence holds, the retrieved span that best answers the question is served instead, as
    a quote, if it is on point (`relevance.Relevance.evidence`; over the model's own refusal only when it
    scores `gate.override`). `similarity` (the index's embedder) widens "on point" to spans
    that say the same in other words. `cut`: the draft stopped at the token limit (see `finished`)."""
    gate = gate or gate_for(question)
    refused = is_refusal(draft)
    model_lead, body = ("", "") if refused else leads.strip_lead(draft.strip())
    seen: set[str] = set()
    relevance = Relevance(with_aliases(question), hits, similarity)  # on point in the statute's words too
    sentences = finished(split_sentences(body), cut)
    checks = holdings(relevance, on_point(relevance, [check_sentence(s, hits, seen) for s in sentences], gate), gate)
    if gate.evidence and not any(c.served for c in checks):
        found = relevance.evidence(gate, refused)
        if found is not None:
            checks.append(SentenceCheck(found.span, True, "evidence", found))
    checks = shown(checks, hits)
    served = [c for c in checks if c.served]
    notes = _notes(checks)
    if not served:
        reason = MODEL_REFUSED if refused else NOTHING_VERIFIED
        return Verdict(refusal_for(question), refused=True, reason="; ".join([reason, *notes]),
                       model_lead=model_lead, checks=checks)
    # a list item's lead is read with its list's opening words where its passage has them; a span cut off by its
    # passage's end settles nothing (its exception may be in the next passage)
    settled = leads.settle(question, [replace(c.anchor, span=in_context(c.anchor.span, hits[c.anchor.n - 1].passage.text)
                                              or c.anchor.span) for c in served
                                      if not cut_off(c.anchor.span, hits[c.anchor.n - 1].passage.text)], model_lead)
    sentences = [served_sentence(c, question) if c.served else f"{c.sentence} {FLAG}" for c in checks
                 if c.served or (mode == "flag" and c.why != "no content")]
    text = " ".join([leads.lead_word(settled, question), *sentences]).strip()
    citations = [Citation(n=c.anchor.n, passage_id=hits[c.anchor.n - 1].passage.id,
                          cite=hits[c.anchor.n - 1].passage.cite, quote=c.anchor.span) for c in served]
    drafted = len([c for c in checks if c.why != "no content"])
    grounded = f"groundedness {1.0 if mode == 'drop' else len(served) / drafted:.2f}"  # of what is shown
    return Verdict(text, citations, reason="; ".join([grounded, *notes]), lead=settled, model_lead=model_lead,
                   checks=checks)


def shown(checks: list[SentenceCheck], hits: Sequence[Hit]) -> list[SentenceCheck]:
    """A quoted list item is served with the words opening its list, as evidence of its joined span; a served
    span that another served span of the same passage holds whole (those opening words) is then a repeat."""
    def joined(c: SentenceCheck) -> SentenceCheck:
        span = in_context(c.anchor.span, hits[c.anchor.n - 1].passage.text) if c.why in ("quote", "evidence") else ""
        return SentenceCheck(span, True, "evidence", replace(c.anchor, span=span)) if span and span != c.anchor.span else c

    checks = [joined(c) if c.served else c for c in checks]
    spans = [(c.anchor.n, c.anchor.span) for c in checks if c.served]
    return [SentenceCheck(c.sentence, False, "repeat", c.anchor) if c.served and any(
        n == c.anchor.n and c.anchor.span in span and span != c.anchor.span for n, span in spans) else c for c in checks]


def closest(hits: Sequence[Hit], limit: int = 3) -> list[Hit]:
    """The best-ranked hits shown beside a refusal, each pinpoint once (a long article's parts share one)."""
    first: dict[str, Hit] = {}
    for hit in hits:
        first.setdefault(hit.passage.cite, hit)
    return list(first.values())[:limit]


def _notes(checks: list[SentenceCheck]) -> list[str]:
    whys = ("no anchor", "polarity", "off point")
    dropped = [c for c in checks if not c.served and c.why in whys]
    if not dropped:
        return []
    counts = {why: sum(c.why == why for c in dropped) for why in whys}
    return [f"{len(dropped)} sentence(s) not served (" +
            ", ".join(f"{why}: {n}" for why, n in counts.items() if n) + ")"]
