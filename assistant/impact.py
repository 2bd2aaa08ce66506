"""Update impact report: re-answer a saved question set after an index (or model) update and list what changed.

Before an update, answer the FAQ and `save_answers(path, answers)` (a JSON list of Answer.to_dict()).
After it, `run_impact(faq_path, before_path, assistant, out_md, out_json)` re-asks every question and
reports, per question: answer text changed, citations added / removed, a cited authority whose text
changed (same pinpoint, new passage) or that disappeared (its passage is gone from the new index),
and questions that became refusals or answers.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from assistant.faq.inputs import Row
from assistant.types import Answer

if TYPE_CHECKING:
    from assistant.protocols import Answerer

CHANGED_AUTHORITY = ("authority disappeared", "authority changed")


@dataclass
class QuestionImpact:
    question: str
    status: str  # unchanged | answer changed | citations changed | authority changed | authority disappeared | now refused | now answered | new question
    old_answer: str = ""
    new_answer: str = ""
    added: list[str] = field(default_factory=list)  # cites newly cited
    removed: list[str] = field(default_factory=list)  # cites no longer cited
    changed: list[str] = field(default_factory=list)  # cites whose passage text changed
    disappeared: list[str] = field(default_factory=list)  # cites whose passage is no longer in the index


@dataclass
class ImpactReport:
    rows: list[QuestionImpact]

    @property
    def affected(self) -> list[QuestionImpact]:
        """Questions whose cited authority changed or disappeared."""
        return [r for r in self.rows if r.status in CHANGED_AUTHORITY]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for r in self.rows:
            found[r.status] = found.get(r.status, 0) + 1
        return found

    def to_dict(self) -> dict:
        return {"counts": self.counts(), "questions": [asdict(r) for r in self.rows]}

    def to_markdown(self) -> str:
        lines = ["# Update impact report", "", f"{len(self.rows)} questions re-answered: "
                 + ", ".join(f"{n} {s}" for s, n in sorted(self.counts().items())), ""]
        lines += ["## Cited authority changed or disappeared", ""]
        lines += [_md_row(r) for r in self.affected] or ["None."]
        others = [r for r in self.rows if r.status not in CHANGED_AUTHORITY and r.status != "unchanged"]
        lines += ["", "## Other changes", ""] + ([_md_row(r) for r in others] or ["None."])
        return "\n".join(lines) + "\n"


def _md_row(r: QuestionImpact) -> str:
    details = [f"{label}: {', '.join(items)}" for label, items in
               (("disappeared", r.disappeared), ("text changed", r.changed), ("added", r.added), ("removed", r.removed))
               if items]
    return f"- **{r.question}** — {r.status}" + (f" ({'; '.join(details)})" if details else "")


# ---- saving and loading answers ---------------------------------------------------------------------


def save_answers(path, answers: Sequence[Answer | dict]) -> Path:
    """Write answers (Answer objects or their to_dict()) as one JSON list."""
    records = [a.to_dict() if isinstance(a, Answer) else dict(a) for a in answers]
    path = Path(path)
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


def load_answers(path) -> list[dict]:
    """Answer records saved by `save_answers` (a JSON list of Answer.to_dict())."""
    from assistant.errors import InputError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read saved answers ({error}); give a file written by save_answers", str(path)) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and "question" in r for r in data):
        raise InputError("not a JSON list of answer records with a 'question' field", str(path))
    return data


# ---- comparing --------------------------------------------------------------------------------------


def cited(record: dict) -> dict[str, str]:
    """{cite: passage id} of the passages an answer record cites."""
    return {c["cite"]: c["passage_id"] for c in record.get("citations", [])}


def compare(old: dict | None, new: dict, still_indexed=None) -> QuestionImpact:
    """Impact for one question; `still_indexed(ids) -> set` tells which old passage ids the new index has."""
    if old is None:
        return QuestionImpact(new["question"], "new question", new_answer=new["answer"])
    before, after = cited(old), cited(new)
    row = QuestionImpact(new["question"], "unchanged", old["answer"], new["answer"],
                         added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after)),
                         changed=sorted(c for c in set(before) & set(after) if before[c] != after[c]))
    if still_indexed is not None:
        present = still_indexed(list(before.values()))
        row.disappeared = sorted(c for c, pid in before.items() if pid not in present)
    row.status = _status(old, new, row)
    return row


def _status(old: dict, new: dict, row: QuestionImpact) -> str:
    if row.disappeared:
        return "authority disappeared"
    if row.changed:
        return "authority changed"
    if old.get("refused") != new.get("refused"):
        return "now refused" if new.get("refused") else "now answered"
    if row.added or row.removed:
        return "citations changed"
    return "answer changed" if old["answer"].strip() != new["answer"].strip() else "unchanged"


def impact(questions: Sequence[str | Row], old, new_assistant: Answerer) -> ImpactReport:
    """Re-answer `questions` (strings, or FAQ rows with .question and .filters) with `new_assistant` and
    compare with `old`: saved records (list of dicts), a path to them, or an assistant to ask first."""
    if isinstance(old, (str, Path)):
        old = load_answers(old)
    if not isinstance(old, list):
        old = [_ask(old, q) for q in questions]
    before = {r["question"].strip(): r for r in old}
    check = _index_lookup(new_assistant)
    rows = [compare(before.get(_text(q).strip()), _ask(new_assistant, q), check) for q in questions]
    return ImpactReport(rows)


def _text(question: str | Row) -> str:
    return question.question if isinstance(question, Row) else question


def _ask(assistant: Answerer, question: str | Row) -> dict:
    filters = question.filters if isinstance(question, Row) else None
    return assistant.ask(_text(question), filters=filters).to_dict()


def _index_lookup(assistant: Answerer) -> Callable[[list[str]], set[str]]:
    """ids -> set of those the assistant's index still holds."""
    index = assistant.retriever.index
    return lambda ids: {p.id for p in index.get(ids)}


def write_report(report: ImpactReport, out_md=None, out_json=None) -> None:
    if out_md:
        Path(out_md).write_text(report.to_markdown(), encoding="utf-8")
    if out_json:
        Path(out_json).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


def run_impact(faq_path, before_path, assistant: Answerer, out_md=None, out_json=None) -> ImpactReport:
    """CLI entry: questions from a FAQ file (CSV/XLSX/JSONL/TXT), old answers from `before_path`.

    When `before_path` does not exist yet, the current answers are saved there as the baseline (run this
    before `index update`, and again after it)."""
    from assistant.faq import read_questions

    questions = [row for row in read_questions(faq_path) if not row.error]
    if not Path(before_path).exists():
        save_answers(before_path, [_ask(assistant, q) for q in questions])
    report = impact(questions, load_answers(before_path), assistant)
    write_report(report, out_md, out_json)
    return report
