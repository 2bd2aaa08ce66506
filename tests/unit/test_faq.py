"""assistant.faq on a fake assistant: input formats, column choice, bad rows, reports, resume and kill."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from assistant.errors import AssistantError, InputError
from assistant.faq import COLUMNS, FaqSummary, answer_file, read_questions
from assistant.settings import Settings
from assistant.types import Answer, Citation, Filters, Hit, Passage

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpus" / "faq" / "sample_faq.csv"
QUESTIONS = [f"What does Article {n} of the Constitution say?" for n in range(12, 52)]
OFF_TOPIC = ("speed limit", "income tax", "passport")


def passage_for(question: str) -> Passage:
    pid = hashlib.sha256(question.encode()).hexdigest()[:16]
    return Passage(id=pid, doc_id="coi", text=f"Text for {question}", cite="Constitution of India, Art. 21",
                   path=("Constitution of India", "Art. 21"), kind="statute", jurisdiction="IN",
                   language="en", title="Constitution of India")


class FakeRetriever:
    def __init__(self):
        self.calls: list[tuple[list[str], int, Filters]] = []

    def search_many(self, queries, k, filters):
        self.calls.append((list(queries), k, filters))
        return [[Hit(passage_for(q), score=0.03, dense=0.61, lexical=4.2, rank=1)] for q in queries]


class FakeAssistant:
    """Deterministic: refuses off-topic questions, raises on questions containing 'boom'."""

    def __init__(self, delay: float = 0.0, **settings):
        self.settings = Settings(model="fake-lm", adapter="none", **settings)
        self.retriever = FakeRetriever()
        self.delay = delay
        self.asked: list[tuple[str, Filters | None, list[Hit] | None]] = []
        self.groups: list[list[str]] = []  # the questions of each ask_many call

    def ask(self, question, filters=None, history=None, on_token=None, hits=None):
        time.sleep(self.delay)
        self.asked.append((question, filters, hits))
        if "boom" in question:
            raise RuntimeError("generator crashed")
        hits = hits if hits is not None else [Hit(passage_for(question), score=0.01)]
        if any(word in question.lower() for word in OFF_TOPIC):
            return Answer(question, "The sources do not answer this.", [], hits, refused=True,
                          reason="low score", model="fake-lm", adapter="none")
        cite = Citation(1, hits[0].passage.id, hits[0].passage.cite, "quote")
        return Answer(question, f"It says this [1]. ({question})", [cite], hits, model="fake-lm", adapter="none")

    def ask_many(self, questions, filters=None, hits=None):
        self.groups.append(list(questions))
        return [self.ask(q, f, hits=h) for q, f, h in zip(questions, filters, hits)]


def write_input(path: Path, questions: list[str]) -> Path:
    """The questions in the format given by the file extension, under a 'question' column."""
    suffix = path.suffix
    if suffix == ".txt":
        path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(questions)))
    elif suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.active.append(["id", "question"])
        for i, q in enumerate(questions):
            book.active.append([i, q])
        book.save(path)
    else:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["id", "question"], *[[i, q] for i, q in enumerate(questions)]])
    return path


def read_output(path: Path) -> list[dict]:
    """Rows of an answers file, read with the plain libraries (no repair)."""
    if path.suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert rows[0] == COLUMNS
        return [dict(zip(COLUMNS, r)) for r in rows[1:]]
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    text = path.read_text(encoding="utf-8-sig")
    assert text.endswith("\n")
    records = list(csv.reader(text.splitlines(keepends=True)))
    assert tuple(records[0]) == COLUMNS and all(len(r) == len(COLUMNS) for r in records)
    return [dict(zip(COLUMNS, r)) for r in records[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl", ".txt"])
def test_every_input_format_is_answered_in_order(tmp_path, suffix):
    source = write_input(tmp_path / f"in{suffix}", QUESTIONS[:5])
    summary = answer_file(source, tmp_path / "out.csv", FakeAssistant())
    assert [r["question"] for r in read_output(tmp_path / "out.csv")] == QUESTIONS[:5]
    assert (summary.answered, summary.refused, summary.failed, summary.skipped) == (5, 0, 0, 0)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_every_output_format_has_the_columns_and_pinpoint_citations(tmp_path, suffix):
    source = write_input(tmp_path / "in.csv", ["What does Article 21 protect?", "What is the speed limit?"])
    answer_file(source, tmp_path / f"out{suffix}", FakeAssistant())
    good, refused = read_output(tmp_path / f"out{suffix}")
    pid = passage_for("What does Article 21 protect?").id
    assert good["citations"] == f"Constitution of India, Art. 21 (p:{pid[:12]})"
    assert str(good["refused"]) in ("False", "false") and float(good["top_score"]) == 0.61
    assert (good["model"], good["adapter"], len(good["key"])) == ("fake-lm", "none", 64)
    assert str(refused["refused"]) in ("True", "true") and refused["citations"] in ("", None)


def test_question_column_is_found_by_name_then_by_text(tmp_path):
    named = tmp_path / "named.csv"
    named.write_text("id,notes,Pregunta\n1,x,¿Qué protege el artículo 21?\n", encoding="utf-8")
    assert read_questions(named)[0].question == "¿Qué protege el artículo 21?"
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("id,text\n1,What is Article 32?\n2,What is Article 226?\n", encoding="utf-8")
    assert [r.question for r in read_questions(unnamed)] == ["What is Article 32?", "What is Article 226?"]
    assert read_questions(named, column="NOTES")[0].question == "x"


def test_an_unknown_column_names_the_columns_there_are(tmp_path):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:1])
    with pytest.raises(InputError, match=r"in\.csv.*'id', 'question'.*--column"):
        read_questions(source, column="query")


def test_semicolon_and_headerless_single_column_files(tmp_path):
    semicolon = tmp_path / "semi.csv"
    semicolon.write_text("question;jurisdiction\nWhat is Article 14?;IN\n", encoding="utf-8")
    assert read_questions(semicolon)[0].filters == Filters(jurisdiction=("IN",))
    headerless = tmp_path / "plain.csv"
    headerless.write_text("Who appoints judges, and how?\nWhat is Article 72?\n", encoding="utf-8")
    assert [r.question for r in read_questions(headerless)] == ["Who appoints judges, and how?", "What is Article 72?"]


def test_the_zaragoza_faq_is_read_from_its_q_column():
    faq = pytest.importorskip("zaragoza_construction_faq")
    rows = read_questions(Path(faq.__file__).parent / "data" / "faq-en.csv")
    assert rows[0].question == "What is a bygglov (building permit)?"
    assert len(rows) > 400 and not any(r.error for r in rows)


def test_filter_columns_become_filters_and_retrieval_is_batched_per_filter_set(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("question,jurisdiction,law,kind\nQ1 Article 21?,IN,Constitution of India,statute\n"
                      "Q2 Article 14?,,,\nQ3 Article 19?,IN,Constitution of India,statute\nQ4 Article 32?,,,\n",
                      encoding="utf-8")
    fake = FakeAssistant()
    answer_file(source, tmp_path / "out.csv", fake)
    wanted = Filters(jurisdiction=("IN",), kind=("statute",), title="Constitution of India")
    assert [(qs, f) for qs, _, f in fake.retriever.calls] == [
        (["Q1 Article 21?", "Q3 Article 19?"], wanted), (["Q2 Article 14?", "Q4 Article 32?"], Filters())]
    assert all(hits and hits[0].passage.id == passage_for(q).id for q, _, hits in fake.asked)
    assert fake.asked[0][1] == wanted


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_questions_are_drafted_batch_at_a_time_in_input_order(tmp_path, batch):
    fake = FakeAssistant(batch=batch)
    answer_file(write_input(tmp_path / "in.csv", QUESTIONS[:5]), tmp_path / "out.csv", fake)
    wanted = [QUESTIONS[:5][i: i + batch] for i in range(0, 5, batch)]
    assert fake.groups == [g for g in wanted if len(g) > 1]
    assert [r["question"] for r in read_output(tmp_path / "out.csv")] == QUESTIONS[:5]


def test_a_group_that_fails_is_asked_one_by_one_so_only_the_bad_question_fails(tmp_path):
    source = write_input(tmp_path / "in.csv", ["What is Article 21?", "Why boom?", "What is Article 14?"])
    fake = FakeAssistant(batch=3)
    summary = answer_file(source, tmp_path / "out.csv", fake)
    assert (summary.answered, summary.failed) == (2, 1)
    assert [r["error"] != "" for r in read_output(tmp_path / "out.csv")] == [False, True, False]
    assert fake.groups == [["What is Article 21?", "Why boom?", "What is Article 14?"]]


def test_bad_rows_are_written_with_their_error_and_the_run_goes_on(tmp_path):
    source = tmp_path / "in.csv"
    lines = ["question,kind", "What is Article 21?,", ",statute", "x" * 2001 + ",", "Why boom?,",
             "What is Article 12?,treaty"]
    source.write_bytes("\n".join(lines).encode() + b"\nWhat is Art\xe9culo 14?,\nWhat is Article 19?,\n")
    summary = answer_file(source, tmp_path / "out.jsonl", FakeAssistant())
    errors = [r["error"] for r in read_output(tmp_path / "out.jsonl")]
    assert errors[0] == errors[-1] == ""
    assert "empty question" in errors[1] and "limit is 2,000" in errors[2]
    assert "RuntimeError: generator crashed" in errors[3] and "unknown kind treaty" in errors[4]
    assert "not valid UTF-8" in errors[5]
    assert (summary.answered, summary.failed) == (2, 5)


def test_the_undecodable_question_is_kept_readable_in_the_output(tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(b"What is Art\xe9culo 14?\n")
    answer_file(source, tmp_path / "out.csv", FakeAssistant())
    assert read_output(tmp_path / "out.csv")[0]["question"] == "What is Art\ufffdculo 14?"


def test_invalid_json_lines_are_bad_rows(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"question": "What is Article 21?"}\n{not json\n"What is Article 14?"\n')
    rows = read_questions(source)
    assert [r.question for r in rows] == ["What is Article 21?", "", "What is Article 14?"]
    assert "row 2: not valid JSON" in rows[1].error


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", None, "no such file"),
    ("questions.xls", b"old excel", r"\.xlsx"),
    ("numbers.csv", b"id,count\n1,2\n", "no question column"),
    ("broken.xlsx", b"not a zip file", "cannot be read as an Excel workbook"),
])
def test_unusable_input_files_raise_input_error_naming_the_file(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        answer_file(tmp_path / name, tmp_path / "out.csv", FakeAssistant())
    assert name in str(error.value)


@pytest.mark.parametrize("output, report", [("out.txt", None), ("out.csv", "report.pdf"), ("in.csv", None)])
def test_bad_output_or_report_paths_raise_before_any_question_is_asked(tmp_path, output, report):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:2])
    fake = FakeAssistant()
    with pytest.raises(InputError):
        answer_file(source, tmp_path / output, fake, report=report and tmp_path / report)
    assert fake.asked == []


def test_an_existing_file_that_is_not_an_answers_file_is_left_alone(tmp_path):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:2])
    other = write_input(tmp_path / "other.csv", ["keep me"])
    with pytest.raises(InputError, match="not an answers file"):
        answer_file(source, other, FakeAssistant())
    assert "keep me" in other.read_text()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_a_rerun_after_a_limited_run_answers_only_the_rest(tmp_path, suffix):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:10])
    output = tmp_path / f"out{suffix}"
    first = answer_file(source, output, FakeAssistant(), limit=4)
    fake = FakeAssistant()
    second = answer_file(source, output, fake)
    assert (first.answered, second.answered, second.skipped) == (4, 6, 4)
    assert [q for q, _, _ in fake.asked] == QUESTIONS[4:10]
    assert [r["question"] for r in read_output(output)] == QUESTIONS[:10]


def test_failed_rows_are_retried_on_rerun_without_duplicates(tmp_path):
    source = write_input(tmp_path / "in.csv", ["What is Article 21?", "Why boom?"])
    output = tmp_path / "out.csv"
    assert answer_file(source, output, FakeAssistant()).failed == 1
    fixed = FakeAssistant()
    fixed.ask = lambda question, **kw: FakeAssistant.ask(fixed, question.replace("boom", "so"), **kw)
    summary = answer_file(source, output, fixed)
    assert (summary.answered, summary.skipped, summary.failed) == (1, 1, 0)
    assert [r["error"] for r in read_output(output)] == ["", ""]


def test_other_settings_give_other_keys_so_rows_are_asked_again(tmp_path):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:3])
    answer_file(source, tmp_path / "out.csv", FakeAssistant(k=5))
    assert answer_file(source, tmp_path / "out.csv", FakeAssistant(k=5)).skipped == 3
    assert answer_file(source, tmp_path / "out.csv", FakeAssistant(k=8)).answered == 3


def test_repeated_questions_are_asked_once(tmp_path):
    source = write_input(tmp_path / "in.csv", [QUESTIONS[0], QUESTIONS[1], QUESTIONS[0]])
    fake = FakeAssistant()
    summary = answer_file(source, tmp_path / "out.csv", fake)
    assert (len(fake.asked), summary.skipped) == (2, 1)


def test_a_torn_last_row_is_dropped_on_resume(tmp_path):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:3])
    output = tmp_path / "out.csv"
    answer_file(source, output, FakeAssistant(), limit=2)
    with output.open("a", encoding="utf-8") as f:
        f.write('"What does Article 14 say?","half an ans')
    summary = answer_file(source, output, FakeAssistant())
    assert (summary.skipped, summary.answered) == (2, 1)
    assert [r["question"] for r in read_output(output)] == QUESTIONS[:3]


def test_the_run_stops_when_every_question_fails(tmp_path):
    source = write_input(tmp_path / "in.jsonl", [f"boom {n}?" for n in range(15)])
    with pytest.raises(AssistantError, match="10 questions failed in a row"):
        answer_file(source, tmp_path / "out.jsonl", FakeAssistant())
    assert len(read_output(tmp_path / "out.jsonl")) == 10


def test_progress_is_reported_after_every_row_and_summary_prints(tmp_path):
    source = write_input(tmp_path / "in.csv", QUESTIONS[:3] + ["What is the speed limit?"])
    answer_file(source, tmp_path / "out.csv", FakeAssistant(), limit=1)
    calls = []
    summary = answer_file(source, tmp_path / "out.csv", FakeAssistant(), progress=lambda *a: calls.append(a))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert isinstance(summary, FaqSummary) and summary.per_minute > 0
    assert str(summary).startswith("2 answered, 1 refused, 0 failed, 1 skipped (already done) in ")
    assert "questions/min" in str(summary)


@pytest.mark.parametrize("name", ["report.md", "report.html"])
def test_the_report_lists_every_row_with_its_status(tmp_path, name):
    questions = ["What is <b>Article 21</b>?", "What is the speed limit?", "Why boom?"]
    source = write_input(tmp_path / "in.csv", questions)
    summary = answer_file(source, tmp_path / "out.csv", FakeAssistant(), report=tmp_path / name)
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert summary.report == str(tmp_path / name)
    assert "3 questions: 1 answered, 1 refused, 1 failed" in text and "Constitution of India, Art. 21" in text
    assert "Refused" in text and "generator crashed" in text
    if name.endswith(".html"):
        assert "&lt;b&gt;Article 21&lt;/b&gt;" in text and "<b>" not in text


def test_formula_like_text_stays_text_in_xlsx(tmp_path):
    source = write_input(tmp_path / "in.txt", ["=HYPERLINK(\"http://x\")?"])
    answer_file(source, tmp_path / "out.xlsx", FakeAssistant())
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx").active["A2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\")?", "s")


def test_the_sample_file_reads_cleanly_with_some_filtered_rows():
    rows = read_questions(SAMPLE)
    assert 45 <= len(rows) <= 60 and not any(r.error for r in rows)
    assert sum(1 for r in rows if r.filters.jurisdiction == ("IN",)) >= 3
    assert any(r.filters.title == "Constitution of India" for r in rows)


KILLED_RUN = """
import sys
sys.path[:0] = [{tests!r}, {repo!r}]
from test_faq import FakeAssistant
from assistant.faq import answer_file
answer_file(sys.argv[1], sys.argv[2], FakeAssistant(delay=0.1))
"""


def rows_so_far(path: Path) -> int:
    try:
        return len(read_output(path))
    except Exception:  # not written yet
        return 0


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_a_killed_run_leaves_a_valid_file_and_a_rerun_completes_it(tmp_path, suffix):
    source = write_input(tmp_path / "in.csv", QUESTIONS)
    output = tmp_path / f"out{suffix}"
    script = KILLED_RUN.format(tests=str(Path(__file__).parent), repo=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", script, str(source), str(output)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while rows_so_far(output) < 5 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL, child.stderr.read().decode()
    done = [r["question"] for r in read_output(output)]
    assert 5 <= len(done) < len(QUESTIONS) and done == QUESTIONS[: len(done)]
    summary = answer_file(source, output, FakeAssistant())
    assert summary.skipped == len(done) and summary.answered == len(QUESTIONS) - len(done)
    assert [r["question"] for r in read_output(output)] == QUESTIONS
