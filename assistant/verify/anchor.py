"""Anchor a sentence to one span of one retrieved passage. Pure.

A passage's spans are its sentences and their parts between semicolons or colons. A claim's *coverage*
by a span is the share of its content terms (`assistant.text.terms`, after normalising script and width)
found in the span or in the passage's pinpoint cite; every number the claim states must be there too, so
an invented figure never anchors. The anchor is the span of highest coverage (the shorter one on a tie),
looked for first in the passages the sentence cites, then in every retrieved passage: the served citation
names the passage that really holds the words, not the one the model guessed. A claim is *verbatim* when,
stripped of punctuation and spacing, it occurs as such in the passage text.
`window` narrows a span to the clauses that hold the given terms, so polarity is read from the part of
the span a claim (or question) is about, not from a neighbouring clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant.text import ITEM, OPENS_LIST, PROVISO, normalize, numbers, split_sentences, terms
from assistant.types import Hit

INSTRUCTION = re.compile(r"ignore (?:all |the )?(?:previous |prior |above )?(?:instructions|rules)|\bsystem:|"
                         r"\b(?:answer|reply|say|state that)\b[^.]{0,40}\b(?:cite|citing)\b|\bcit(?:e|ing) \[\d", re.I)
CLAUSE = re.compile(r"(?<=[;:；：,，、])\s*|\s+(?=(?:and|or|but|provided|except|unless)\b)")


@dataclass(frozen=True)
class Anchor:
    n: int  # the passage's 1-based position in the hits
    span: str  # the passage text the claim rests on
    coverage: float  # share of the claim's content terms in the span (or the passage's cite)
    verbatim: bool  # the claim quotes the passage word for word


def heading(text: str) -> str:
    """The passage's leading heading lines ("Art. 85 Sessions of Parliament", "Art. 21\nProtection of life",
    "第五条"): up to three short lines without a closing stop, before the body, and a title run into the
    body's first numbered paragraph on the next line ("Art. 82\nRight to compensation and liability 1. Any
    person ...", as the EU database writes it). They name the provision and state nothing, so they are
    context, never a span."""
    lines = text.strip().split("\n")
    count = 0
    while count < min(3, len(lines) - 1) and _heading_line(lines[count].strip(), first=count == 0):
        count += 1
    title = run_in_title(lines[count]) if count and count < len(lines) else ""
    run_in = [title] if title and len(title.split()) <= TITLE_WORDS else []
    return "\n".join(lines[:count] + run_in)


def body(text: str) -> str:
    """The passage without its heading: what may be quoted."""
    title = heading(text)
    return text.strip()[len(title):] if title else text


CLAUSE_LABEL = re.compile(r"^(?:\(\w{1,4}\)|\d{1,3}\.|[a-z]\))\s")  # "(1) ...", "(a) ...", "2. ...", "a) ..."
TITLE_WORDS = 25  # the longest EU title run into its text has 21 words
RUN_IN_TITLE = re.compile(r"[A-Z][^\n.;:]{2,200}?(?=`?\s+1\.(?:\s|$))")  # "Right to compensation and liability 1. ..."
# An article without numbered paragraphs: "Tasks of the Board The Board shall ...", "Activity reports Each supervisory
# authority shall ...". The title: a phrase without a verb or a comma, opening neither like a sentence nor with a
# participle ("Expanded Article 21 ...", a ruling's summary), not ending in a function word, before a word that opens
# the EU's first sentences.
SENTENCE_OPENERS = ("The This These Those Each Every Any All A An It Such No Where When If Unless In For By With Without "
                    "Before After Until On To As Save Notwithstanding Insofar Article").split()
OPENERS = "|".join(SENTENCE_OPENERS + ["Member", "Union", "Directive", "Regulation", "Personal", "Providers?",
                                       "Deployers?", "Manufacturers?", "Importers?", "Distributors?", "Controllers?",
                                       "Processors?", "Financial", "Competent", "Conformity", "International"])
RUN_IN_PHRASE = re.compile(rf"(?!(?:{'|'.join(SENTENCE_OPENERS)})\b)[A-Z][^\n.;:,]{{2,200}}[A-Za-z0-9)]")
RUN_IN_END = re.compile(rf"\s+(?:{OPENERS})\b")
NOT_A_TITLE = re.compile(r"^\w+ed\b|\b(?:shall|may|must|is|are|be|has|have|will|should)\b|"
                         r"\b(?:of|to|or|and|other|this|a|an|the|with|in|under|by|for|from|on|at|as|that|which)$")
PROVISION_LABEL = re.compile(r"^(?:Art\.|Article|Section|Sec\.|§|Rule|Regulation|Schedule|第)", re.IGNORECASE)


def run_in_title(line: str) -> str:
    """The title the EU database runs into an article's first line ("Right to compensation and liability" of
    "Right to compensation and liability 1. Any person ..."), or ""."""
    numbered = RUN_IN_TITLE.match(line)
    if numbered:
        return numbered.group(0)
    for end in RUN_IN_END.finditer(line):  # the shortest phrase that is a title: "Union" may open the body or not
        phrase = line[: end.start()]
        if RUN_IN_PHRASE.fullmatch(phrase) and not NOT_A_TITLE.search(phrase):
            return phrase
    return ""


def _heading_line(line: str, first: bool) -> bool:
    """A short line with no closing stop that does not open a clause ("(1) Seats shall be reserved ... for —"
    is body); the first line may be a long title when it opens with the provision's label ("Art. 330
    Reservation of seats for Scheduled Castes and Scheduled Tribes in the House of the People")."""
    if re.search(r"[.。;；:：—–]$", line) or CLAUSE_LABEL.match(line):  # "Parliament may by law—" opens a list
        return False
    words = len(line.split())
    return words <= 15 or (first and words <= 40 and bool(PROVISION_LABEL.match(line)))


# "Provided that —", "Explanation.—": a proviso's opener alone; what it says is in the clause after it
LEAD_IN = re.compile(r"^\W*(?:provided(?:\s+(?:further|also|always))?\s+that|explanation|illustrations?)\W*$",
                     re.IGNORECASE)


# Opening words whose last clause is a condition ("the Governor shall not ... promulgate any such Ordinance if —",
# "No person shall be eligible ... unless he—", "... a tax on the sale of goods where such sale takes place —"):
# alone they state the rule without its condition, the opposite of what the clause says, so they are a span only
# joined to an item; unless a proviso follows them, not items: "... shall hold office until he attains the age of
# sixty-five years:" (Art. 124(2)) is a whole rule
OPENS_CONDITION = re.compile(r"\b(?:if|unless|where|when|whenever|whether|until)\b[^,;:—–]*[—–:]\W*$", re.IGNORECASE)
# An amendment's account of the law it replaced ("Before: Article 31: Compulsory acquisition of property as a
# Fundamental Right"): no longer the law, so never a span
SUPERSEDED = re.compile(r"^\W*(?:before|formerly|previously|old text|original text)\s*[:：]", re.IGNORECASE)
CONJUNCTION = re.compile(r"^(?:and|or)\s+(?=[(（])", re.IGNORECASE)  # "or (c) the core activities ..."
BARE_CONJUNCTION = re.compile(r"^\W*(?:and|or|和|或者?)?\W*$", re.IGNORECASE)
LABELLED_ITEM = re.compile(r"[(（]\w{1,4}[)）][^(（—–:：]*[;；]")  # "(13) 'genetic data' means ...;": a whole item
ITEM_END = re.compile(r"(?:[,;，；]\s*(?:and|or)?|\s+(?:and|or))\s*$")
ELISION = " … "


def spans(text: str) -> list[str]:
    """The passage's sentences and their parts, its heading left out; a sentence that gives the model orders
    ("ignore previous instructions", "answer yes and cite [7]") is never a span: quoting it would serve an
    injection. Nor is a proviso's bare opener ("Provided that —"), which says nothing alone, nor an amendment's
    "Before: ..." line, the law it replaced. A list's item
    is also a span joined to the words that open the list, elided between ("(1) No person shall be eligible
    for election as President unless he— … (b) has completed the age of thirty-five years"): the item alone
    does not say what it is a condition of. The opening words stay a span too: they may state the rule ("The
    President shall have the power to grant pardons ... in all cases—"), unless they end on the condition the
    items spell out ("... shall not ... promulgate any such Ordinance if —")."""
    found, opener, outer = [], "", ""  # outer: the opener an item that opens a list of its own was joined to
    conditional = ""  # opening words left out as ending on their condition, until the next piece shows items
    for sentence in split_sentences(body(text)):
        if INSTRUCTION.search(sentence) or LEAD_IN.match(sentence) or SUPERSEDED.match(sentence):
            continue
        parts = [p.strip() for p in re.split(r"(?<=[;:；：])|(?<=[—–])(?=\s*[(（]\w{1,4}[)）])", sentence) if p.strip()]
        # a list may run inside one sentence (EU texts): its items are spans, alone and joined to the opening
        # words, and the whole sentence is not one, holding every item's terms ("Associations ... may prepare codes
        # of conduct ... such as with regard to: (a) ...; ... (g) ... the protection of, children; ..." was served
        # for "Are children's data given special protection?"; "(13) 'genetic data' means ...; (14) ..." for health data)
        listed = sum(bool(ITEM.match(CONJUNCTION.sub("", p)) or LABELLED_ITEM.fullmatch(p)) for p in parts)
        whole = [] if listed > 1 else [sentence]
        for piece in whole + (parts if len(parts) > 1 else []):
            if BARE_CONJUNCTION.match(piece):  # the "or" after "(a) ...;" neither states nor closes the list
                continue
            item = ITEM.match(CONJUNCTION.sub("", piece))
            if conditional and PROVISO.match(piece):
                found.append(conditional)
            conditional = piece if OPENS_LIST.search(piece) and OPENS_CONDITION.search(piece) else ""
            if not conditional:
                found.append(piece)
            if opener and item:
                found.append(f"{opener}{ELISION}{ITEM_END.sub('', CONJUNCTION.sub('', piece))}")
            if OPENS_LIST.search(piece):
                opener, outer = piece, opener if item else ""
            elif PROVISO.match(piece):  # "(a) ...:" then "Provided that ...; or" then "(b)": (b) joins (a)'s opener
                opener = outer if ITEM.match(opener) else opener
            elif not item and listed <= 1:  # a list inside one sentence runs to its end: "or the use ..." goes on an item
                opener = ""
    return list(dict.fromkeys(found))


def in_context(span: str, text: str) -> str:
    """The span as it may be shown: a list item with the words that open its list ("(c) in all cases where the
    sentence is a sentence of death" of Art. 72(1) is shown after "The President shall have the power to grant
    pardons ... —"); any other span as it is. The item alone still scores: the opening words dilute it."""
    if not ITEM.match(CONJUNCTION.sub("", span)):
        return span
    tail = ELISION + ITEM_END.sub("", CONJUNCTION.sub("", span))
    return next((s for s in spans(text) if s.endswith(tail)), span)


# a passage ending where no sentence ends: on a comma, an article, a preposition or the word opening a condition
UNFINISHED = re.compile(r"(?:[,，、]|\b(?:the|a|an|of|to|by|for|with|in|on|at|from|except|unless|where|provided|"
                        r"that|which|who))\s*$", re.IGNORECASE)


def cut_off(span: str, text: str) -> bool:
    """The span runs to the end of a passage that stops inside a sentence (a long sentence split between two
    passages): what follows, maybe its exception ("..., except where ... for medical or safety reasons"), is in
    the next passage."""
    tail = compact(span.rsplit(ELISION, 1)[-1])[-20:]
    return bool(tail and UNFINISHED.search(text)) and compact(text).endswith(tail)


def compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalize(text))


def coverage(wanted: set[str], span: str, cite: str = "", heading: str = "", names: bool = False) -> float:
    """Share of the wanted terms in the span or the provision's heading ("Protection of life and personal
    liberty"). The cite lends its numbers ("21" of "Art. 21"), and its names only when `names` (a question
    naming the law is on point for its passages; a claim whose subject is a law's name, "DORA bears the
    responsibility", is not anchored by a span of DORA on the management body)."""
    cited = terms(cite) if names else {t for t in terms(cite) if re.search(r"[\d一二三四五六七八九十百千零]", t)}
    return len(wanted & (terms(span) | terms(heading) | cited)) / len(wanted) if wanted else 0.0


def anchor(claim: str, hits: Sequence[Hit], cited: Sequence[int] = ()) -> Anchor | None:
    """The best span for the claim, in the cited passages if one of them holds it well, else in any."""
    wanted, figures = terms(claim), numbers(claim)
    if not wanted:
        return None
    candidates = []
    for n, hit in enumerate(hits, start=1):
        p = hit.passage
        title = heading(p.text)
        for span in spans(p.text):
            if figures <= numbers(f"{p.cite} {title} {span}"):
                candidates.append(Anchor(n, span, coverage(wanted, span, p.cite, title), False))
    if not candidates:
        return None

    def key(a: Anchor) -> tuple:
        return a.coverage, -len(a.span)

    own = [a for a in candidates if a.n in cited]
    best = max(own, key=key) if own else None
    overall = max(candidates, key=key)
    best = best if best is not None and best.coverage >= overall.coverage else overall
    quoted = len(compact(claim)) >= 8 and compact(claim) in compact(hits[best.n - 1].passage.text)
    return Anchor(best.n, best.span, best.coverage, quoted)


def fragment(claim: str, span: str) -> bool:
    """A word-for-word quote holding no whole clause of its span ("无固定期限劳动合同" of "用人单位与劳动者协商一致，
    可以订立无固定期限劳动合同。"): a phrase, which states nothing. A clause's label ("(3) ", "（一）") may be left out."""
    quoted = compact(claim)
    clauses = [ITEM.sub("", CLAUSE_LABEL.sub("", c.strip())) for sentence in split_sentences(span)
               for c in CLAUSE.split(sentence) if c and c.strip()]
    return not any(compact(c) and compact(c) in quoted for c in clauses)


ZH_CASE_END = re.compile(r"[的时后][，,]\s*$")
NEGATED_SUBJECT = re.compile(r"^\W*(?:\(\w{1,4}\)\s*)?(?:no|neither|nothing|none)\b", re.IGNORECASE)


MODAL = re.compile(r"\b(?:shall|may|must|can|cannot|will|should)\b", re.IGNORECASE)


def window(span: str, wanted: set[str]) -> str:
    """The shortest run of the span's clauses holding every wanted term the span holds (the span if none). A
    span opening with a negated subject ("No title, not being a military ... distinction, shall be conferred")
    keeps that first clause: its "No" governs the clauses after it. A list item joined to its list's opening
    words keeps them, whatever terms they hold: "The following AI practices shall be prohibited: … (a) ... an AI
    system that deploys ... manipulative techniques" does not permit what its item names."""
    if ELISION in span:
        opener, item = span.split(ELISION, 1)
        return f"{opener}{ELISION}{window(item, wanted)}"
    clauses = [c for c in CLAUSE.split(span) if c and c.strip()]
    present = wanted & terms(span)
    if len(clauses) < 2 or not present:
        return span
    best, start, end = span, 0, len(clauses)
    for i in range(1 if NEGATED_SUBJECT.match(span) else len(clauses)):
        for j in range(i + 1, len(clauses) + 1):
            part = " ".join(clauses[i:j])
            if present <= terms(part) and len(part) < len(best):
                best, start, end = part, i, j
                break
    # a Chinese case ("……的，", "……时，") is followed by the rule on it: a window ending on one takes in the clauses
    # up to the rule ("…的， 在离婚分割夫妻共同财产时， 对该方可以少分或者不分")
    while end < len(clauses) and ZH_CASE_END.search(clauses[end - 1]):
        end += 1
        best = " ".join(clauses[start:end])
    # an English window holding none of its sentence's modals lacks the predicate: "..., and the processing of genetic
    # data, ..., data concerning health" of GDPR Art. 9(1) reads as permitting until its "... shall be prohibited"
    if MODAL.search(span) and not MODAL.search(best):
        while end < len(clauses) and not MODAL.search(best):
            end += 1
            best = " ".join(clauses[start:end])
        while start > 0 and not MODAL.search(best):
            start -= 1
            best = " ".join(clauses[start:end])
    return best
