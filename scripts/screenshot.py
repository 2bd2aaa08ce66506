"""README's picture: the real default model answering over the real India pack, in the page, in headless Chromium.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--question "..."]    (or `make screenshot`)

Runs the page with the default settings (any LEGAL_ASSISTANT_* variable is cleared first) over the index
`make demo` builds (index/india in a source checkout), asks one question, waits for the verified answer and
its [1] citation chip, opens that source and saves the page as PNG: 1400 pixels wide, tall enough to show
the highlighted span. Needs Chromium (`bash scripts/setup.sh --browser`). Like every question asked in the
page, this one is appended to <home>/audit.jsonl (git-ignored under index/).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file, this script's folder is on the path, not the repository root
    sys.path.insert(0, str(ROOT))

from scripts import devtools  # noqa: E402

QUESTION = "Can a person accused of an offence be compelled to be a witness against himself?"
WIDTH, MAX_HEIGHT = 1400, 2000


def fit_to(browser, selector: str, margin: int = 48) -> None:
    """Make the viewport tall enough to show the page from its top down to the element `selector` matches."""
    bottom = browser.js(f"(() => {{ const e = document.querySelector('{selector}'); "
                        "const main = document.querySelector('[data-testid=\"stMain\"]'); if (main) main.scrollTop = 0; "
                        "return e ? e.getBoundingClientRect().bottom : 0; })()")
    height = min(MAX_HEIGHT, max(1000, int(bottom) + margin))
    browser.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=height, deviceScaleFactor=1, mobile=False)
    time.sleep(1)  # let the page lay itself out again


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png", help="PNG to write")
    parser.add_argument("--question", default=QUESTION, help="question to ask (its answer must cite a source)")
    parser.add_argument("--timeout", type=float, default=240, help="seconds to wait for the model and the answer")
    args = parser.parse_args(argv)

    for var in [v for v in os.environ if v.startswith("LEGAL_ASSISTANT_")]:
        del os.environ[var]  # the page's own defaults, not a test setup left in the shell
    from assistant.errors import AssistantError
    from assistant.index import read_manifest
    from assistant.settings import Settings

    settings = Settings()
    try:
        read_manifest(settings.index_dir())
    except (OSError, ValueError, AssistantError):
        print(f"No '{settings.index}' index under {settings.home}: run `make demo` first to build it.",
              file=sys.stderr)
        return 1
    binary = devtools.chromium()
    if binary is None:
        print("Chromium is not installed: run `bash scripts/setup.sh --browser` first.", file=sys.stderr)
        return 1

    print(f"index {settings.index_dir()} · model {settings.model} · adapter {settings.adapter} · "
          f"engine {settings.engine}")
    with tempfile.TemporaryDirectory(prefix="legal-assistant-screenshot-") as work:
        work = Path(work)
        try:
            with devtools.streamlit_page(dict(os.environ), work) as url, \
                    devtools.headless_chromium(binary, work / "chromium-profile") as browser:
                start = time.monotonic()
                devtools.ask(browser, url, args.question, timeout=args.timeout)  # the chat box waits for the model to load
                asked = time.monotonic()
                answer = devtools.wait_for(lambda: devtools.answer_text(browser), args.timeout, "the answer")
                answered = time.monotonic()
                chip = devtools.wait_for(lambda: devtools.first_chip(browser), 30, f"a citation chip under the answer {answer!r}")
                marked, _ = devtools.open_first_source(browser)
                if browser.js("document.body.innerText.includes('Traceback')"):
                    raise AssertionError("the page shows a traceback")
                fit_to(browser, "mark")  # the highlighted span sits below the 1000-pixel fold
                target = devtools.screenshot(browser, args.out)
        except AssertionError as exc:
            log = work / "streamlit.log"
            print(f"screenshot failed: {exc}", file=sys.stderr)
            if log.exists():
                print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
            return 1

    print(f"question: {args.question}\nanswer: {answer}\nchip: {chip}\nhighlighted: {marked}")
    print(f"page ready (model loaded) in {asked - start:.1f}s; answered {answered - asked:.1f}s after asking")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
