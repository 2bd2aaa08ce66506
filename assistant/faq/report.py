"""A readable report of an answers file: Markdown (.md) or a self-contained HTML page (.html)."""
from __future__ import annotations

import html
from pathlib import Path

from assistant.errors import InputError

REPORT_SUFFIXES = (".md", ".html")


def check_report_path(path: Path) -> None:
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise InputError(f"cannot write a report as {path.suffix or 'a file without an extension'}; "
                         f"end the report name with {' or '.join(REPORT_SUFFIXES)}", str(path))


def write_report(path: str | Path, rows: list[dict], title: str, summary: str) -> None:
    """Every row of the answers file, with a count line and the summary of the latest run."""
    path = Path(path)
    check_report_path(path)
    counts = _counts(rows)
    render = _html if path.suffix.lower() == ".html" else _markdown
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(rows, title, counts, summary), encoding="utf-8")


def _counts(rows: list[dict]) -> str:
    failed = sum(1 for r in rows if r["error"])
    refused = sum(1 for r in rows if r["refused"] and not r["error"])
    return f"{len(rows)} questions: {len(rows) - failed - refused} answered, {refused} refused, {failed} failed"


def _status(row: dict) -> str:
    if row["error"]:
        return f"Failed: {row['error']}"
    return "Refused: the sources do not answer this." if row["refused"] else ""


def _markdown(rows: list[dict], title: str, counts: str, summary: str) -> str:
    parts = [f"# Answers: {title}", f"{counts}.", f"Latest run: {summary}."]
    for n, row in enumerate(rows, 1):
        question = " ".join((row["question"] or "(empty)").split())
        parts.append(f"## {n}. {question}")
        if _status(row):
            parts.append(f"*{_status(row)}*")
        if row["answer"]:
            parts.append(row["answer"])
        if row["citations"]:
            parts.append("Sources: " + row["citations"])
    return "\n\n".join(parts) + "\n"


def _html(rows: list[dict], title: str, counts: str, summary: str) -> str:
    e = html.escape
    body = [f"<h1>Answers: {e(title)}</h1>", f"<p>{e(counts)}.<br>Latest run: {e(summary)}.</p>"]
    for n, row in enumerate(rows, 1):
        body.append(f"<h2>{n}. {e(row['question'] or '(empty)')}</h2>")
        if _status(row):
            body.append(f'<p class="status">{e(_status(row))}</p>')
        if row["answer"]:
            body.append(f"<p>{e(row['answer'])}</p>")
        if row["citations"]:
            items = "".join(f"<li>{e(c)}</li>" for c in row["citations"].split("; "))
            body.append(f"<ul>{items}</ul>")
    style = "body{font-family:sans-serif;max-width:50em;margin:auto}p{white-space:pre-wrap}.status{color:#a40}"
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
