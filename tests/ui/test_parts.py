"""Pure helpers of the page: span highlighting, status rows, output names, the Markdown export."""
from __future__ import annotations

from datetime import datetime

from assistant.settings import Settings
from assistant.types import Answer, Citation, Filters, Hit, Passage
from tests.conftest import make_manifest
from ui.batch import output_name
from ui.export import conversation_markdown
from ui.sidebar import status_rows
from ui.sources import find_span, highlight_html, one_line


def test_highlight_marks_the_quote_and_escapes_html():
    text = "Art. 5\nA <b>bold</b> claim:  the   Court may\nreview & decide."
    html = highlight_html(text, "the court may review")
    assert "<mark>the   Court may<br>review</mark>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp; decide" in html and "<b>" not in html
    assert "\n" not in html  # one line: markdown never parses the passage


def test_quote_not_found_leaves_text_unmarked():
    assert find_span("some text", "absent words") is None
    assert "<mark>" not in highlight_html("some text", "absent words")
    assert find_span("abc", "") is None


def test_context_captions_lose_the_indentation_markdown_reads_as_code():
    text = "… Art. 19: (6) nothing shall affect\n\n        (i) the professional qualifications"
    assert one_line(text) == "… Art. 19: (6) nothing shall affect (i) the professional qualifications"


def test_status_rows_from_manifest():
    rows = status_rows(make_manifest(documents=3, count=7, embedder="minilm", built_at="2026-01-02T03:04:05+00:00"),
                       Settings(model="qwen-0.5b", adapter="none"))
    assert rows == {"Documents": "3", "Passages": "7", "Embedder": "minilm", "Model": "qwen-0.5b",
                    "Adapter": "none", "Query adapter": "none", "Last update": "2026-01-02 03:04:05"}
    unreadable = status_rows(None, Settings(model="qwen-0.5b", adapter="none"))
    assert unreadable == {**rows, "Documents": "—", "Passages": "—", "Embedder": "—", "Query adapter": "—",
                          "Last update": "—"}
    chinese = make_manifest(embedder="e5", language="zh", sources=["prc"])
    assert status_rows(chinese, Settings())["Query adapter"] == "e5-lecoqa-query"
    taiwan = make_manifest(embedder="e5", language="zh", sources=["taiwan"])
    assert status_rows(taiwan, Settings())["Query adapter"] == "none"  # out of scope
    assert status_rows(chinese, Settings(query_adapter="none"))["Query adapter"] == "none"
    assert status_rows(chinese, Settings(query_adapter="/nowhere"))["Query adapter"].startswith("cannot load")


def test_output_name_is_safe_and_writable():
    assert output_name("../x/faq.xlsx") == "faq-answered.xlsx"
    assert output_name("questions.txt") == "questions-answered.csv"
    assert output_name("q.tsv") == "q-answered.csv"


def test_export_lists_citations_quotes_filters_and_refusals():
    p = Passage(id="p1", doc_id="d", text="No person shall be deprived.", cite="Constitution of India, Art. 21",
                path=(), kind="statute", jurisdiction="IN", language="en", title="Constitution of India")
    good = Answer("Q1?", "No one may be deprived [1].", [Citation(1, "p1", p.cite, "No person shall be deprived.")],
                  [Hit(p, 1.0)])
    refused = Answer("Q2?", "The sources do not answer.", [], [Hit(p, 0.1)], refused=True, reason="low similarity")
    text = conversation_markdown([{"question": "Q1?", "answer": good, "filters": Filters(jurisdiction=("IN", "EU"), in_force=True)},
                                  {"question": "Q2?", "answer": refused, "filters": Filters()}],
                                 "india", now=datetime(2026, 1, 2, 3, 4))
    assert text.startswith("# Legal research conversation\n\nIndex: india · exported 2026-01-02T03:04\n")
    assert "## 1. Q1?\n\n*Filters: jurisdiction IN/EU, in_force True*\n\nNo one may be deprived [1]." in text
    assert "- [1] Constitution of India, Art. 21 — “No person shall be deprived.”" in text
    assert "> Not answered: low similarity" in text and "- Closest: Constitution of India, Art. 21" in text
