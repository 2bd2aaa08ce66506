"""Sentence-level support on the page: a groundedness badge and visibly flagged unsupported sentences.

In its debug view (`support_check="flag"`) the pipeline appends `assistant.verify.FLAG` after each drafted
sentence it could not anchor to a retrieved span, and notes "groundedness 0.xx" in `Answer.reason`. Here the flagged sentences are
drawn struck through in red with a warning sign (the rest of the text is left as Markdown, with any
raw HTML defused), and the score becomes a coloured badge.
"""
from __future__ import annotations

import html
import re

import streamlit as st

from assistant.text import split_sentences
from assistant.types import Answer
from assistant.verify import FLAG

SCORE = re.compile(r"groundedness (\d+(?:\.\d+)?)")
FLAG_STYLE = "color:#b42318; text-decoration:line-through; text-decoration-color:#b42318"
LEGEND = "⚠️ Struck-through red sentences are not supported by the passages they cite."


def groundedness(reason: str | None) -> float | None:
    found = SCORE.search(reason or "")
    return float(found.group(1)) if found else None


def other_notes(reason: str | None) -> str:
    """The reason without its groundedness clause (the badge shows that)."""
    return "; ".join(p for p in (reason or "").split("; ") if p and not SCORE.match(p))


def split_flagged(text: str) -> list[tuple[str, bool]]:
    """(piece, flagged) in order; each piece before a FLAG ends with the sentence the FLAG marks."""
    chunks = text.split(FLAG)
    pieces: list[tuple[str, bool]] = []
    for chunk in chunks[:-1]:
        sentences = split_sentences(chunk)
        at = max(chunk.rfind(sentences[-1].strip()) if sentences else 0, 0)  # not found: flag the chunk
        pieces += [(chunk[:at], False), (chunk[at:].strip(), True)]
    pieces.append((chunks[-1], False))
    return [(p, flagged) for p, flagged in pieces if p]


def _defuse(markdown: str) -> str:
    return markdown.replace("<", "&lt;")


def flagged_span(sentence: str) -> str:
    body = html.escape(sentence, quote=False)
    return (f'<span class="unsupported" title="Not supported by the cited passages" '
            f'style="{FLAG_STYLE}">⚠️ {body}</span>')


def answer_markdown(text: str) -> tuple[str, bool]:
    """The answer as Markdown with flagged sentences styled; True when it holds such HTML."""
    if FLAG not in text:
        return text, False
    return "".join(flagged_span(p) if flagged else _defuse(p) for p, flagged in split_flagged(text)), True


def show_text(slot, answer: Answer) -> None:
    """Write the answer text into `slot` (st, a placeholder or a container)."""
    body, styled = answer_markdown(answer.text)
    slot.markdown(body, unsafe_allow_html=styled)


def badge(answer: Answer) -> None:
    """Groundedness badge and, when sentences were flagged, the legend."""
    score = groundedness(answer.reason)
    if score is None or answer.refused:
        return
    color, icon = (("green", ":material/check_circle:") if score >= 0.85 else
                   ("orange", ":material/warning:") if score >= 0.5 else ("red", ":material/error:"))
    st.badge(f"Groundedness {score:.2f}", icon=icon, color=color,
             help="Share of sentences supported by the passages they cite (partly supported counts half).")
    if FLAG in answer.text:
        st.caption(LEGEND)
