"""New rulings: save uploaded files under the index's uploads folder, then update the index incrementally.

`save_uploads` and `update_with_uploads` are plain functions (tested directly with bytes); `render`
is the thin Streamlit part. The index is updated by writing a new version and swapping it in, so the
cached Assistant keeps answering from the old version until the update returns; then its cache entry
is dropped and the next question opens the new version.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import streamlit as st

from assistant.corpus.files import SUFFIXES
from assistant.embed import NAMES as EMBEDDERS
from assistant.settings import Settings
from ui import impact as impact_ui
from ui import state

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest
    from assistant.ingest import IngestResult

ALLOWED = tuple(suffix.lstrip(".") for suffix in SUFFIXES)  # what the folder reader reads
MAX_MB = 20
MAX_BYTES = MAX_MB * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


@dataclass
class Saved:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def uploads_dir(settings: Settings, index: str | None = None) -> Path:
    """Per-index folder for uploaded rulings: <home>/corpus/<index>/uploads/ (recorded as an index source)."""
    return Path(settings.home) / "corpus" / (index or settings.index) / "uploads"


def safe_name(name: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no '..', no odd characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^\w\-. ]+", "_", stem, flags=re.UNICODE).strip(" ._")[:100] or "upload"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def _target(folder: Path, name: str, data: bytes) -> Path | None:
    """Where to write `name`; None when an identical file is already there; '-2', '-3'... on a clash."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists():
        if path.read_bytes() == data:
            return None
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def save_uploads(files: Iterable[tuple[str, bytes]], folder: Path, max_bytes: int = MAX_BYTES) -> Saved:
    """Write each (name, bytes) under `folder` with a safe name; a file that cannot be used becomes a Problem."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    out = Saved()
    for original, data in files:
        name = safe_name(original)
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        if ext not in ALLOWED:
            out.problems.append(Problem(original, f"unsupported type; use one of {', '.join(ALLOWED)}"))
            continue
        if not data:
            out.problems.append(Problem(original, "the file is empty"))
            continue
        if len(data) > max_bytes:
            out.problems.append(Problem(original, f"larger than {max_bytes // (1024 * 1024) or 1} MB"))
            continue
        target = _target(folder, name, data)
        if target is None:
            out.files.append(folder / name)  # already saved earlier: nothing to write
            continue
        if target.resolve().parent != root:  # belt and braces: never write outside the folder
            out.problems.append(Problem(original, "unsafe file name"))
            continue
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)
        out.files.append(target)
    return out


def update_settings(settings: Settings, manifest: Manifest | None) -> Settings:
    """Settings for the update: keep the embedder the index was built with."""
    if manifest is not None and manifest.embedder in EMBEDDERS:
        return settings.model_copy(update={"embedder": manifest.embedder})
    return settings


def update_with_uploads(settings: Settings, folder: Path, progress: Callable | None = None):
    """Incrementally update the chosen index with the files in `folder` (plus its recorded sources)."""
    from assistant.ingest import ingest

    return ingest([str(Path(folder).resolve())], update_settings(settings, state.manifest(settings.index_dir())),
                  name=settings.index, update=True, progress=progress)


def progress_callback(bar) -> Callable:
    """Adapts the index's progress reports (done, total), a fraction, or a message to st.progress."""

    def report(*args, **kwargs):
        done = kwargs.get("done", args[0] if args else None)
        total = kwargs.get("total", args[1] if len(args) > 1 else None)
        if isinstance(done, str):
            bar.progress(0.5, text=done)
        elif isinstance(done, (int, float)) and total:
            bar.progress(min(1.0, max(0.0, done / total)), text=f"Indexing… {done}/{total}")
        elif isinstance(done, float) and 0 <= done <= 1:
            bar.progress(done, text="Indexing…")

    return report


def summary(result: IngestResult) -> str:
    report = result.report
    text = f"{result.documents} documents, {result.passages} passages"
    if report is not None:
        text += f": added {report.added}, removed {report.removed}, kept {report.kept}"
    return text


def render(settings: Settings) -> None:
    folder = uploads_dir(settings)
    st.markdown(f"Add rulings or other documents to **{settings.index}**. They are saved in `{folder}` and "
                "the index is updated incrementally; questions keep being answered from the current version "
                "until the update is done.")
    files = st.file_uploader("Files", type=list(ALLOWED), accept_multiple_files=True, key="uploads",
                             max_upload_size=MAX_MB)
    questions, left_out = [], 0
    with state.errors_shown("Saved questions: "):
        questions, left_out = impact_ui.inputs(st.session_state.get("turns", []))
    if st.button("Add to index", disabled=not files, type="primary", key="add_to_index"):
        add(settings, folder, files, questions, left_out)
    impact_ui.show()


def add(settings: Settings, folder: Path, files, questions=(), left_out: int = 0) -> None:
    """Save the files, update the index (with the impact report on `questions` when given), then rerun."""
    saved = save_uploads(((f.name, f.getvalue()) for f in files), folder)
    for problem in saved.problems:
        st.error(f"{problem.path}: {problem.message}")
    if not saved.files:
        return
    old_answers = impact_ui.before_update(settings, list(questions))
    old_stamp = state.stamp(settings.index_dir())
    bar = st.progress(0.0, text="Reading the new files…")
    updated = False
    with state.errors_shown("Update failed: "):
        result = update_with_uploads(settings, folder, progress_callback(bar))
        bar.progress(1.0, text="Index updated")
        state.forget(settings, old_stamp)
        updated = True
    if updated:  # show the outcome above the redrawn page, whose sidebar reads the new manifest
        notices = st.session_state.setdefault("notices", [])
        notices += [("error", f"{p.path}: {p.message}") for p in saved.problems]
        notices += [("warning", f"skipped {p.path}: {p.message}") for p in result.problems]
        notices.append(("success", f"Index {settings.index} updated: {summary(result)}."))
        st.session_state["last_update"] = summary(result)
        impact_ui.after_update(settings, list(questions), old_answers, left_out)
        st.rerun()
