"""As-of-date retrieval: only statute versions in force on a date, and rulings decided on or before it.

A validity table (doc id -> start/end dates, with per-article overrides) is built from Documents at
ingest time and stored as `validity.json` inside each index version, because a Passage only carries its
document's date and current in-force flag. Rules for a passage on date D:

- statute: start <= D < end; start is the effective / entry-into-force / commencement date (else the
  document date), end the date a later version took effect (PRC superseded versions) or the date the
  provision was repealed or omitted (India amendment notes). An article inserted by an amendment starts
  in the amendment's year.
- ruling: decided on or before D.
- no date at all: kept but flagged ("undated"), never silently included; `undated="exclude"` drops them.
- repealed with no known repeal date: kept but flagged ("repeal date unknown").

Dates compare on the shorter string's precision, so "1973" (a year) is on or before "1973-06-01".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.types import Document, Filters, Hit, Passage

FILE = "validity.json"
PRC_REPEALED = "已废止"
_INSERTED = re.compile(r"(?:Inserted|introduced|added)\b[^.|]*?\bArticles?\s+(\d+[A-Z]*)(?:\s+and\s+(\d+[A-Z]*))?",
                       re.IGNORECASE)
_ADDED_AFTER = re.compile(r"Article\s+(\d+[A-Z]*)\s+added")
_OMITTED = re.compile(r"Omitted\s+Article\s+(\d+[A-Z]*)")
_REPEALED_NOTE = re.compile(r"(?:Rep\.|Omitted)\s+by\b.{0,120}?w\.e\.f\.\s*(\d{1,2})-(\d{1,2})-(\d{4})", re.S)


@dataclass(frozen=True)
class Status:
    """Why a passage is or is not usable on a date: ok, flag (usable, with a note) or out."""

    verdict: str  # "ok" | "flag" | "out"
    note: str = ""


# ---- building the validity table ------------------------------------------------------------------


def validity_table(documents: list[Document]) -> dict[str, dict]:
    """{doc_id: {"kind", "title", "start", "end", "repealed", "units": {label: {"start", "end", "note"}}}}.

    A version's start is the later of its effective date and its version date (the text of a 2017
    revision is not the text in force in 2000)."""
    table = {d.id: _entry(d) for d in documents}
    _close_superseded(documents, table)
    _apply_amendments(documents, table)
    return table


def _entry(doc: Document) -> dict:
    meta = doc.meta or {}
    versions = [d for d in (meta.get("effective_date"), meta.get("version_date")) if d]
    start = max(versions) if versions else meta.get("entry_into_force") or meta.get("commenced") or doc.date
    repealed = meta.get("status") == PRC_REPEALED or doc.in_force is False
    return {"kind": doc.kind, "title": doc.title, "start": start or None, "end": meta.get("repealed") or None,
            "repealed": repealed, "units": _repeal_notes(doc)}


def _repeal_notes(doc: Document) -> dict[str, dict]:
    """Units whose text says "Rep. by ... (w.e.f. 20-6-1979)": they end on that date."""
    units = {}
    for unit in doc.units:
        found = _REPEALED_NOTE.search(unit.text[:600])
        if unit.label and found:
            day, month, year = found.groups()
            units[unit.label] = {"end": f"{year}-{int(month):02d}-{int(day):02d}", "note": "repealed"}
    return units


def _close_superseded(documents: list[Document], table: dict) -> None:
    """A law version stops when the next version of the same title takes effect."""
    versions: dict[str, list[Document]] = {}
    for d in documents:
        if d.kind == "statute" and d.meta.get("version_date"):
            versions.setdefault(d.title, []).append(d)
    for docs in versions.values():
        docs.sort(key=lambda d: d.meta["version_date"])
        for older, newer in zip(docs, docs[1:]):
            table[older.id]["end"] = table[newer.id]["start"] or newer.meta["version_date"]
            table[older.id]["superseded_by"] = newer.id


def _apply_amendments(documents: list[Document], table: dict) -> None:
    """India amendments: "Inserted Article 21A" starts that article in the amendment year; "Omitted" ends it."""
    base = next((d for d in documents if d.id == "india:constitution"), None)
    if base is None:
        return
    units = table[base.id]["units"]
    for doc in documents:
        if doc.id.startswith("india:amendment:") and doc.date:
            text = " ".join(u.text for u in doc.units)
            for number in _inserted(text):
                units.setdefault(f"Art. {number}", {}).update(start=doc.date, note=f"inserted by {doc.title}")
            for number in _OMITTED.findall(text):
                units.setdefault(f"Art. {number}", {}).setdefault("end", doc.date)


def _inserted(text: str) -> list[str]:
    numbers = [n for pair in _INSERTED.findall(text) for n in pair if n]
    numbers += _ADDED_AFTER.findall(text)
    return [n for n in dict.fromkeys(numbers) if re.search(r"[A-Z]$", n)]  # 21A yes; "Article 19(2)" no


def validity_json(table: dict) -> str:
    """The text of a version's validity.json (ingest hands it to the index writer)."""
    return json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True)


def load_validity(folder: Path) -> dict:
    """The table saved in an index version folder (`Index.folder`: give the version being served), or {}
    when it has none (then only passage dates are used)."""
    path = Path(folder) / FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# ---- checking passages against a date --------------------------------------------------------------


def as_of_filter(date: str, base: Filters | None = None) -> Filters:
    """Filters for a plain date cut (documents dated on or before `date`). The index's SQL filter drops
    undated passages, so use `AsOfIndex` for the full rule (versions, repeals, undated flags)."""
    check_date(date)
    base = base or Filters()
    return Filters(base.jurisdiction, base.kind, base.date_from, date, base.in_force, base.title)


def check_date(date: str) -> str:
    from assistant.errors import InputError

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date or ""):
        raise InputError(f"as-of date {date!r} must be YYYY-MM-DD (or YYYY-MM / YYYY)")
    return date


def on_or_before(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


def label_of(p: Passage) -> str:
    return p.path[-1] if p.path else ""


def status(p: Passage, date: str, table: dict | None = None) -> Status:
    """Whether passage `p` may be used for a question asked as of `date`."""
    entry = (table or {}).get(p.doc_id, {})
    unit = entry.get("units", {}).get(label_of(p), {})
    start = unit.get("start") or entry.get("start") or p.date
    end = unit.get("end") or entry.get("end")
    if not start:
        return Status("flag", "undated: could not check it existed on that date")
    if not on_or_before(start, date):
        return Status("out", f"not yet in force (from {start})")
    if end and on_or_before(end, date):
        return Status("out", f"no longer in force (ended {end})")
    if end is None and (entry.get("repealed") or p.in_force is False):
        return Status("flag", "repealed, repeal date unknown")
    return Status("ok", unit.get("note", ""))


def allowed_ids(passages: list[Passage], date: str, table: dict | None = None, undated: str = "flag") -> set[str]:
    """Ids of passages usable on `date`; flagged ones are kept unless `undated="exclude"`."""
    keep = {"ok", "flag"} if undated == "flag" else {"ok"}
    return {p.id for p in passages if status(p, date, table).verdict in keep}


class AsOfIndex:
    """Wraps an Index so every search is restricted to passages usable on `date` (see `status`)."""

    def __init__(self, index, date: str, table: dict | None = None, undated: str = "flag"):
        self._index, self.date, self.table = index, check_date(date), table or {}
        self._allowed = allowed_ids(index.get(index.all_ids()), date, self.table, undated)

    def filter_ids(self, filters: Filters | None) -> set[str]:
        base = self._index.filter_ids(filters)
        return set(self._allowed) if base is None else base & self._allowed

    def __getattr__(self, name):
        return getattr(self._index, name)


def as_of_retriever(retriever, date: str, table: dict | None = None, undated: str = "flag"):
    """A Retriever over the same index and embedder that only returns passages usable on `date`."""
    from assistant.retrieve import Retriever

    if table is None:
        table = load_validity(Path(retriever.index.folder))  # the version this retriever searches
    return Retriever(AsOfIndex(retriever.index, date, table, undated), retriever.embedder, retriever.settings,
                     retriever.query_adapter)


# ---- telling the reader which versions were used ---------------------------------------------------


def describe_versions(hits: list[Hit], date: str | None = None, table: dict | None = None) -> str:
    """One line per document used: which version (dates), and any flag (undated, repeal date unknown)."""
    lines, seen = [], set()
    for hit in hits:
        p = hit.passage
        if p.doc_id in seen:
            continue
        seen.add(p.doc_id)
        lines.append(_describe(p, [h.passage for h in hits if h.passage.doc_id == p.doc_id], date, table or {}))
    head = f"Versions used (as of {date}):" if date else "Versions used:"
    return "\n".join([head, *lines]) if lines else ""


def _describe(p: Passage, same_doc: list[Passage], date: str | None, table: dict) -> str:
    entry = table.get(p.doc_id, {})
    start, end = entry.get("start") or p.date, entry.get("end")
    kind = "decided" if p.kind == "case" else "in force from"
    span = f"{kind} {start}" if start else "undated"
    if end:
        span += f" until {end}"
    notes = [n for n in dict.fromkeys(_note(q, date, table) for q in same_doc) if n]
    return f"- {entry.get('title') or p.title}: {span}" + (f" [{'; '.join(notes)}]" if notes else "")


def _note(p: Passage, date: str | None, table: dict) -> str:
    if date is None:
        return "" if (p.date or table.get(p.doc_id, {}).get("start")) else "undated"
    found = status(p, date, table)
    label = label_of(p)
    shown = found.note and (found.verdict != "ok" or "inserted" in found.note)
    return f"{label}: {found.note}" if shown else ""
