"""Turn one Document into retrievable Passages with pinpoint cites. Pure functions, no I/O.

Rules:
- A Document with units is split on its own units (articles, paragraphs). A Document with only text
  gets its structure found here: article headings in the grammar of assistant/pinpoint.py (`Art. 21A`,
  `Section 10-A`, `§ 5a`, `第十条`, `第27条の5`, `第N条之一`, `제10조의2`), a `第1項` / `第3号` heading inside an
  article starting a sub-unit cited `第25条第1項第3号`, with chapters/parts (`Chapter II`, `Part III`, `第二章`,
  `第一编`, `第一节`, `제2장`, other Markdown headings) kept in the hierarchy path. Heading, list and quote markers
  and HTML tags are dropped from the text; case law and text without headings is split by paragraph ("para N", keeping the
  number when paragraphs are numbered `12.` / `[12]` / `(12)`).
- A unit longer than the cap is split by sentence (`.!?` and `。！？`) with `overlap` sentences repeated;
  a sentence longer than the cap is split by words, a word by characters. Nothing is dropped. A piece that
  starts inside a list ("(f) ...", "（三）...") repeats the list's opening words first ("The following AI
  practices shall be prohibited:", "有下列情形之一的："), when they fit: the item alone does not say what it is.
- Passage.id = sha256(cite + "\n" + text). It does not depend on the document id, ordinal or other
  documents, so re-ingesting unchanged text keeps the id. A repeat of the same cite and text inside one
  document gets an occurrence counter in the hash. Packs keep cites unique across documents (e.g. PRC
  historical versions carry their version date in the citation).
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable

from assistant import pinpoint
from assistant.settings import default
from assistant.text import CJK, ITEM, OPENS_LIST, PROVISO, split_sentences
from assistant.types import Document, Passage, Unit

CHUNKER_VERSION = "4"  # 2: branch articles (第27条の5, Section 10-A), 項/号 sub-units, markup stripped;
# 3: a sentence ending in a number ("Articles 15 to 22.") ends there (only a list number opening one does not);
# 4: a piece starting inside a list carries the list's opening words

Counter = Callable[[str], int]

_NUM_ZH = "零〇一二三四五六七八九十百千两\\d"
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+])\s+|</?[A-Za-z][^>]*>")  # heading/quote/list markers, HTML tags

# (regex, level): 1 = part/book, 2 = chapter, 3 = section inside a chapter; a Markdown heading that names
# none of these (`## 附則`, `# Title`) outside an article is a division at the lowest level.
_UNNAMED = 4
_DIVISION_PATTERNS = [
    (re.compile(r"^(?:Part|PART)\s+[IVXLC\d]+[A-Z]?\b"), 1),
    (re.compile(rf"^第[{_NUM_ZH}]+[编編]"), 1),
    (re.compile(r"^제\d+편"), 1),
    (re.compile(r"^(?:Chapter|CHAPTER)\s+[IVXLC\d]+[A-Z]?\b"), 2),
    (re.compile(rf"^第[{_NUM_ZH}]+章"), 2),
    (re.compile(r"^제\d+장"), 2),
    (re.compile(rf"^第[{_NUM_ZH}]+[节節]"), 3),
    (re.compile(r"^제\d+절"), 3),
]
_PARA_NUMBER = re.compile(r"^(?:\[(\d{1,4})\]|\((\d{1,4})\)|(\d{1,4})\.)\s+|【(\d{1,4})】\s*$")
CLAUSE_END = re.compile(r"(?:[.;!?。；！？:：—–]|\n)\s*$")  # a list's opening words start after one
_FINER = [r"[^，；、,;:：]+[，；、,;:：]*\s*|[，；、,;:：]+\s*", r"\S+\s*|\s+", r"."]


def chunk(
    doc: Document,
    count_tokens: Counter | None = None,
    max_tokens: int = 240,
    max_words: int = default("max_words"),
    overlap: int = default("overlap_sentences"),
) -> list[Passage]:
    """Passages for one document, in document order; each fits `max_words` (estimate) and `max_tokens`."""
    fits = _fits(count_tokens, max_tokens, max_words)
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for unit in units_of(doc):
        cite = cite_for(doc, unit.label)
        for text in _unit_texts(doc, unit, fits, overlap, max_words):
            passages.append(_passage(doc, unit, cite, text, len(passages), seen))
    return passages


def estimate_tokens(text: str) -> int:
    """Rough size when no tokenizer is given: one per word plus one per CJK character."""
    cjk = len(re.findall(f"[{CJK}]", text))
    words = len(re.findall(f"[^\\s{CJK}]+", text))
    return words + cjk


def cite_for(doc: Document, label: str) -> str:
    """Pinpoint cite: "Constitution of India, Art. 21"; CJK labels join with a space: "民法典 第十条"."""
    base = doc.citation or doc.title
    if not label:
        return base
    joiner = " " if re.match(f"[{CJK}]", label) else ", "
    return f"{base}{joiner}{label}"


def units_of(doc: Document) -> list[Unit]:
    """The document's own units, else units found in its text (headings, then paragraphs)."""
    if doc.units:
        return list(doc.units)
    if doc.kind != "case":
        found = heading_units(doc.text)
        if any(unit.label for unit in found):
            return found
    return paragraph_units(doc.text)


def heading_units(text: str) -> list[Unit]:
    """Split statute-like text at article headings; chapters/parts seen so far form the path."""
    divisions: dict[int, str] = {}
    units: list[Unit] = []
    article, paragraph, path, lines = "", "", (), []
    for line in text.splitlines():
        body = _MARKUP.sub("", line).rstrip()  # markup is structure, never passage text
        stripped = " ".join(body.split())
        level = _division_level(stripped)
        found = None if level else pinpoint.heading(stripped)
        if not (level or found) and not article and _MARKDOWN_HEADING.match(line):
            level = _UNNAMED
        sub = pinpoint.sub_heading(stripped) if article and not (level or found) else None
        if level or found or sub:
            _flush(units, path, lines, divisions)
        if level:
            divisions = {k: v for k, v in divisions.items() if k < level} | {level: stripped[:120]}
            article, paragraph, path, lines = "", "", (), []
        elif found:
            article, paragraph, path = found[0], "", (found[0],)
            lines = [stripped[found[1]:].lstrip(" .:—–-")]
        elif sub:
            paragraph = sub[1] if sub[0] == "paragraph" else paragraph
            path = (article, paragraph, sub[1]) if sub[0] == "item" and paragraph else (article, sub[1])
            lines = [stripped[len(sub[1]):].strip()]
        elif stripped or lines:
            lines.append(body)
    _flush(units, path, lines, divisions)
    return units


def paragraph_units(text: str) -> list[Unit]:
    """Blank-line paragraphs as "para N"; numbered paragraphs keep their number and absorb
    the unnumbered ones that follow them."""
    text = "\n".join(_MARKUP.sub("", line) for line in text.splitlines())  # markup is not passage text
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    numbered = [_para_number(p) for p in paras]
    if sum(1 for n in numbered if n) * 2 < len(paras):
        return [Unit(f"para {i}", p, (f"para {i}",)) for i, p in enumerate(paras, 1)]
    units: list[Unit] = []
    for para, number in zip(paras, numbered):
        if number or not units:
            label = f"para {number}" if number else ""
            units.append(Unit(label, para, (label,) if label else ()))
        else:
            last = units[-1]
            units[-1] = Unit(last.label, f"{last.text}\n\n{para}", last.path)
    return units


def split_to_fit(text: str, fits: Callable[[str], bool], overlap: int = 1) -> list[str]:
    """Pieces of `text` that each satisfy `fits`; consecutive pieces share `overlap` sentences."""
    if fits(text.strip()):
        return [text.strip()] if text.strip() else []
    atoms: list[str] = []
    for sentence in split_sentences(text, keep_spacing=True):
        atoms.extend([sentence] if fits(sentence.strip()) else _split_long(sentence, fits))
    return _pack(atoms, fits, overlap)


def _fits(count_tokens: Counter | None, max_tokens: int, max_words: int) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        if estimate_tokens(text) > max_words:
            return False
        return count_tokens is None or count_tokens(text) <= max_tokens

    return fits


def _unit_texts(doc: Document, unit: Unit, fits: Callable[[str], bool], overlap: int, max_words: int) -> list[str]:
    prefix = _prefix(doc, unit, max_words)
    pieces = split_to_fit(unit.text, lambda body: fits(_join(prefix, body)), overlap)
    return [_join(prefix, piece) for piece in pieces] or ([prefix] if prefix.strip() else [])  # no blank passage


def _prefix(doc: Document, unit: Unit, max_words: int) -> str:
    """Heading line repeated on every piece of a statute unit: "Art. 21 Protection of life ..."."""
    if doc.kind == "case" or not unit.label or unit.label.startswith("para "):
        return unit.heading
    full = f"{unit.label} {unit.heading}".strip()
    return full if estimate_tokens(full) * 3 <= max_words else unit.label


def _join(prefix: str, body: str) -> str:
    return f"{prefix}\n{body}" if prefix and body else prefix or body


def _split_long(text: str, fits: Callable[[str], bool], level: int = 0) -> list[str]:
    """A sentence too long for the cap: pack its clauses, a too-long clause its words, then characters."""
    atoms: list[str] = []
    for part in re.findall(_FINER[level], text, re.S):
        if fits(part.strip()) or level == len(_FINER) - 1:
            atoms.append(part)
        else:
            atoms.extend(_split_long(part, fits, level + 1))
    return _pack(atoms, fits, overlap=0, clauses=True)


def _pack(atoms: list[str], fits: Callable[[str], bool], overlap: int, clauses: bool = False) -> list[str]:
    """Atoms (sentences, or the clauses of one long sentence) packed into pieces that fit. A piece starting inside
    a list carries the list's opening words first, before any overlap, when they fit: "(f) ..." alone does not
    say it is a prohibited practice, "（一）...的；" not what follows from it. A list of sentences ends at a
    sentence that is neither an item nor a proviso; one inside a sentence runs to its end."""
    pieces: list[list[str]] = []
    current: list[str] = []
    # opener: the words opening the list the atoms are in; outer: those of the list around it, where an item
    # opens a list of its own; since: the atoms since the last clause end; listing: an item followed the
    # opening words (a colon before a quotation opens no list)
    opener, outer, since, listing = "", "", [], False
    for atom in atoms:
        listed = bool(ITEM.match(atom.strip()))
        listing = listing or (listed and bool(opener))
        if listed and outer and _label_kind(atom) == _label_kind(opener):  # "(d)" after "(c) ...: (i) ...; (ii) ..."
            opener, outer = outer, ""
        if current and not fits("".join(current + [atom]).strip()):
            pieces.append(current)
            current = current[-overlap:] if overlap else []
            if opener and opener not in current and (listing if clauses else ITEM.match((current or [atom])[0].strip())):
                heads = [[opener, *current]] + ([[opener]] if clauses or listed else [])
                current = next((head for head in heads if fits("".join(head + [atom]).strip())), current)
            while current and not fits("".join(current + [atom]).strip()):
                current = current[1:]
        current.append(atom)
        since.append(atom)
        if OPENS_LIST.search(atom.strip()):
            opener, outer = "".join(since), opener if ITEM.match("".join(since).strip()) else ""
            listing = listing and bool(outer)
        elif not (clauses or listed or PROVISO.match(atom)):
            opener, outer, listing = "", "", False
        if CLAUSE_END.search(atom):
            since = []
    pieces.append(current)
    return [text for text in ("".join(p).strip() for p in pieces) if text]


def _label_kind(text: str) -> str:
    """"roman" for an item labelled (i) to (x), "other" for (a), （一）: a list's items share one kind."""
    found = ITEM.match(text.strip())
    return "roman" if found and re.fullmatch(r"[(（](?:i{1,3}|iv|vi{0,3}|ix|x)[)）]\s*", found.group()) else "other"


def _division_level(line: str) -> int:
    return next((level for pattern, level in _DIVISION_PATTERNS if pattern.match(line)), 0)


def _flush(units: list[Unit], path: tuple[str, ...], lines: list[str], divisions: dict[int, str]) -> None:
    """One unit; `path` is (article,) or (article, [paragraph,] item), joined into the label 第25条第1項第3号."""
    text = "\n".join(lines).strip()
    label = "".join(path)
    if text or path:
        units.append(Unit(label, text, tuple(divisions[k] for k in sorted(divisions)) + path))


def _para_number(paragraph: str) -> str:
    match = _PARA_NUMBER.search(paragraph.split("\n", 1)[0]) or _PARA_NUMBER.search(paragraph)
    return next((g for g in match.groups() if g), "") if match else ""


def _hierarchy(unit: Unit) -> tuple[str, ...]:
    """Unit path with its last element (the unit itself) written as the pinpoint label."""
    if not unit.label or (unit.path and unit.label.endswith(unit.path[-1])):
        return unit.path
    return unit.path[:-1] + (unit.label,) if unit.path else (unit.label,)


def _passage(doc: Document, unit: Unit, cite: str, text: str, ordinal: int, seen: dict[str, int]) -> Passage:
    key = f"{cite}\n{text}"
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        key += f"\n#{seen[key]}"
    return Passage(
        id=hashlib.sha256(key.encode("utf-8")).hexdigest(),
        doc_id=doc.id,
        text=text,
        cite=cite,
        path=(doc.title,) + _hierarchy(unit),
        kind=doc.kind,
        jurisdiction=doc.jurisdiction,
        language=doc.language,
        title=doc.title,
        date=doc.date,
        in_force=doc.in_force,
        ordinal=ordinal,
        source=doc.source,
    )
