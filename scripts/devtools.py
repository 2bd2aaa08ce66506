"""The page in a real browser: `streamlit run ui/app.py` on a free port, driven by headless Chromium over the
DevTools protocol. Shared by tests/ui/test_browser.py and scripts/screenshot.py (README's picture).

The websocket client is `websockets`, a dependency of streamlit; Chromium comes from
`bash scripts/setup.sh --browser` (or $CHROMIUM).
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--window-size=1400,1000", "about:blank"]

CHAT_BOX = 'document.querySelector(\'[data-testid="stChatInputTextArea"]\')'
ANSWER = ('(() => { const m = [...document.querySelectorAll(\'[data-testid="stChatMessage"]\')];'
          ' return m.length >= 2 ? m[m.length - 1].innerText : ""; })()')
CHIPS = '[...document.querySelectorAll("button")].filter(b => b.innerText.trim().startsWith("[1]"))'
CURSOR = "▌"  # ui/chat.py's drafting cursor: gone once the verified answer is shown


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
    """The few Chrome DevTools Protocol calls the page needs, over one page's websocket."""

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


@contextmanager
def streamlit_page(env: dict[str, str], workdir: Path) -> Iterator[str]:
    """The page on a free localhost port with `env`, run from `workdir` (its log: workdir/streamlit.log); yields its URL."""
    port = free_port()
    log_path = Path(workdir) / "streamlit.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--global.developmentMode", "false",
         "--client.toolbarMode", "viewer"],
        cwd=workdir, env={**env, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: process.poll() is not None or http_ok(f"http://127.0.0.1:{port}/_stcore/health"),
                 90, "the streamlit server")
        assert process.poll() is None, log_path.read_text()
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)
        log.close()


@contextmanager
def headless_chromium(binary: str, profile: Path) -> Iterator[DevTools]:
    """Chromium with a fresh profile folder and a 1400x1000 viewport; yields its page's DevTools connection."""
    process = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    devtools = None
    try:
        active = Path(profile) / "DevToolsActivePort"
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


def ask(browser: DevTools, url: str, question: str, timeout: float = 90) -> None:
    """Open the page, wait for its chat box (enabled once the model and index are loaded), type and send."""
    browser.call("Page.navigate", url=url)
    wait_for(lambda: browser.js(f"!!{CHAT_BOX} && !{CHAT_BOX}.disabled"), timeout, "the chat box")
    browser.js(f"{CHAT_BOX}.focus()")
    browser.call("Input.insertText", text=question)
    wait_for(lambda: browser.js(f"{CHAT_BOX}.value") == question, 10, "the typed question")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                     **({"text": "\r"} if kind == "keyDown" else {}))


def answer_text(browser: DevTools) -> str:
    """The last chat message's text once it is an answer (not the drafting progress); else ''."""
    text = browser.js(ANSWER) or ""
    return "" if CURSOR in text or "Searching the sources" in text else text


def first_chip(browser: DevTools) -> str:
    """The label of the answer's [1] citation chip, or '' while there is none."""
    return browser.js(f"{CHIPS}.map(b => b.innerText.trim())[0] || ''")


def open_first_source(browser: DevTools, timeout: float = 30) -> tuple[str, str]:
    """Click the [1] chip; returns the highlighted span and the source panel's text."""
    browser.js(f"{CHIPS}[0].click()")
    marked = wait_for(lambda: browser.js("document.querySelector('mark')?.innerText || ''"), timeout,
                      "the highlighted span in the source panel")
    panel = browser.js("document.querySelector('mark').closest('[data-testid=\"stVerticalBlock\"]').innerText")
    return marked, panel


def screenshot(browser: DevTools, target: Path) -> Path:
    """Save the viewport as PNG at `target` (its folder made if need be)."""
    time.sleep(0.5)  # let the panel finish painting
    shot = browser.call("Page.captureScreenshot", format="png")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    return target
