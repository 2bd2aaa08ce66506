"""End to end: `streamlit run ui/app.py` on a free port, driven by headless Chromium over the DevTools protocol.

Types a question, waits for the streamed answer and its citation chip, opens the source panel, checks
the highlighted span, and saves a screenshot: to a temporary folder, or to the path in
LEGAL_ASSISTANT_SCREENSHOT. README's picture comes from the real model instead (`make screenshot`). Skipped when
Chromium is not installed (`bash scripts/setup.sh --browser`). The browser helpers live in scripts/devtools.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts.devtools import (
    answer_text,
    ask,
    chromium,
    first_chip,
    headless_chromium,
    open_first_source,
    screenshot,
    streamlit_page,
    wait_for,
)
from tests.ui.ui_corpus import INDEX, build

pytestmark = pytest.mark.integration

SCREENSHOT_ENV = "LEGAL_ASSISTANT_SCREENSHOT"  # `make test` leaves docs/ alone unless this names a path
QUESTION = "Must the procedure established by law be fair, just and reasonable?"
SENTENCE = "The procedure established by law must be fair, just and reasonable"
CITE = "(1978) 1 SCC 248, para 2"


@pytest.fixture
def server(tmp_path):
    """The page on a free localhost port over a tiny index and the scripted generator."""
    home = build(tmp_path / "home", tmp_path / "corpus")
    env = {**os.environ, "LEGAL_ASSISTANT_HOME": str(home), "LEGAL_ASSISTANT_INDEX": INDEX,
           "LEGAL_ASSISTANT_MODEL": "scripted"}
    with streamlit_page(env, tmp_path) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    binary = chromium()
    if binary is None:
        pytest.skip("Chromium is not installed; run `bash scripts/setup.sh --browser` to enable this test")
    with headless_chromium(binary, tmp_path / "chromium-profile") as devtools:
        yield devtools


def test_ask_in_browser_shows_cited_answer_and_source(server, browser, tmp_path):
    ask(browser, server, QUESTION)
    answer = wait_for(lambda: (t := answer_text(browser)) and SENTENCE in t and t, 90, "the streamed answer")
    assert "[1]" in answer
    chip = wait_for(lambda: first_chip(browser), 30, "the citation chip")
    assert chip == f"[1] {CITE}", chip

    marked, panel = open_first_source(browser)
    assert marked.startswith(SENTENCE)
    assert "Maneka Gandhi v. Union of India" in panel and "Pinpoint" in panel and CITE in panel
    assert browser.js("document.body.innerText.includes('Traceback')") is False

    target = screenshot(browser, Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "screenshot.png"))
    assert target.stat().st_size > 10_000
