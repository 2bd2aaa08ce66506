"""Find by citation: the provisions a question names ("金融商品取引法第27条の5により…", "§ 312a BGB",
"What does Article 21 say…"), looked up among an index's passages by law name and pinpoint key.

`Provisions` is built once per open index from each passage's cite, title, document and position (one
SQLite pass, see `Index.provisions`); a lookup is then a dictionary probe per named provision plus one
substring test per known law name. A law is known by its title, the base of its cites, the title without
"中华人民共和国", and the short names in SHORT_NAMES. The provision a question names is tied to the law
name written nearest before it ("民法典第一千零七十九条"), else nearest after it ("§ 5 BGB").
A case is named by its first party, initials and a firm's "Ltd." or "& Co." left off ("S.R. Bommai v. Union of
India": "Bommai"), or by the popular name its title gives in brackets ("(Sabarimala Case)"); a party that is a
state or the Union names no case, since many cases share it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from assistant import pinpoint
from assistant.errors import InputError

# Short names lawyers write for a law, and a part of the law's title they stand for (lower case).
SHORT_NAMES = {
    "bgb": "bürgerliches gesetzbuch",
    "gdpr": "general data protection regulation",
    "金商法": "金融商品取引法",
    "자본시장법": "자본시장과 금융투자업에 관한 법률",
    "rti act": "right to information act",
}
_STATE_PREFIXES = ("中华人民共和国", "中華人民共和國")
CASE_TITLE = re.compile(r"^(?P<first>.+?)\s+(?:v|vs)\.?\s+(?P<second>.+?)(?:\s*\((?P<popular>[^)]+)\))?$")
GENERIC_PARTY = re.compile(r"^(?:the\s+)?(?:state|union|government|commissioner|republic|people|in re)\b", re.I)
INITIALS = re.compile(r"\b(?:[A-Z]\.\s*)+")
FIRM = re.compile(r"\s*(?:&\s*co\.?|ltd\.?|pvt\.?|inc\.?)\s*$", re.I)


@dataclass(frozen=True)
class Entry:
    """One passage as find-by-citation sees it."""

    passage_id: str
    doc_id: str
    ordinal: int
    key: str  # pinpoint key of its cite: "27-5", "25:1:3"
    in_force: bool | None


@dataclass(frozen=True)
class Lookup:
    """What a question names: the provisions as written (with their law when named), the passages that hold
    them (named order, then document order), and those the index does not hold."""

    named: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def notice(self) -> str:
        """One line for the reader when a named provision is not in the index, else ""."""
        if not self.missing:
            return ""
        return (f"not in this index: {', '.join(self.missing)} (the hits below are the closest other passages; "
                "add the law to the folder and update the index to search it)")


class Provisions:
    """Passages by pinpoint key and laws by name, for one index."""

    def __init__(self, rows: Iterable[tuple[str, str, int, str, str, bool | None]]):
        """rows: (passage id, doc id, ordinal, cite, title, in_force) of every passage."""
        self._by_article: dict[str, list[Entry]] = defaultdict(list)
        self._docs_of: dict[str, set[str]] = defaultdict(set)  # lower-cased law name -> doc ids
        self._cases: dict[str, list[Entry]] = defaultdict(list)  # lower-cased case name -> its passages
        laws: set[tuple[str, str, str]] = set()
        for pid, doc_id, ordinal, cite, title, in_force in rows:
            for name in case_names(title):
                self._cases[name].append(Entry(pid, doc_id, ordinal, "", in_force))
            found = pinpoint.cited(cite)
            if found is None:
                continue
            suppl = "附則" in cite[:found.start] or "附则" in cite[:found.start]  # numbered apart from the main text
            entry = Entry(pid, doc_id, ordinal, ("附則" if suppl else "") + found.key, in_force)
            self._by_article[found.key.split(":")[0]].append(entry)
            laws.add((doc_id, title, cite[:found.start]))
        for doc_id, title, base in laws:
            for name in law_names(title, base):
                self._docs_of[name].add(doc_id)

    def lookup(self, question: str, allowed: set[str] | None = None, rank: dict[str, int] | None = None) -> Lookup:
        """The passages of every provision `question` names, among `allowed` ids if given. Where several
        documents hold it (versions of a law, or laws holding that pinpoint when the question names none), one
        in force is taken before a past version, then the one whose passage ranks best in `rank` (passage
        id -> hybrid rank)."""
        refs = pinpoint.find(question)
        names = self._names_in(question.lower()) if refs else []
        named, ids, missing = [], [], []
        for ref in refs:
            law = _nearest(names, ref)
            if ref.text[0].isdigit() and not (law and law[1] == ref.start):
                continue  # "709条" without 第 counts only right after a law name ("民法709条"), not "我有3条狗"
            docs = self._docs_of[law[2]] if law else None
            written = question[min(law[0], ref.start):max(law[1], ref.end)] if law else ref.text
            entries = [e for e in self._matching(ref.key, docs) if allowed is None or e.passage_id in allowed]
            named.append(written)
            if not entries:
                missing.append(written)
            ids += [e.passage_id for e in _one_law(entries, rank or {}) if e.passage_id not in ids]
        for written, entries in self._cases_in(question):
            named.append(written)
            ids += [e.passage_id for e in sorted(entries, key=lambda e: e.ordinal)
                    if e.passage_id not in ids and (allowed is None or e.passage_id in allowed)]
        return Lookup(tuple(named), tuple(ids), tuple(missing))

    def _cases_in(self, question: str) -> list[tuple[str, list[Entry]]]:
        """(name as written, passages) of every case the question names by a party or popular name."""
        found = []
        for name, entries in self._cases.items():
            match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question, re.IGNORECASE)
            if match and not any(entries is e for _, e in found):
                found.append((match.group(), entries))
        return found

    def _names_in(self, folded: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every known law name in the lower-cased question (same length as the question)."""
        found = []
        for name in self._docs_of:
            start = folded.find(name)
            while start >= 0:
                found.append((start, start + len(name), name))
                start = folded.find(name, start + 1)
        return found

    def _matching(self, key: str, docs: set[str] | None) -> list[Entry]:
        """Entries at `key` or inside it (its paragraphs and items); failing that, the unit enclosing it."""
        entries = [e for e in self._by_article.get(key.split(":")[0], []) if docs is None or e.doc_id in docs]
        inside = [e for e in entries if pinpoint.within(e.key, key)]
        if inside:
            return inside
        enclosing = [e for e in entries if pinpoint.within(key, e.key)]
        deepest = max((len(e.key) for e in enclosing), default=0)
        return [e for e in enclosing if len(e.key) == deepest]


def law_names(title: str, cite_base: str) -> set[str]:
    """Lower-cased names a law is known by (see the module docstring)."""
    names = {title.strip(), cite_base.strip(" ,\u3000")}
    names |= {n.removeprefix(p) for n in list(names) for p in _STATE_PREFIXES if n.startswith(p)}
    folded = {n.lower() for n in names if len(n) >= 2}
    return folded | {short for short, part in SHORT_NAMES.items() if any(part in n for n in folded)}


def case_names(title: str) -> set[str]:
    """Lower-cased names a case is known by, from its title ("Bennett Coleman & Co. v. Union of India":
    "bennett coleman"); none for a title that is not "X v. Y"."""
    found = CASE_TITLE.match(" ".join(title.split()))
    if not found:
        return set()
    first = FIRM.sub("", INITIALS.sub("", found["first"])).strip()
    names = {first} if len(first) >= 4 and not GENERIC_PARTY.match(first) else set()
    if found["popular"]:
        names.add(re.sub(r"\s+case$", "", found["popular"].strip(), flags=re.I))
    return {n.lower() for n in names}


def _nearest(names: list[tuple[int, int, str]], ref: pinpoint.Named) -> tuple[int, int, str] | None:
    """The law name nearest before the provision (longest on a tie), else nearest after it."""
    before = [(ref.start - end, start - end, (start, end, name)) for start, end, name in names if end <= ref.start]
    after = [(start - ref.end, start - end, (start, end, name)) for start, end, name in names if start >= ref.end]
    best = min(before or after, default=None)
    return best[2] if best else None


def _one_law(entries: list[Entry], rank: dict[str, int]) -> list[Entry]:
    """Entries of a single document, in document order: one in force before a past version of the same law,
    then the best-ranked, then the first."""
    if not entries:
        return []
    docs = list(dict.fromkeys(e.doc_id for e in entries))
    best_rank = {d: min((rank[e.passage_id] for e in entries if e.doc_id == d and e.passage_id in rank),
                        default=len(rank) + 1) for d in docs}
    in_force = {e.doc_id: e.in_force is not False for e in entries}
    doc = min(docs, key=lambda d: (not in_force[d], best_rank[d], docs.index(d)))
    return sorted((e for e in entries if e.doc_id == doc), key=lambda e: e.ordinal)


def show(index, text: str) -> str:
    """The provisions `text` names, each as its cite, its hierarchy and its text; then a notice for any the
    index does not hold. InputError when `text` names no provision."""
    lookup = index.provisions().lookup(text)
    if not lookup.named:
        raise InputError(f"{text!r} names no provision: write a law and a pinpoint, e.g. "
                         "\"金融商品取引法第27条の5\", \"§ 312a BGB\" or \"Constitution of India, Art. 21\"")
    blocks = [f"{p.cite}\n{' › '.join(p.path)}\n\n{p.text}" for p in index.get(list(lookup.ids))]
    return "\n\n".join(blocks + ([lookup.notice()] if lookup.missing else []))
