"""Update impact: save answers, update the index, re-answer and list changed or vanished authorities."""
import json

import pytest

from assistant.errors import InputError
from assistant.generate.scripted import ScriptedGenerator
from assistant.impact import ImpactReport, compare, impact, load_answers, run_impact, save_answers
from assistant.pipeline import Assistant
from assistant.settings import Settings

QUESTIONS = ["What does Article 21 protect about personal liberty?", "What equality does Article 14 give?"]


def reply(messages):
    """Quote passage [1]'s first sentence, citing it (an extractive answer)."""
    body = messages[-1]["content"].split("\n", 2)[2]
    return body.split(".")[0] + " [1]."


@pytest.fixture
def assistant(tmp_index):
    settings = Settings(home=tmp_index.parent, index=tmp_index.name, embedder="hashing", k=2, min_dense_score=0.0,
                        audit_log=False)
    return Assistant(settings, generator=ScriptedGenerator(reply))


def test_save_and_load_answers(tmp_path, assistant):
    path = save_answers(tmp_path / "before.json", [assistant.ask(q) for q in QUESTIONS])
    records = load_answers(path)
    assert [r["question"] for r in records] == QUESTIONS and records[0]["citations"]
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError):
        load_answers(tmp_path / "bad.json")


def test_unchanged_index_reports_nothing_changed(assistant):
    before = [assistant.ask(q).to_dict() for q in QUESTIONS]
    report = impact(QUESTIONS, before, assistant)
    assert [r.status for r in report.rows] == ["unchanged", "unchanged"] and report.affected == []


def test_changed_and_disappeared_authorities(tmp_path, tmp_index, tiny_passages, hashing_embedder, assistant):
    from dataclasses import replace

    from assistant.index import update_index

    before = save_answers(tmp_path / "before.json", [assistant.ask(q) for q in QUESTIONS])
    art21 = next(p for p in tiny_passages if p.cite.endswith("Art. 21"))
    amended = replace(art21, id="art21-v2", text=art21.text + " Personal liberty includes privacy.")
    art14 = next(p for p in tiny_passages if p.cite.endswith("Art. 14"))
    kept = [p for p in tiny_passages if p.id not in (art21.id, art14.id)] + [amended]
    update_index(tmp_index, kept, hashing_embedder)
    fresh = Assistant(assistant.settings, generator=ScriptedGenerator(reply))
    report = run_impact_file(tmp_path, before, fresh)
    by_question = {r.question: r for r in report.rows}
    assert by_question[QUESTIONS[0]].status == "authority disappeared"  # old Art. 21 passage is gone
    assert "Constitution of India, Art. 21" in by_question[QUESTIONS[0]].disappeared
    assert by_question[QUESTIONS[1]].status == "authority disappeared"
    md = (tmp_path / "impact.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "impact.json").read_text(encoding="utf-8"))
    assert "## Cited authority changed or disappeared" in md and QUESTIONS[0] in md
    assert data["counts"] == {"authority disappeared": 2}


def run_impact_file(tmp_path, before, assistant) -> ImpactReport:
    faq = tmp_path / "faq.txt"
    faq.write_text("\n".join(QUESTIONS) + "\n", encoding="utf-8")
    return run_impact(faq, before, assistant, tmp_path / "impact.md", tmp_path / "impact.json")


def record(question, cites, answer="a", refused=False):
    return {"question": question, "answer": answer, "refused": refused,
            "citations": [{"cite": c, "passage_id": pid} for c, pid in cites]}


def test_compare_statuses():
    old = record("q", [("Art. 21", "p1")])
    assert compare(old, record("q", [("Art. 21", "p2")])).status == "authority changed"
    assert compare(old, record("q", [("Art. 14", "p3")])).status == "citations changed"
    assert compare(old, record("q", [], refused=True)).status == "now refused"
    assert compare(old, record("q", [("Art. 21", "p1")], answer="b")).status == "answer changed"
    assert compare(None, record("q", [])).status == "new question"
    gone = compare(old, record("q", [("Art. 21", "p1")]), still_indexed=lambda ids: set())
    assert gone.status == "authority disappeared" and gone.disappeared == ["Art. 21"]
