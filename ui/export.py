"""Export the conversation, with its citations and quoted spans, as Markdown."""
from __future__ import annotations

from datetime import datetime

from assistant.types import Filters
from assistant.verify import closest


def _filters(f: Filters | None) -> str:
    if f is None or f.is_empty():
        return ""
    parts = [f"{name} {'/'.join(value) if isinstance(value, tuple) else value}"
             for name, value in vars(f).items() if value not in ((), None, "")]
    return f"*Filters: {', '.join(parts)}*\n\n"


def conversation_markdown(turns: list[dict], index: str = "", now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).isoformat(timespec="minutes")
    lines = ["# Legal research conversation", "", f"Index: {index or '—'} · exported {stamp}", ""]
    for i, turn in enumerate(turns, 1):
        answer = turn["answer"]
        lines += [f"## {i}. {turn['question']}", "", _filters(turn.get("filters")) + answer.text, ""]
        if turn.get("versions"):
            lines += [turn["versions"], ""]
        if answer.refused:
            lines += [f"> Not answered: {answer.reason}" if answer.reason else "> Not answered.", ""]
            lines += [f"- Closest: {h.passage.cite}" for h in closest(answer.hits)]
        else:
            for c in answer.citations:
                quote = " ".join(c.quote.split())
                lines.append(f"- [{c.n}] {c.cite}" + (f" — “{quote}”" if quote else ""))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
