"""Read a question file (CSV/TSV, XLSX, JSONL, or plain text with one question per line) into `Row`s.

The question column is the one the caller names, else one called question/questions/q/pregunta/问题,
else the first column holding text. Optional columns `jurisdiction`, `law` (title filter) and `kind`
become per-row `Filters`. A row that cannot be asked (empty, too long, not UTF-8, bad filter) keeps
its problem in `Row.error` instead of stopping the run; a file that cannot be used raises `InputError`.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError
from assistant.types import Filters

MAX_CHARS = 2000
QUESTION_NAMES = ("question", "questions", "q", "pregunta", "问题")
FILTER_COLUMNS = ("jurisdiction", "law", "kind")
KINDS = ("statute", "case", "other")
INPUT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".jsonl", ".txt")

Record = dict[str, str] | None  # one table row by column name; None: a line that is not valid JSON


@dataclass(frozen=True)
class Row:
    """One question to ask. `number` is its row (or line) in the input, used in error messages."""

    number: int
    question: str
    filters: Filters = Filters()
    error: str = ""


def read_questions(path: str | Path, column: str | None = None) -> list[Row]:
    """All rows of the file, in order; `column` picks the question column (ignored for .txt)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(
            f"cannot read {suffix or 'files without an extension'}; give a {', '.join(INPUT_SUFFIXES)} file "
            "(save .xls or .ods sheets as .xlsx)",
            str(path),
        )
    if not path.is_file():
        raise InputError("no such file; check the path", str(path))
    if suffix == ".txt":
        return [make_row(n, line.strip()) for n, line in enumerate(_lines(path), 1) if line.strip()]
    columns, records = _read_table(path, suffix)
    question = _question_column(path, columns, records, column)
    by_name = {c.strip().lower(): c for c in columns if c.strip().lower() in FILTER_COLUMNS}
    return [_record_row(n, record, question, by_name) for n, record in records]


def make_row(number: int, question: str, filters: Filters = Filters()) -> Row:
    problem = _problem(question, filters)
    return Row(number, question, filters, f"row {number}: {problem}" if problem else "")


def _problem(question: str, filters: Filters) -> str:
    if not question:
        return "empty question"
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:
        return "the question is not valid UTF-8 text; save the file as UTF-8 and rerun"
    if len(question) > MAX_CHARS:
        return f"the question is {len(question):,} characters long; the limit is {MAX_CHARS:,}"
    unknown = [k for k in filters.kind if k not in KINDS]
    if unknown:
        return f"unknown kind {', '.join(unknown)}; use {', '.join(KINDS)}"
    return ""


def _lines(path: Path) -> list[str]:
    """The file's lines; bytes that are not UTF-8 survive as lone surrogates so the row can be reported."""
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _read_table(path: Path, suffix: str) -> tuple[list[str], list[tuple[int, Record]]]:
    if suffix == ".jsonl":
        return _jsonl_table(path)
    rows = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path, suffix)
    return _table(rows)


def _csv_rows(path: Path, suffix: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    first = text.split("\n", 1)[0]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first, suffix)))


def _delimiter(header: str, suffix: str) -> str:
    """The separator of the header line; a first line that is a question means a bare list of questions."""
    if suffix == ".tsv":
        return "\t"
    counts = {d: header.count(d) for d in ",;\t"}
    best = max(counts, key=counts.get)
    one_column = not counts[best] or header.strip().endswith("?")
    return "\x1f" if one_column else best  # one column: commas inside questions are just text


def _xlsx_rows(path: Path) -> list[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as e:  # openpyxl raises zip, XML and key errors alike for damaged files
        raise InputError(
            f"cannot be read as an Excel workbook ({type(e).__name__}: {e}); "
            "open it in Excel and save it again as .xlsx, or export the sheet as CSV",
            str(path),
        ) from e


def _table(rows: list[list]) -> tuple[list[str], list[tuple[int, Record]]]:
    """Header plus records; blank rows dropped. A first row ending in '?' is data, not a header."""
    numbered = [(n, [_cell(v) for v in r]) for n, r in enumerate(rows, 1) if any(_cell(v) for v in r)]
    if not numbered:
        return [], []
    width = max(len(r) for _, r in numbered)
    first = numbered[0][1] + [""] * (width - len(numbered[0][1]))
    if any(c.endswith("?") for c in first):
        columns = [f"column {i}" for i in range(1, width + 1)]
    else:
        columns = [c or f"column {i}" for i, c in enumerate(first, 1)]
        numbered = numbered[1:]
    return columns, [(n, dict(zip(columns, r))) for n, r in numbered]


def _jsonl_table(path: Path) -> tuple[list[str], list[tuple[int, Record]]]:
    """Each line an object (or a bare string, taken as the question); bad lines become None."""
    columns: dict[str, None] = {}
    records: list[tuple[int, Record]] = []
    for n, line in enumerate(_lines(path), 1):
        if line.strip():
            record = _json_record(line)
            columns.update(dict.fromkeys(record or {}))
            records.append((n, record))
    return list(columns), records


def _json_record(line: str) -> Record:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if isinstance(value, str):
        return {"question": value.strip()}
    return {str(k): _cell(v) for k, v in value.items()} if isinstance(value, dict) else None


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _question_column(path: Path, columns: list[str], records: list[tuple[int, Record]], wanted: str | None) -> str:
    names = {c.strip().lower(): c for c in columns}
    listed = ", ".join(repr(c) for c in columns) or "none"
    if wanted:
        if wanted.strip().lower() in names:
            return names[wanted.strip().lower()]
        raise InputError(f"has no column {wanted!r} (its columns: {listed}); pass one of those to --column", str(path))
    for name in QUESTION_NAMES:
        if name in names:
            return names[name]
    for column in columns:
        if column.strip().lower() not in FILTER_COLUMNS and any(_is_text(r.get(column)) for _, r in records if r):
            return column
    raise InputError(
        f"has no question column (its columns: {listed}); name the column 'question' or pass --column NAME",
        str(path),
    )


def _is_text(value: str | None) -> bool:
    if not value:
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _record_row(number: int, record: Record, question: str, by_name: dict[str, str]) -> Row:
    if record is None:
        return Row(number, "", Filters(), f"row {number}: not valid JSON; write one object per line")
    def value(name: str) -> str:
        return record.get(by_name.get(name, ""), "")

    filters = Filters(
        jurisdiction=_split(value("jurisdiction")),
        kind=_split(value("kind").lower()),
        title=value("law") or None,
    )
    return make_row(number, record.get(question, ""), filters)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.replace(";", ",").split(",") if v.strip())
