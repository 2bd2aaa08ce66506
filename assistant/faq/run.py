"""Answer every question of a file: batched retrieval, drafts decoded `settings.batch` at a time, each output
row written as soon as its group is answered, resumable by a key per question, with a progress bar, a summary and a report."""
from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from tqdm import tqdm

from assistant.errors import AssistantError, InputError
from assistant.faq.inputs import Row, read_questions
from assistant.faq.outputs import check_output_path, open_output
from assistant.faq.report import check_report_path, write_report
from assistant.types import Answer, Citation, Hit

if TYPE_CHECKING:
    from assistant.protocols import Answerer

log = logging.getLogger(__name__)

BATCH = 32  # questions retrieved together in one embedding call
MAX_FAILURES_IN_A_ROW = 10  # then the cause is not the question (server down, model missing): stop


@dataclass
class FaqSummary:
    """Counts for this run; `skipped` rows were already in the output (or repeated in the input)."""

    answered: int = 0
    refused: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    output: str = ""
    report: str | None = None

    @property
    def per_minute(self) -> float:
        asked = self.answered + self.refused + self.failed
        return 60 * asked / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (f"{self.answered} answered, {self.refused} refused, {self.failed} failed, "
                f"{self.skipped} skipped (already done) in {self.seconds:.1f} s ({self.per_minute:.1f} questions/min)")


@dataclass(frozen=True)
class Job:
    row: Row
    key: str


def fingerprint(settings) -> dict:
    """What changes an answer besides the question: a new value means the row is asked again."""
    return {"model": settings.model, "adapter": settings.adapter, "index": settings.index, "k": settings.k}


def row_key(row: Row, fp: dict) -> str:
    payload = json.dumps([row.question, asdict(row.filters), fp], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def answer_file(input_path, output_path, assistant: Answerer, *, question_column: str | None = None, report=None,
                progress: Callable[[int, int], None] | None = None, limit: int | None = None) -> FaqSummary:
    """Answer the questions of `input_path` into `output_path` (CSV, JSONL or XLSX by extension).

    `assistant` (an Answerer) retrieves for BATCH questions at once (`.retriever.search_many`) and drafts
    `settings.batch` of them together (`.ask_many`). Rows already answered in the output are skipped;
    `limit` caps how many new rows are asked; `progress(done, total)` is called after every row.
    """
    started = time.perf_counter()
    output_path = Path(output_path)
    check_output_path(output_path)
    if report is not None:
        check_report_path(Path(report))
    if Path(input_path).resolve() == output_path.resolve():
        raise InputError("the output must be a different file from the input; pass another -o", str(output_path))
    rows = read_questions(input_path, question_column)
    writer = open_output(output_path)
    summary = FaqSummary(output=str(output_path), report=str(report) if report is not None else None)
    try:
        jobs = _pending(rows, fingerprint(assistant.settings), {r["key"] for r in writer.rows}, summary)
        _run(jobs[: max(limit, 0)] if limit is not None else jobs, assistant, writer, summary, progress)
    finally:
        writer.close()
        summary.seconds = time.perf_counter() - started
    if report is not None:
        write_report(report, writer.rows, Path(input_path).name, str(summary))
    return summary


def _pending(rows: list[Row], fp: dict, done: set[str], summary: FaqSummary) -> list[Job]:
    """Rows still to ask, in input order; finished and repeated questions are counted as skipped."""
    jobs, seen = [], set(done)
    for row in rows:
        key = row_key(row, fp)
        if key in seen and not row.error:
            summary.skipped += 1
            continue
        seen.add(key)
        jobs.append(Job(row, key))
    return jobs


def _run(jobs: list[Job], assistant: Answerer, writer, summary: FaqSummary, progress) -> None:
    done, total = summary.skipped, summary.skipped + len(jobs)
    streak = 0
    with tqdm(total=total, initial=done, unit="q", file=sys.stderr, disable=None) as bar:
        _report_progress(progress, done, total)
        for group in _groups(assistant, jobs):
            for row, asked in _answers(assistant, group):
                writer.write(row)
                _count(summary, row)
                streak = _failure_streak(streak, asked, row)
                done += 1
                bar.update(1)
                _report_progress(progress, done, total)


def _groups(assistant: Answerer, jobs: list[Job]) -> Iterator[list[tuple[Job, list[Hit] | None]]]:
    """Jobs with their precomputed hits (None: the assistant retrieves), retrieved BATCH jobs at a time and
    handed on `settings.batch` at a time (drafted together)."""
    size = assistant.settings.batch
    for start in range(0, len(jobs), BATCH):
        batch = jobs[start: start + BATCH]
        hits = _retrieve(assistant, batch)
        paired = [(job, hits.get(job.key)) for job in batch]
        for first in range(0, len(paired), size):
            yield paired[first: first + size]


def _failure_streak(streak: int, asked: bool, row: dict) -> int:
    streak = streak + 1 if asked and row["error"] else 0
    if streak >= MAX_FAILURES_IN_A_ROW:
        raise AssistantError(f"stopped: {streak} questions failed in a row, the last with {row['error']}; "
                             "fix the cause and rerun to continue where this stopped")
    return streak


def _report_progress(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _count(summary: FaqSummary, row: dict) -> None:
    if row["error"]:
        summary.failed += 1
    elif row["refused"]:
        summary.refused += 1
    else:
        summary.answered += 1


def _retrieve(assistant: Answerer, jobs: list[Job]) -> dict[str, list[Hit]]:
    """Hits per job key: one batched search per distinct filter set. A failed search is left to ask()."""
    retriever = assistant.retriever
    groups: dict = {}
    for job in jobs:
        if not job.row.error:
            groups.setdefault(job.row.filters, []).append(job)
    found = {}
    for filters, group in groups.items():
        try:
            results = retriever.search_many([j.row.question for j in group], assistant.settings.k, filters)
        except Exception as e:  # the same error, if real, is reported per question by ask()
            log.warning("batched retrieval failed (%s); each question will retrieve on its own", e)
            continue
        found.update(zip((j.key for j in group), results))
    return found


def _answers(assistant: Answerer, group: list[tuple[Job, list[Hit] | None]]) -> list[tuple[dict, bool]]:
    """The output rows for a group of jobs, each with whether the assistant was asked: the group's questions
    drafted together; if that fails, each is asked on its own, so one bad question does not fail the others."""
    asked = [(job, hits) for job, hits in group if not job.row.error]
    rows: dict[str, tuple[dict, bool]] = {job.key: (_error_row(job, assistant.settings, job.row.error), False)
                                          for job, _ in group if job.row.error}
    if len(asked) > 1:
        started = time.perf_counter()
        try:
            answers = assistant.ask_many([j.row.question for j, _ in asked], [j.row.filters for j, _ in asked],
                                         [h for _, h in asked])
        except Exception as e:  # Ctrl-C still stops the file
            log.debug("drafting %d questions together failed (%s); asking each on its own", len(asked), e)
        else:
            took = time.perf_counter() - started
            rows |= {job.key: (_answer_row(job, answer, took), True) for (job, _), answer in zip(asked, answers)}
            asked = []
    rows |= {job.key: _answer(assistant, job, hits) for job, hits in asked}
    return [rows[job.key] for job, _ in group]


def _answer(assistant: Answerer, job: Job, hits: list[Hit] | None) -> tuple[dict, bool]:
    """The output row for one job asked on its own."""
    started = time.perf_counter()
    try:
        answer = assistant.ask(job.row.question, filters=job.row.filters, hits=hits)
    except Exception as e:  # one bad question must not stop the file; Ctrl-C still does
        log.debug("question failed: %s", job.row.question[:80], exc_info=True)  # the row keeps the message
        return _error_row(job, assistant.settings, f"row {job.row.number}: {type(e).__name__}: {e}"), True
    return _answer_row(job, answer, time.perf_counter() - started), True


def _answer_row(job: Job, answer: Answer, seconds: float) -> dict:
    return {
        "question": job.row.question, "answer": answer.text, "refused": answer.refused,
        "citations": "; ".join(map(format_citation, answer.citations)), "top_score": top_score(answer.hits),
        "model": answer.model, "adapter": answer.adapter, "latency_s": round(seconds, 3), "error": "", "key": job.key,
    }


def _error_row(job: Job, settings, error: str) -> dict:
    return {
        "question": job.row.question, "answer": "", "refused": False, "citations": "", "top_score": None,
        "model": settings.model, "adapter": settings.adapter, "latency_s": None, "error": error, "key": job.key,
    }


def format_citation(citation: Citation) -> str:
    """Pinpoint plus a short passage id, e.g. 'Constitution of India, Art. 21 (p:ab12cd34ef56)'."""
    short = citation.passage_id.removeprefix("p:")[:12]
    mark = "" if citation.supported else " [unsupported]"
    return f"{citation.cite} (p:{short}){mark}"


def top_score(hits: list[Hit]) -> float | None:
    """Best cosine similarity among the passages (the fused score when no dense score is known)."""
    dense = [h.dense for h in hits if h.dense is not None]
    best = max(dense) if dense else max((h.score for h in hits), default=None)
    return None if best is None else round(best, 4)
