"""Plain-text rendering of hits and answers for the terminal (pure)."""
from __future__ import annotations

import textwrap

from assistant.types import Answer, Hit
from assistant.verify import closest


def short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def hits_table(hits: list[Hit], width: int = 100) -> str:
    if not hits:
        return "no passages found"
    rows = [f"{'#':>2}  {'score':>6}  {'dense':>5}  {'bm25':>6}  citation"]
    for i, h in enumerate(hits, 1):
        dense = f"{h.dense:.2f}" if h.dense is not None else "-"
        lexical = f"{h.lexical:.1f}" if h.lexical is not None else "-"
        named = "  (named in the question)" if h.named else ""
        rows.append(f"{i:>2}  {h.score:6.4f}  {dense:>5}  {lexical:>6}  {h.passage.cite}{named}")
        rows.append(textwrap.indent(short(h.passage.text, width), "    "))
    return "\n".join(rows)


def answer_text(answer: Answer) -> str:
    """The verified answer, then its sources by marker (or, for a refusal, the closest passages)."""
    lines = ([f"note: {answer.notice}", ""] if answer.notice else []) + [answer.text, ""]
    if answer.refused:
        lines.append(f"[refused] {answer.reason}" if answer.reason else "[refused]")
        lines.append("Closest passages:")
        lines += [f"  - {h.passage.cite}" for h in closest(answer.hits)]
    else:
        lines.append("Sources:")
        lines += [f"  [{c.n}] {c.cite} — “{short(c.quote, 90)}”" for c in answer.citations]
    if answer.reason and not answer.refused:
        lines.append(f"note: {answer.reason}")
    timing = answer.timings
    if timing:
        lines.append(f"({answer.model}{' + ' + answer.adapter if answer.adapter else ''}; "
                     f"retrieval {timing.get('retrieve_s', 0):.2f}s, first token {timing.get('first_token_s', 0):.1f}s, "
                     f"{timing.get('tokens_per_s', 0):.1f} tok/s)")
    return "\n".join(lines)
