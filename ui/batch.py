"""Batch tab: answer every question of an uploaded FAQ file, then offer the answered file for download."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.faq.inputs import INPUT_SUFFIXES
from ui import state
from ui.uploads import safe_name

if TYPE_CHECKING:
    from assistant.protocols import Answerer

INPUT_TYPES = tuple(suffix.lstrip(".") for suffix in INPUT_SUFFIXES)  # what the FAQ reader reads
MIME = {".csv": "text/csv", ".jsonl": "application/jsonl",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def output_name(input_name: str) -> str:
    """Answers go to the same format when it can be written (CSV, JSONL, XLSX), else CSV."""
    path = Path(safe_name(input_name))
    suffix = path.suffix.lower() if path.suffix.lower() in MIME else ".csv"
    return f"{path.stem}-answered{suffix}"


def answer_upload(name: str, data: bytes, assistant: Answerer, column: str | None = None, progress=None):
    """Write the upload to a fresh folder, answer it there; returns (summary, output file name, bytes)."""
    from assistant.faq import answer_file

    folder = Path(tempfile.mkdtemp(prefix="faq-"))
    source = folder / safe_name(name)
    source.write_bytes(data)
    target = folder / output_name(name)
    summary = answer_file(source, target, assistant, question_column=column or None, progress=progress)
    return summary, target.name, target.read_bytes()


def render(settings) -> None:
    st.markdown("Upload a file of questions (CSV, TSV, XLSX, JSONL, or one question per line in TXT). "
                "Each is answered with citations; download the answered file when done.")
    upload = st.file_uploader("Questions file", type=list(INPUT_TYPES), key="faq_file")
    column = st.text_input("Question column (blank: guessed)", key="faq_column")
    if upload is not None and st.button("Answer all", type="primary", key="faq_run"):
        bar = st.progress(0.0, text="Answering…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Answered {done}/{total}")

        with state.errors_shown("Batch failed: "):
            summary, name, data = answer_upload(upload.name, upload.getvalue(), state.get_assistant(settings),
                                                column.strip(), progress)
            bar.progress(1.0, text="Done")
            st.session_state["faq_result"] = (str(summary), name, data)
    if result := st.session_state.get("faq_result"):
        text, name, data = result
        st.success(text)
        st.download_button(f"Download {name}", data, file_name=name, key="faq_download",
                           mime=MIME.get(Path(name).suffix, "application/octet-stream"))
