"""End to end: `streamlit run ui/app.py` on a free port, driven by headless Chromium over the DevTools protocol.

Types a question, waits for the streamed answer and its citation chip, opens the source panel, checks
the highlighted span, and saves a screenshot: to a temporary folder, or to the path in
LEGAL_ASSISTANT_SCREENSHOT (e.g. docs/screenshot.png, to refresh README's picture). Skipped when Chromium is not installed
(`bash scripts/setup.sh --browser`). The websocket client is `websockets`, a dependency of streamlit.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ui.ui_corpus import INDEX, build

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_ENV = "LEGAL_ASSISTANT_SCREENSHOT"  # `make test` leaves docs/ alone unless this names a path
QUESTION = "Must the procedure established by law be fair, just and reasonable?"
SENTENCE = "The procedure established by law must be fair, just and reasonable"
CITE = "(1978) 1 SCC 248, para 2"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--window-size=1400,1000", "about:blank"]


def chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


class DevTools:
    """The few Chrome DevTools Protocol calls the test needs, over one page's websocket."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=10)
        self.ids = itertools.count(1)

    def call(self, method: str, **params) -> dict:
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:  # skip events until our reply arrives
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    """The page on a free localhost port over a tiny index and the scripted generator."""
    home = build(tmp_path / "home", tmp_path / "corpus")
    port = free_port()
    env = {**os.environ, "LEGAL_ASSISTANT_HOME": str(home), "LEGAL_ASSISTANT_INDEX": INDEX,
           "LEGAL_ASSISTANT_MODEL": "scripted", "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "streamlit.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--global.developmentMode", "false",
         "--client.toolbarMode", "viewer"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: process.poll() is not None or http_ok(f"http://127.0.0.1:{port}/_stcore/health"),
                 90, "the streamlit server")
        assert process.poll() is None, (tmp_path / "streamlit.log").read_text()
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)
        log.close()


@pytest.fixture
def browser(tmp_path):
    binary = chromium()
    if binary is None:
        pytest.skip("Chromium is not installed; run `bash scripts/setup.sh --browser` to enable this test")
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    devtools = None
    try:
        active = profile / "DevToolsActivePort"
        wait_for(lambda: active.exists() and active.read_text().strip(), 60, "Chromium's DevTools port")
        port = active.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t.get("type") == "page")
        devtools = DevTools(page["webSocketDebuggerUrl"])
        devtools.call("Page.enable")
        devtools.call("Runtime.enable")
        devtools.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1,
                      mobile=False)
        yield devtools
    finally:
        if devtools is not None:
            devtools.close()
        stop(process)


CHAT_BOX = 'document.querySelector(\'[data-testid="stChatInputTextArea"]\')'
ANSWER = ('(() => { const m = [...document.querySelectorAll(\'[data-testid="stChatMessage"]\')];'
          ' return m.length >= 2 ? m[m.length - 1].innerText : ""; })()')
CHIPS = '[...document.querySelectorAll("button")].filter(b => b.innerText.trim().startsWith("[1]"))'


def test_ask_in_browser_shows_cited_answer_and_source(server, browser, tmp_path):
    browser.call("Page.navigate", url=server)
    wait_for(lambda: browser.js(f"!!{CHAT_BOX} && !{CHAT_BOX}.disabled"), 90, "the chat box")
    browser.js(f"{CHAT_BOX}.focus()")
    browser.call("Input.insertText", text=QUESTION)
    wait_for(lambda: browser.js(f"{CHAT_BOX}.value") == QUESTION, 10, "the typed question")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                     **({"text": "\r"} if kind == "keyDown" else {}))

    answer = wait_for(lambda: (t := browser.js(ANSWER)) and SENTENCE in t and "▌" not in t and t, 90,
                      "the streamed answer")
    assert "[1]" in answer
    chip = wait_for(lambda: browser.js(f"{CHIPS}.map(b => b.innerText.trim())[0] || ''"), 30, "the citation chip")
    assert chip == f"[1] {CITE}", chip

    browser.js(f"{CHIPS}[0].click()")
    marked = wait_for(lambda: browser.js("document.querySelector('mark')?.innerText || ''"), 30,
                      "the highlighted span in the source panel")
    assert marked.startswith(SENTENCE)
    panel = browser.js("document.querySelector('mark').closest('[data-testid=\"stVerticalBlock\"]').innerText")
    assert "Maneka Gandhi v. Union of India" in panel and "Pinpoint" in panel and CITE in panel
    assert browser.js("document.body.innerText.includes('Traceback')") is False

    time.sleep(0.5)  # let the panel finish painting
    shot = browser.call("Page.captureScreenshot", format="png")
    target = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "screenshot.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    assert target.stat().st_size > 10_000
