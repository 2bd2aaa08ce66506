"""The page through streamlit.testing.v1.AppTest on a tiny real index and the scripted generator.

The scripted generator answers with the first sentence of passage [1] followed by the marker [1], so
the expected answer, chip and highlighted span are known from the test corpus (conftest.py).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from assistant.types import Filters
from tests.ui.ui_corpus import INDEX, NEW_RULING

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
QUESTION = "Must the procedure established by law be fair, just and reasonable?"
SENTENCE = "The procedure established by law must be fair, just and reasonable, not arbitrary or oppressive"
CITE = "(1978) 1 SCC 248, para 2"


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions, warnings and errors, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(parts)


def last_answer(at: AppTest):
    return at.session_state["turns"][-1]["answer"]


def test_page_loads_with_status_and_index_picker(ui_home):
    at = run_app()
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="index_name").value == INDEX
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "**Embedder:** hashing" in sidebar
    assert "**Model:** scripted" in sidebar
    assert "**Documents:** 4" in sidebar


def test_ask_streams_answer_with_citation_chip(ui_home):
    at = ask(run_app(), QUESTION)
    answer = last_answer(at)
    assert not answer.refused, answer.reason
    assert SENTENCE in answer.text and "[1]" in answer.text
    assert any(SENTENCE in m.value and "[1]" in m.value for m in at.chat_message[1].markdown)
    chips = at.pills(key="chips-0")
    assert chips.options == [f"[1] {CITE}"]
    assert not at.error


def test_follow_up_keeps_conversation_and_passes_history(ui_home, monkeypatch):
    from assistant.pipeline import Assistant

    seen = []
    original = Assistant.ask

    def spy(self, question, filters=None, history=None, on_token=None):
        seen.append(history)
        return original(self, question, filters=filters, history=history, on_token=on_token)

    monkeypatch.setattr(Assistant, "ask", spy)
    at = ask(run_app(), QUESTION)
    ask(at, "And what about equality before the law?")
    assert len(at.session_state["turns"]) == 2
    assert seen[0] is None
    assert seen[1][0] == {"role": "user", "content": QUESTION}
    assert seen[1][1]["role"] == "assistant" and SENTENCE in seen[1][1]["content"]
    assert len(at.chat_message) == 4  # both questions and both answers are on the page


def test_chip_opens_source_panel_with_highlighted_span(ui_home):
    at = ask(run_app(), QUESTION)
    citation = last_answer(at).citations[0]
    assert "<mark>" not in texts(at)  # no panel until a chip is selected
    at.pills(key="chips-0").set_value(1).run()
    assert not at.exception
    page = texts(at)
    assert f"<mark>{SENTENCE}" in page
    assert f"Pinpoint: `{citation.cite}`" in page
    assert citation.cite == CITE
    assert "**Maneka Gandhi v. Union of India**" in page
    assert "case · IN · 1978-01-25 · in-force status unknown" in page
    # neighbouring text: the paragraphs before and after in the same judgment
    captions = [c.value for c in at.caption]
    assert any("para 1" in c and "passport was impounded" in c for c in captions)
    assert any("para 3" in c and "travel abroad" in c for c in captions)


def test_jurisdiction_filter_is_passed_to_retrieval(ui_home, monkeypatch):
    from assistant.retrieve import Retriever

    seen = []
    original = Retriever.search

    def spy(self, query, k=None, filters=None, **kw):
        seen.append((k, filters))
        return original(self, query, k=k, filters=filters, **kw)

    monkeypatch.setattr(Retriever, "search", spy)
    at = run_app()
    at.multiselect(key="f_jurisdiction").set_value(["IN"])
    at.multiselect(key="f_kind").set_value(["case"])
    at.date_input(key="f_from").set_value(date(1970, 1, 1))
    at.slider(key="k").set_value(3)
    ask(at, QUESTION)
    k, filters = seen[-1]
    assert k == 3
    assert filters == Filters(jurisdiction=("IN",), kind=("case",), date_from="1970-01-01")
    hits = last_answer(at).hits
    assert hits and all(h.passage.jurisdiction == "IN" and h.passage.kind == "case" for h in hits)
    at.checkbox(key="f_in_force").check()
    at.text_input(key="f_title").set_value("Maneka")
    ask(at, QUESTION)
    assert seen[-1][1].in_force is True and seen[-1][1].title == "Maneka"


def test_filter_excluding_everything_gives_refusal_with_reason(ui_home):
    at = run_app()
    at.multiselect(key="f_jurisdiction").set_value(["KR"])
    ask(at, QUESTION)
    answer = last_answer(at)
    assert answer.refused and not answer.hits
    assert any("No answer given" in w.value and answer.reason in w.value for w in at.warning)
    assert not at.pills  # a refusal has no chips
    assert not at.error


def test_refusal_shows_closest_passages(ui_home, monkeypatch):
    at = run_app()
    at.text_input(key="f_title").set_value("Civil Code")
    ask(at, "What is the speed limit for lorries on motorways?")
    answer = last_answer(at)
    assert answer.refused, answer.text
    assert answer.reason and any(answer.reason in w.value for w in at.warning)
    assert answer.hits, "a low-similarity refusal still has the closest passages"
    labels = [e.label for e in at.expander]
    assert all(any(h.passage.cite in label for label in labels) for h in answer.hits[:3])
    assert all(h.passage.title.startswith("Civil Code") for h in answer.hits)


def test_library_error_is_a_message_not_a_traceback(ui_home, monkeypatch):
    monkeypatch.setenv("LEGAL_ASSISTANT_MODEL", "no-such-model")
    at = run_app()
    assert any("Unknown model" in e.value for e in at.error), [e.value for e in at.error]
    assert at.chat_input(key="question").disabled  # nothing to ask until a usable model is chosen
    at.selectbox(key="model_name").set_value("scripted").run()
    assert not at.error and not at.chat_input(key="question").disabled


def test_error_while_answering_is_a_message(ui_home, monkeypatch):
    from assistant.errors import GenerationError
    from assistant.generate.scripted import ScriptedGenerator

    def broken(self, messages, max_new_tokens):
        raise GenerationError("the model server at http://127.0.0.1:8080 did not answer; start it or pick another model")
        yield  # pragma: no cover

    monkeypatch.setattr(ScriptedGenerator, "stream", broken)
    at = ask(run_app(), QUESTION)
    assert [e.value for e in at.error] == [
        "the model server at http://127.0.0.1:8080 did not answer; start it or pick another model"]
    assert not at.session_state["turns"]


def test_missing_index_home_says_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("LEGAL_ASSISTANT_HOME", str(tmp_path / "nothing"))
    at = run_app()
    assert any("legal-assistant index build" in e.value for e in at.error)


def test_export_conversation_markdown(ui_home):
    from ui.export import conversation_markdown

    at = ask(run_app(), QUESTION)
    assert at.download_button(key="export").label == "Export conversation (Markdown)"
    answer = last_answer(at)
    text = conversation_markdown(at.session_state["turns"], INDEX)
    assert f"## 1. {QUESTION}" in text
    assert f"- [1] {answer.citations[0].cite}" in text and SENTENCE in text


def test_upload_through_page_updates_index_and_status(ui_home):
    at = run_app()
    assert "**Documents:** 4" in "\n".join(m.value for m in at.sidebar.markdown)
    at.file_uploader(key="uploads").set_value([("puttaswamy.md", NEW_RULING.encode(), "text/markdown"),
                                               ("../../empty.txt", b"", "text/plain")]).run()
    at.button(key="add_to_index").click().run()
    assert not at.exception, at.exception
    assert any("updated" in s.value for s in at.success), texts(at)
    assert any("empty.txt" in e.value and "empty" in e.value for e in at.error), texts(at)
    assert "**Documents:** 5" in "\n".join(m.value for m in at.sidebar.markdown)
    ask(at, "Is privacy a constitutionally protected right?")
    answer = last_answer(at)
    assert any("Puttaswamy" in h.passage.title for h in answer.hits)


def test_batch_tab_answers_an_uploaded_faq_and_offers_the_file(ui_home):
    at = run_app()
    faq = f"question\n{QUESTION}\nWhat is the speed limit for lorries on motorways?\n".encode()
    at.file_uploader(key="faq_file").set_value(("../faq.csv", faq, "text/csv")).run()
    at.button(key="faq_run").click().run()
    assert not at.exception and not at.error, texts(at)
    assert any("1 answered, 1 refused" in s.value for s in at.success), texts(at)
    download = at.download_button(key="faq_download")
    assert download.label == "Download faq-answered.csv"
    summary, name, data = at.session_state["faq_result"]
    assert name == "faq-answered.csv" and SENTENCE in data.decode() and CITE in data.decode()


def test_named_provision_missing_from_the_index_is_a_warning(ui_home):
    at = ask(run_app(), "Does Article 999 of the Constitution of India protect personal liberty?")
    assert "not in this index: Article 999 of the Constitution of India" in last_answer(at).notice
    assert any("not in this index: Article 999" in w.value for w in at.warning)
