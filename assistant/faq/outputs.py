"""Answer files (CSV, JSONL, XLSX) that survive interruption and can be resumed.

CSV and JSONL rows are appended with a single write() each, so a killed run leaves whole rows only;
XLSX cannot be appended to, so the whole workbook is rewritten to a temporary file and moved into
place with os.replace (at most every `save_every_s` seconds, and on close). Opening an existing
output keeps its finished rows, drops rows that failed (they are retried) and any torn last row.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from pathlib import Path

from assistant.errors import InputError

COLUMNS = ("question", "answer", "refused", "citations", "top_score", "model", "adapter", "latency_s", "error", "key")
OUTPUT_SUFFIXES = (".csv", ".jsonl", ".xlsx")
_KEY = re.compile(r"[0-9a-f]{64}")


def check_output_path(path: Path) -> None:
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"cannot write answers as {path.suffix or 'a file without an extension'}; "
                         f"end the output name with {', '.join(OUTPUT_SUFFIXES)}", str(path))


def open_output(path: str | Path) -> "AppendWriter | XlsxWriter":
    """A writer whose `.rows` are the finished rows already in the file (plus those written since)."""
    path = Path(path)
    check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        return XlsxWriter(path)
    return AppendWriter(path, CsvFormat if path.suffix.lower() == ".csv" else JsonlFormat)


def is_done(row: dict) -> bool:
    return bool(_KEY.fullmatch(str(row.get("key") or ""))) and not row.get("error")


def clean(value):
    """Text safe to encode: bytes that were not UTF-8 in the input become U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def typed(row: dict) -> dict:
    """Values read back from text formats, with the types they were written with."""
    row = {c: "" if row.get(c) is None else row[c] for c in COLUMNS}
    row["refused"] = row["refused"] in (True, "True", "true", 1)
    for name in ("top_score", "latency_s"):
        row[name] = _number(row[name])
    return row


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _not_ours(path: Path) -> InputError:
    return InputError(f"exists but is not an answers file (expected columns: {', '.join(COLUMNS)}); "
                      "choose another output file or move this one away", str(path))


def _replace(path: Path, write) -> None:
    """Write through `write(temp_path)` then move into place, so readers never see a half file."""
    temp = path.with_name(path.name + ".part")
    write(temp)
    os.replace(temp, path)


class CsvFormat:
    @staticmethod
    def header() -> bytes:
        return "\ufeff".encode() + CsvFormat.line(dict(zip(COLUMNS, COLUMNS)))  # BOM: Excel reads UTF-8

    @staticmethod
    def line(row: dict) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([clean(row[c]) for c in COLUMNS])
        return buffer.getvalue().encode("utf-8")

    @staticmethod
    def parse(path: Path, text: str) -> list[dict]:
        records = list(csv.reader(io.StringIO(text, newline="")))
        if records and tuple(records[0]) != COLUMNS:
            raise _not_ours(path)
        return [dict(zip(COLUMNS, r)) for r in records[1:] if len(r) == len(COLUMNS)]


class JsonlFormat:
    @staticmethod
    def header() -> bytes:
        return b""

    @staticmethod
    def line(row: dict) -> bytes:
        return (json.dumps({c: clean(row[c]) for c in COLUMNS}, ensure_ascii=False) + "\n").encode("utf-8")

    @staticmethod
    def parse(path: Path, text: str) -> list[dict]:
        rows = [r for r in map(_json_object, text.splitlines()) if r]
        if text.strip() and not (rows and set(COLUMNS) <= set(rows[0])):
            raise _not_ours(path)
        return rows


def _json_object(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AppendWriter:
    """CSV or JSONL output, one row per write() call."""

    def __init__(self, path: Path, fmt):
        self.path, self.fmt = path, fmt
        text = path.read_bytes().decode("utf-8-sig", "replace") if path.exists() else ""
        found = [typed(r) for r in fmt.parse(path, text)]
        self.rows = [r for r in found if is_done(r)]
        if not text or len(self.rows) < len(found) or not text.endswith("\n"):
            _replace(path, lambda temp: temp.write_bytes(fmt.header() + b"".join(map(fmt.line, self.rows))))
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def write(self, row: dict) -> None:
        data = memoryview(self.fmt.line(row))
        while data:
            data = data[os.write(self._fd, data):]
        self.rows.append(row)

    def close(self) -> None:
        os.close(self._fd)


class XlsxWriter:
    """XLSX output, rewritten whole through a temporary file."""

    def __init__(self, path: Path, save_every_s: float = 2.0):
        self.path, self.save_every_s = path, save_every_s
        self.rows = [r for r in self._read() if is_done(r)] if path.exists() else []
        self._unsaved, self._saved_at = False, time.monotonic()

    def _read(self) -> list[dict]:
        import openpyxl

        try:
            book = openpyxl.load_workbook(self.path, read_only=True)
            rows = list(book.worksheets[0].iter_rows(values_only=True))
            book.close()
        except Exception as e:  # damaged or not a workbook
            raise InputError(f"cannot be read as an answers workbook ({type(e).__name__}); "
                             "choose another output file or move this one away", str(self.path)) from e
        if not rows or tuple(rows[0]) != COLUMNS:
            raise _not_ours(self.path)
        return [typed(dict(zip(COLUMNS, r))) for r in rows[1:]]

    def write(self, row: dict) -> None:
        self.rows.append(row)
        self._unsaved = True
        if time.monotonic() - self._saved_at >= self.save_every_s:
            self.save()

    def close(self) -> None:
        if self._unsaved or not self.path.exists():
            self.save()

    def save(self) -> None:
        _replace(self.path, self._workbook().save)
        self._unsaved, self._saved_at = False, time.monotonic()

    def _workbook(self):
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "answers"
        sheet.append(COLUMNS)
        for row in self.rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                          for v in map(clean, (row[c] for c in COLUMNS))])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if cell.data_type == "f":  # text starting with '=' stays text, never a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 60
        return book
