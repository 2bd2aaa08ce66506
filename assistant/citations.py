"""Parse [n] markers in an answer and check each against the passage it names. Pure functions.

Support check: a sentence's content terms (lower-cased words of 3+ letters and numbers, minus stop words
and words naming provisions such as "article", cut to 6-letter stems; character bigrams for Chinese,
Japanese and Korean runs) are looked up in the cited passage's cite and text. The sentence is supported when at least SUPPORT_THRESHOLD (40%) of its terms occur there. On real statute
text a faithful paraphrase scores 0.67-1.0 and a claim about another provision 0.0-0.25 (see the tests).
A sentence with no content terms ("Yes [1].") claims nothing checkable and counts as supported.
Polarity (English): a sentence is not supported when it and the passage sentence it restates differ in
the parity of their negations and a word they share is negated on one side only ("every person may be
deprived of life" against "No person shall be deprived of his life"); a word is negated when the first word before it that is not an auxiliary, article or pronoun (SKIPPED,
at most NEGATION_REACH back) is a negation (no, not, never, ...): "No person shall be deprived",
"shall not deny".
A sentence using a restrictive word the passage lacks ("only", "unless", ...) is not checked this way:
"may be deprived only by law" faithfully restates "no person shall be deprived except by law".
The quote is the passage sentence sharing the most terms with the answer sentence.

Named pinpoints: a sentence without markers that names a retrieved passage's pinpoint the way lawyers
write it ("Article 21", "Art. 21", "para 5", "第十条"), where exactly one retrieved passage has that
pinpoint, gets that passage's marker added (`Verified.named`), and is then checked like any other.
Quoted passages: a sentence still without markers whose content terms lie almost all (QUOTE_THRESHOLD) in
a retrieved provision, and which does not negate it, restates that provision: it gets its marker too
(`Verified.quoted`; small models often quote a passage and forget the marker). When the text is in two
provisions (an article and the amendment that inserted it) both are cited; in more, none (too generic).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from assistant.prompts import REFUSALS
from assistant.types import Citation, Hit

SUPPORT_THRESHOLD = 0.4
QUOTE_THRESHOLD = 0.8  # share of an unmarked sentence's terms in a passage for it to count as quoting it
QUOTE_MAX = 2  # provisions a quoted sentence may be attributed to (more: too generic to attribute)
NEGATIONS = frozenset("no not never nor none nobody neither cannot against".split())  # "without" pairs with "except"
RESTRICTIVE = frozenset("only except unless save subject provided".split())
SKIPPED = frozenset("shall be been being is are was were may might must will would should can could do does did "
                    "to any person persons one his her its their the a an of every all such".split())
NEGATION_REACH = 6  # at most this many skipped words between a negation and the word it governs
EN_TOKEN = re.compile(r"[a-z]+(?:['’]t)?")
NEGATIVE_PREFIX = re.compile(r"^(?:un(?!i|der|til|less)|non(?!etheless))[a-z]{4,}$")  # unenforceable, nonbailable
ANSWER_WORD = re.compile(r"^\s*(?:no|yes)\s*[,.;:!—–-]\s*", re.IGNORECASE)
MARKER = re.compile(r"\[(\d+(?:\s*[,，、;]\s*\d+)*)\]")
CJK_RUN = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]+")
WORD = re.compile(r"[^\W\d_]{3,}|\d+")
STOP = set(
    """the and for are but not you all any can had her was one our out his has him how its may who did
    yes this that with from they will would there their what which when where shall should could such into
    than then them these those upon about under other also been being have does only each some more most
    before after within without except between against during over says said provides article articles
    section sections clause clauses provision provisions""".split()
)
REFUSAL_PATTERNS = re.compile(
    r"(sources|passages|context)( provided)? (do|does) not (answer|contain|address|say)|cannot be answered",
    re.IGNORECASE,
)


@dataclass
class Verified:
    text: str
    citations: list[Citation] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)  # markers naming no retrieved passage
    unsupported: list[int] = field(default_factory=list)  # markers whose passage does not back the sentence
    refused: bool = False
    named: list[int] = field(default_factory=list)  # markers added where the text named a passage's pinpoint
    quoted: list[int] = field(default_factory=list)  # markers added where an unmarked sentence quotes a passage

    @property
    def valid(self) -> list[Citation]:
        return [c for c in self.citations if c.supported]


def parse_markers(text: str) -> list[int]:
    """Numbers in [n], [1, 2] and [1][3] markers, in order of appearance."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"\D+", group) if n]


_NOT_ABBREVIATION = "".join(rf"(?<!\b{a}\.)" for a in ("v", "vs", "No", "Art", "Arts", "Sec", "cl", "para", "[A-Z]"))


def split_sentences(text: str) -> list[str]:
    """Split after . ! ? (before a capital or CJK) and after 。！？, not after an abbreviation or initial of a
    case name or provision ("A.K. Gopalan v. State of Madras", "Art. IV"); markers just after the stop stay with it."""
    glued = re.sub(r"([.!?。！？])((?:\s*\[[^\]]*\])+)", r"\2\1", text)
    parts = re.split(r"(?<=[。！？])|" + _NOT_ABBREVIATION + r"(?<=[.!?])\s+(?=[A-Z\"'“(\u4e00-\u9fff\uac00-\ud7a3])|\n+", glued)
    return [p.strip() for p in parts if p and p.strip()]


def terms(text: str) -> set[str]:
    text = MARKER.sub(" ", text.lower())
    found = {w[:6] for w in WORD.findall(CJK_RUN.sub(" ", text)) if w not in STOP}
    for run in CJK_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return found


def support(claim: str, passage: str) -> float:
    """Share of the claim's content terms found in the passage (1.0 when the claim has none)."""
    wanted = terms(claim)
    return len(wanted & terms(passage)) / len(wanted) if wanted else 1.0


def polarities(text: str) -> tuple[dict[str, set[bool]], set[str]]:
    """({6-letter stem of each content word: {negated?} over its occurrences}, the words of the text)."""
    tokens = EN_TOKEN.findall(MARKER.sub(" ", text.lower()))
    found: dict[str, set[bool]] = {}
    for i, token in enumerate(tokens):
        if len(token) >= 4 and token not in STOP and token not in NEGATIONS and token not in SKIPPED:
            found.setdefault(token[:6], set()).add(_negated(tokens, i))
    return found, set(tokens)


def _negated(tokens: list[str], i: int) -> bool:
    for back in range(1, NEGATION_REACH + 2):
        if i - back < 0:
            return False
        word = tokens[i - back]
        if word in NEGATIONS or word.endswith(("n't", "n’t")):
            return True
        if word not in SKIPPED:
            return False
    return False


def negations(text: str) -> int:
    """Negation words, n't forms and negative prefixes ("not enforceable" and "unenforceable" count the same)."""
    return sum(t in NEGATIONS or t.endswith(("n't", "n’t")) or bool(NEGATIVE_PREFIX.match(t))
               for t in EN_TOKEN.findall(text.lower()))


def contradicts(claim: str, passage: str) -> bool:
    """The claim and the passage sentence it restates (`best_quote`) differ in the parity of their negations,
    and a word they share is negated in one only (English; see the module docstring). A leading "No," or
    "Yes," answers the question and negates nothing ("No, a High Court cannot issue writs")."""
    claim = ANSWER_WORD.sub("", claim)
    sentence = best_quote(claim, passage)
    if negations(claim) % 2 == negations(sentence) % 2:
        return False
    mine, claim_words = polarities(claim)
    theirs, passage_words = polarities(sentence)
    if (claim_words & RESTRICTIVE) - passage_words:
        return False
    return any(len(mine[w]) == len(theirs[w]) == 1 and mine[w] != theirs[w] for w in mine.keys() & theirs.keys())


def best_quote(claim: str, passage: str) -> str:
    wanted = terms(claim)
    return max(split_sentences(passage) or [passage], key=lambda s: len(wanted & terms(s))).strip()


def is_refusal(text: str) -> bool:
    """The answer says the sources do not answer: one of the REFUSALS sentences, or a close paraphrase."""
    flat = " ".join(text.split())
    return any(r.rstrip(".。") in flat for r in REFUSALS.values()) or bool(REFUSAL_PATTERNS.search(flat))


def _cite(n: int, claim: str, hit: Hit) -> Citation:
    p = hit.passage
    ok = support(claim, f"{p.cite}\n{p.text}") >= SUPPORT_THRESHOLD and not contradicts(claim, p.text)
    return Citation(n=n, passage_id=p.id, cite=p.cite, quote=best_quote(claim, p.text), supported=ok)


def pinpoint(cite: str) -> str:
    """The unit a cite points to: its part after the last comma ("Constitution of India, Art. 21" -> "Art. 21";
    "中华人民共和国民法典 第十条" -> "第十条")."""
    tail = cite.rsplit(",", 1)[-1].strip()
    return tail.rsplit(" ", 1)[-1] if "第" in tail else tail


def _named_pattern(label: str) -> re.Pattern:
    """"Art. 21" also as "Article 21" / "Art 21"; never "Art. 21A", "Art. 210" or "第十条之一"."""
    match = re.fullmatch(r"Art\.? ?(\w+)", label)
    body = rf"(?:Art\.?|Article) ?{re.escape(match.group(1))}" if match else re.escape(label)
    return re.compile(rf"(?<![A-Za-z0-9.]){body}(?![A-Za-z0-9]|之)", re.IGNORECASE)


def named_markers(text: str, hits: Sequence[Hit]) -> tuple[str, list[int]]:
    """Add `[n]` to unmarked sentences that name the pinpoint of exactly one retrieved passage."""
    labels: dict[str, list[int]] = {}
    for n, hit in enumerate(hits, start=1):
        labels.setdefault(pinpoint(hit.passage.cite), []).append(n)
    # a label is usable when all its passages are one provision (the parts of a long article), not two laws'
    unique = {label: ns for label, ns in labels.items() if label and len({hits[n - 1].passage.cite for n in ns}) == 1}

    def named(sentence: str) -> list[int]:
        return sorted({max(ns, key=lambda n: support(sentence, hits[n - 1].passage.text))
                       for label, ns in unique.items() if _named_pattern(label).search(sentence)})

    return _add_markers(text, named)


def quoted_markers(text: str, hits: Sequence[Hit]) -> tuple[str, list[int]]:
    """Add `[n]` to unmarked sentences that restate a retrieved provision (see the module docstring)."""

    def quoted(sentence: str) -> list[int]:
        if not terms(sentence) or is_refusal(sentence):
            return []
        best: dict[str, tuple[float, int]] = {}  # per provision: its best-supporting passage
        for n, hit in enumerate(hits, start=1):
            score = support(sentence, f"{hit.passage.cite}\n{hit.passage.text}")
            if score >= QUOTE_THRESHOLD and not contradicts(sentence, hit.passage.text):
                best[hit.passage.cite] = max(best.get(hit.passage.cite, (0.0, 0)), (score, -n))
        return sorted(-n for _, n in best.values()) if len(best) <= QUOTE_MAX else []

    return _add_markers(text, quoted)


def _add_markers(text: str, find) -> tuple[str, list[int]]:
    """Put the markers `find(sentence)` gives at the end of each sentence that has none yet."""
    added = []
    for sentence in split_sentences(text):
        if parse_markers(sentence) or sentence not in text:
            continue
        found = find(sentence)
        if found:
            body = sentence.rstrip(".。!?！？")
            marked = body + "".join(f"[{n}]" for n in found) + sentence[len(body):]
            text = text.replace(sentence, marked, 1)
            added += found
    return text, list(dict.fromkeys(added))


def verify(text: str, hits: Sequence[Hit]) -> Verified:
    """One Citation per (sentence, marker) naming a retrieved passage; other markers are dropped."""
    text, named = named_markers(text, hits)
    text, quoted = quoted_markers(text, hits)
    result = Verified(text=text, refused=is_refusal(text), named=named, quoted=quoted)
    for sentence in split_sentences(text):
        claim = MARKER.sub(" ", sentence)
        for n in dict.fromkeys(parse_markers(sentence)):
            if not 1 <= n <= len(hits):
                result.dropped.append(n)
                continue
            citation = _cite(n, claim, hits[n - 1])
            result.citations.append(citation)
            if not citation.supported:
                result.unsupported.append(n)
    result.dropped = list(dict.fromkeys(result.dropped))
    result.unsupported = list(dict.fromkeys(result.unsupported))
    return result
