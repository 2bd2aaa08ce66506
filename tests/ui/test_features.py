"""Issue #10 on the page: as-of date, sentence support flags, citation-graph signals, update impact.

Same tiny index and scripted generator as test_app.py; the scripted reply is replaced where a test
needs an unsupported sentence.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from assistant.types import Answer, Hit, Passage
from assistant.verify import FLAG
from tests.ui.test_app import QUESTION, SENTENCE, ask, last_answer, run_app, texts
from tests.ui.ui_corpus import INDEX, NEW_RULING
from ui import grounding, impact, signals

PRIVACY = "Is privacy a constitutionally protected right?"
MOON = "The moon is made of green cheese and income tax is optional [1]."


def used_assistants(monkeypatch) -> list:
    from assistant.pipeline import Assistant

    seen, original = [], Assistant.ask

    def spy(self, question, **kw):
        seen.append(self)
        return original(self, question, **kw)

    monkeypatch.setattr(Assistant, "ask", spy)
    return seen


def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


# ---- as-of date ------------------------------------------------------------------------------------


def test_as_of_date_uses_an_as_of_retriever_and_shows_the_versions(ui_home, monkeypatch):
    from assistant.asof import AsOfIndex

    seen = used_assistants(monkeypatch)
    at = run_app()
    at.date_input(key="f_as_of").set_value(date(1960, 1, 1))
    ask(at, "What does Article 21 say about deprivation of life or personal liberty?")  # the 1950 text answers it
    index = seen[-1].retriever.index
    assert isinstance(index, AsOfIndex) and index.date == "1960-01-01"
    answer = last_answer(at)
    assert not answer.refused, answer.reason
    assert answer.hits and all(h.passage.date <= "1960-01-01" for h in answer.hits)  # no 1978 ruling, no 2020 code
    note = next(c.value for c in at.caption if c.value.startswith("Versions used (as of 1960-01-01):"))
    assert "- Constitution of India: in force from 1950-01-26" in note
    assert "Old Rent Control Act" in note and "repeal date unknown" in note  # flagged, not silently used
    assert "Law as of 1960-01-01" in texts(at)

    at.date_input(key="f_as_of").set_value(None)
    ask(at, QUESTION)
    assert not isinstance(seen[-1].retriever.index, AsOfIndex)
    assert at.session_state["turns"][-1]["versions"] == ""
    assert any(SENTENCE in h.passage.text for h in last_answer(at).hits)  # the 1978 ruling is back
    assert sum(c.value.startswith("Versions used") for c in at.caption) == 1  # only the as-of turn has one


def test_versions_note_flags_undated_documents(tmp_path):
    dated = Passage(id="a", doc_id="d1", text="x", cite="Act, s. 1", path=("Act", "s. 1"), kind="statute",
                    jurisdiction="IN", language="en", title="Act", date="1990-01-01")
    undated = Passage(id="b", doc_id="d2", text="y", cite="Note", path=(), kind="other", jurisdiction="IN",
                      language="en", title="Loose note")
    answer = Answer("q", "x [1].", [], [Hit(dated, 1.0), Hit(undated, 0.5)])
    note = signals.versions_note(answer, "2000-01-01", tmp_path)  # no validity.json: passage dates only
    assert note.splitlines()[0] == "Versions used (as of 2000-01-01):"
    assert "- Act: in force from 1990-01-01" in note
    assert "- Loose note: undated" in note and "could not check" in note
    assert signals.versions_note(answer, None, tmp_path) == ""


# ---- sentence support ------------------------------------------------------------------------------


@pytest.fixture
def one_unsupported(monkeypatch):
    from assistant.generate.scripted import ScriptedGenerator, quote_first_passage

    def stream(self, messages, max_new_tokens):
        yield from re.findall(r"\S+\s*", f"{quote_first_passage(messages)} {MOON}")

    monkeypatch.setattr(ScriptedGenerator, "stream", stream)


def test_an_unsupported_sentence_is_not_served(ui_home, one_unsupported):
    at = ask(run_app(), QUESTION)
    answer = last_answer(at)
    assert "moon" not in answer.text and SENTENCE in answer.text and FLAG not in answer.text
    assert "1 sentence(s) not served (no anchor: 1)" in answer.reason
    assert badges(at) == [":green-badge[:material/check_circle: Groundedness 1.00]"]
    assert not [m.value for m in at.markdown if 'class="unsupported"' in m.value]


def test_debug_view_flags_the_unsupported_sentence_with_a_badge(ui_home, one_unsupported, monkeypatch):
    monkeypatch.setenv("LEGAL_ASSISTANT_SUPPORT_CHECK", "flag")
    at = ask(run_app(), QUESTION)
    answer = last_answer(at)
    assert FLAG in answer.text and "groundedness 0.50" in answer.reason
    for _ in range(2):  # as streamed, and again when the conversation is redrawn
        styled = [m.value for m in at.markdown if 'class="unsupported"' in m.value]
        assert len(styled) == 1, [m.value for m in at.markdown]
        flagged = styled[0].split('class="unsupported"', 1)[1]
        assert "line-through" in flagged and "⚠️ The moon is made of green cheese" in flagged
        assert SENTENCE not in flagged and SENTENCE in styled[0]  # the supported sentence stays plain
        assert FLAG not in styled[0]
        assert badges(at) == [":orange-badge[:material/warning: Groundedness 0.50]"]
        assert grounding.LEGEND in texts(at)
        assert "1 sentence(s) not served (no anchor: 1)" in texts(at)
        at.run()


def test_supported_answer_has_green_badge_and_no_flags(ui_home):
    at = ask(run_app(), QUESTION)
    assert "groundedness 1.00" in last_answer(at).reason
    assert badges(at) == [":green-badge[:material/check_circle: Groundedness 1.00]"]
    assert not [m.value for m in at.markdown if "unsupported" in m.value]
    assert grounding.LEGEND not in texts(at)


def test_flagged_markdown_is_defused_and_escaped():
    text = f"Fine <b>bold</b> [1]. First claim. Bad <script>x</script> claim [2]. {FLAG} Tail [1]."
    body, styled = grounding.answer_markdown(text)
    assert styled and "<script>" not in body and "<b>" not in body
    assert '⚠️ Bad &lt;script&gt;x&lt;/script&gt; claim [2].</span>' in body
    assert body.startswith("Fine &lt;b>bold&lt;/b> [1]. First claim. <span") and body.endswith(" Tail [1].")
    assert grounding.answer_markdown("Plain [1].") == ("Plain [1].", False)
    assert grounding.groundedness("x; groundedness 0.67; 1 unsupported") == 0.67
    assert grounding.other_notes("groundedness 0.67; 1 unsupported sentence(s) flagged") == \
        "1 unsupported sentence(s) flagged"


# ---- citation graph --------------------------------------------------------------------------------


def open_maneka_source(at):
    ask(at, QUESTION)
    at.pills(key="chips-0").set_value(1).run()
    assert not at.exception and not at.error


def republish(ui_home, monkeypatch, signal_files) -> None:
    """Publish a new version of the page's index (an update with nothing new) carrying the citation graph and
    validity table `signal_files(docs)` gives: they live inside the version, checksummed with it."""
    import assistant.ingest
    from assistant.settings import Settings

    monkeypatch.setattr(assistant.ingest, "signal_files", signal_files)
    assistant.ingest.ingest([], Settings(home=ui_home, embedder="hashing"), name=INDEX, update=True)


def test_graph_signal_beside_the_source(ui_home, monkeypatch):
    from assistant.graph import FILE, CitationGraph
    from assistant.ingest import signal_files

    def cited_later(docs):
        files = signal_files(docs)
        graph = CitationGraph.from_dict(json.loads(files[FILE]))
        graph.nodes["later.md"] = {"type": "document", "kind": "case", "title": "Later v. State", "date": "2017-08-24"}
        graph.nodes["older.md"] = {"type": "document", "kind": "case", "title": "Older v. State", "date": "1970-01-01"}
        graph.edges += [("later.md", "maneka.md", "text"), ("older.md", "maneka.md", "text")]
        return {**files, FILE: graph.to_json()}

    republish(ui_home, monkeypatch, cited_later)
    at = run_app()
    open_maneka_source(at)
    assert "🔗 Citation graph: cited by 1 later ruling" in [c.value for c in at.caption]


def test_graph_note_combines_provision_and_document_flags():
    from assistant.graph import CitationGraph

    graph = CitationGraph(nodes={"act": {"kind": "statute", "title": "Act", "repealed": True},
                                 "Act, s. 1": {"kind": "statute", "title": "Act, s. 1", "amended_by": ["amend"]},
                                 "amend": {"kind": "statute", "title": "Amending Act"},
                                 "r1": {"kind": "case", "date": "2001"}},
                          edges=[("r1", "Act, s. 1", "text"), ("r1", "act", "text")])
    p = Passage(id="x", doc_id="act", text="t", cite="Act, s. 1", path=(), kind="statute", jurisdiction="IN",
                language="en", title="Act")
    assert signals.graph_note(graph, p) == "cited by 1 ruling; amended by Amending Act; repealed"
    assert signals.graph_note(None, p) == ""


def test_no_graph_file_means_no_signal_and_no_error(ui_home, monkeypatch):
    from assistant.graph import FILE
    from assistant.index import versions
    from assistant.ingest import signal_files

    republish(ui_home, monkeypatch, lambda docs: {n: t for n, t in signal_files(docs).items() if n != FILE})
    assert not (versions.current(ui_home / INDEX) / FILE).exists()
    at = run_app()
    open_maneka_source(at)
    assert not any("Citation graph" in c.value for c in at.caption)


# ---- update impact ---------------------------------------------------------------------------------


def upload_ruling(at, **options):
    at.file_uploader(key="uploads").set_value([("puttaswamy.md", NEW_RULING.encode(), "text/markdown")]).run()
    for key, value in options.items():
        getattr(at, "checkbox" if key == "impact_session" else "file_uploader")(key=key).set_value(value).run()
    at.button(key="add_to_index").click().run()
    assert not at.exception, at.exception
    assert any("updated" in s.value for s in at.success), texts(at)


def test_impact_report_after_update_with_session_questions(ui_home):
    at = ask(run_app(), PRIVACY)
    before = last_answer(at)
    assert not any("Puttaswamy" in h.passage.title for h in before.hits)
    upload_ruling(at, impact_session=True)
    report = at.session_state["impact"]
    data = json.loads(report["json"])
    assert data["counts"] and len(data["questions"]) == 1
    row = data["questions"][0]
    assert row["question"] == PRIVACY and row["old_answer"] == before.text  # taken before the update
    assert row["status"] != "unchanged" and any(c.startswith("(2017) 10 SCC 1") for c in row["added"]), row
    page = texts(at)
    assert "# Update impact report" in page and "1 questions re-answered" in page
    assert at.download_button(key="impact_md").label == "Download report (Markdown)"
    assert at.download_button(key="impact_json").label == "Download report (JSON)"
    assert any("Update impact: 1 question(s) re-answered" in i.value for i in at.info)


def test_no_report_unless_questions_are_given(ui_home):
    at = ask(run_app(), PRIVACY)
    upload_ruling(at)
    assert "impact" not in at.session_state
    assert "Update impact report" not in texts(at)


def test_impact_from_an_uploaded_question_file(ui_home):
    faq = f"question\n{QUESTION}\n{PRIVACY}\n{QUESTION}\n".encode()
    at = run_app()
    upload_ruling(at, impact_faq=("../saved.csv", faq, "text/csv"))
    data = json.loads(at.session_state["impact"]["json"])
    assert [q["question"] for q in data["questions"]] == [QUESTION, PRIVACY]  # duplicates asked once
    by_question = {q["question"]: q["status"] for q in data["questions"]}
    assert by_question[QUESTION] == "unchanged" and by_question[PRIVACY] != "unchanged"


def test_pick_keeps_distinct_questions_up_to_the_limit():
    from assistant.faq.inputs import Row

    rows = [Row(n, f"question {n % 23}") for n in range(30)]
    kept, left_out = impact.pick(rows)
    assert len(kept) == impact.MAX_QUESTIONS == 20 and left_out == 3
    assert [r.question for r in kept] == [f"question {n}" for n in range(20)]
