"""Update impact on the "Add rulings" tab: what an index update changes in the answers to saved questions.

The questions are an optional uploaded FAQ file and/or the questions asked in this session (at most
MAX_QUESTIONS, the first ones). Just before the update they are answered with the current assistant;
after it `assistant.impact.impact` answers them again with the updated one and compares. The report is
kept in the session and offered as Markdown and JSON.
"""
from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.faq.inputs import INPUT_SUFFIXES, Row
from assistant.types import Filters
from ui import state

if TYPE_CHECKING:
    from assistant.protocols import Answerer

log = logging.getLogger("legal_assistant.ui")
MAX_QUESTIONS = 20
TYPES = tuple(suffix.lstrip(".") for suffix in INPUT_SUFFIXES)  # what the FAQ reader reads


def session_rows(turns: list[dict]) -> list[Row]:
    return [Row(n, t["question"], t.get("filters") or Filters()) for n, t in enumerate(turns, 1)]


def file_rows(name: str, data: bytes) -> list[Row]:
    """The askable rows of an uploaded question file (rows with a problem are left out)."""
    from assistant.faq import read_questions

    folder = Path(tempfile.mkdtemp(prefix="impact-"))
    path = folder / ("questions" + Path(name).suffix.lower())
    path.write_bytes(data)
    return [row for row in read_questions(path) if not row.error]


def pick(rows: list[Row], limit: int = MAX_QUESTIONS) -> tuple[list[Row], int]:
    """Distinct questions (by text), the first `limit` of them, and how many were left out."""
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row.question.strip(), row)
    distinct = list(seen.values())
    return distinct[:limit], max(0, len(distinct) - limit)


def answers(assistant: Answerer, rows: list[Row], progress=None) -> list[dict]:
    """Answer records (Answer.to_dict()) of `rows`, asked with their filters."""
    records = []
    for n, row in enumerate(rows, 1):
        records.append(assistant.ask(row.question, filters=row.filters).to_dict())
        if progress:
            progress(n, len(rows))
    return records


def report(rows: list[Row], old: list[dict], new_assistant: Answerer) -> dict:
    """The impact report of the update as {"markdown", "json", "rows"} (kept in the session)."""
    from assistant.impact import impact

    found = impact(rows, old, new_assistant)
    return {"markdown": found.to_markdown(), "json": json.dumps(found.to_dict(), ensure_ascii=False, indent=1),
            "rows": len(found.rows)}


def before_update(settings, rows: list[Row]) -> list[dict] | None:
    """Answers to `rows` from the index as it is now (None: nothing to compare, or they failed)."""
    if not rows:
        return None
    bar = st.progress(0.0, text=f"Answering {len(rows)} saved question(s) with the current index…")
    try:
        return answers(state.get_assistant(settings), rows,
                       lambda n, total: bar.progress(n / total, text=f"Answered {n}/{total} before the update"))
    except Exception as exc:  # noqa: BLE001 - the update goes ahead without a report
        log.exception("answering the saved questions before the update failed")
        st.session_state.setdefault("notices", []).append(("warning", f"No impact report: {exc}"))
        return None


def after_update(settings, rows: list[Row], old: list[dict] | None, left_out: int) -> None:
    """Re-answer with the updated index and keep the report; the outcome becomes a notice."""
    notices = st.session_state.setdefault("notices", [])
    st.session_state.pop("impact", None)
    if old is None:
        return
    try:
        with st.spinner(f"Answering {len(rows)} saved question(s) with the updated index…"):
            found = report(rows, old, state.get_assistant(settings))
    except Exception as exc:  # noqa: BLE001
        log.exception("the impact report failed")
        notices.append(("warning", f"No impact report: {exc}"))
        return
    st.session_state["impact"] = found
    extra = f"; {left_out} more left out (at most {MAX_QUESTIONS})" if left_out else ""
    notices.append(("info", f"Update impact: {found['rows']} question(s) re-answered{extra}; see Add rulings."))


def inputs(turns: list[dict]) -> tuple[list[Row], int]:
    """The impact options; returns the questions to re-check and how many were left out."""
    with st.expander("Update impact (optional)"):
        st.caption(f"Answer a saved question set before and after the update and report what changed "
                   f"(cited authority changed or gone, new citations, new refusals). At most {MAX_QUESTIONS} "
                   "questions: the first ones are used. Each question is answered twice, so this takes longer.")
        upload = st.file_uploader("Saved questions (CSV, TSV, XLSX, JSONL, or TXT one per line)", type=list(TYPES),
                                  key="impact_faq")
        mine = st.checkbox("Also re-check the questions asked in this session", key="impact_session",
                           disabled=not turns, help=f"{len(turns)} asked so far")
    rows = file_rows(upload.name, upload.getvalue()) if upload is not None else []
    return pick(rows + (session_rows(turns) if mine else []))


def show() -> None:
    """The latest impact report of this session, with its downloads."""
    found = st.session_state.get("impact")
    if not found:
        return
    with st.container(border=True, key="impact-report"):
        st.markdown(found["markdown"])
        left, right = st.columns(2)
        left.download_button("Download report (Markdown)", found["markdown"], file_name="impact.md",
                             mime="text/markdown", key="impact_md")
        right.download_button("Download report (JSON)", found["json"], file_name="impact.json",
                              mime="application/json", key="impact_json")
