"""Citation chips and the source panel: the cited passage with its supporting span highlighted."""
from __future__ import annotations

import html
import re

import streamlit as st

from assistant.types import Answer, Citation, Hit, Passage
from assistant.verify import closest
from ui import signals


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text`: exact, else ignoring case and runs of whitespace."""
    quote = quote.strip().strip("“”\"'…").strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return (found.start(), found.end()) if found else None


def highlight_html(text: str, quote: str) -> str:
    """The passage as one line of escaped HTML with the cited span inside <mark> (no markdown parsing)."""
    span = find_span(text, quote)
    if span is None:
        body = html.escape(text)
    else:
        start, end = span
        body = (html.escape(text[:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>"
                + html.escape(text[end:]))
    body = body.replace("\n", "<br>")
    return f'<div class="passage" style="white-space: normal; line-height: 1.5">{body}</div>'


def one_line(text: str) -> str:
    """Context text for a caption on one line: an indented sub-clause would otherwise render as a code block."""
    return " ".join(text.split())


def hit_for(answer: Answer, citation: Citation) -> Hit | None:
    return next((h for h in answer.hits if h.passage.id == citation.passage_id), None)


def chip_label(citation: Citation) -> str:
    return f"[{citation.n}] {citation.cite}"


def citation_chips(answer: Answer, key: str) -> Citation | None:
    """One clickable chip per cited marker; returns the citation whose chip is selected."""
    by_n = {c.n: c for c in answer.citations}
    if not by_n:
        return None
    picked = st.pills("Sources", sorted(by_n), format_func=lambda n: chip_label(by_n[n]), key=key,
                      selection_mode="single", label_visibility="collapsed")
    return by_n.get(picked) if picked is not None else None


def describe(p: Passage) -> str:
    status = {True: "in force", False: "not in force", None: "in-force status unknown"}[p.in_force]
    return " · ".join(x for x in (p.kind, p.jurisdiction, p.date or "undated", status) if x)


def neighbours(index, passage: Passage) -> tuple[list[Passage], list[Passage]]:
    """Passages just before and after `passage` in its document."""
    if index is None or not hasattr(index, "neighbours"):
        return [], []
    try:
        around = [p for p in index.neighbours(passage.id, n=1) if p.id != passage.id]
    except Exception:  # noqa: BLE001 - e.g. a turn asked of another index: show the passage alone
        return [], []
    before = [p for p in around if p.ordinal < passage.ordinal]
    after = [p for p in around if p.ordinal > passage.ordinal]
    return before, after


def source_panel(citation: Citation, hit: Hit | None, index, key: str = "source", graph=None) -> None:
    """Title, pinpoint, metadata, citation-graph signals, the passage with the cited span highlighted,
    and its neighbours."""
    with st.container(border=True, key=f"{key}-panel"):
        if hit is None:
            st.markdown(f"**[{citation.n}] {citation.cite}**")
            st.markdown(f"> {citation.quote}")
            return
        p = hit.passage
        st.markdown(f"**{p.title}**")
        st.markdown(f"Pinpoint: `{citation.cite or p.cite}`")
        st.caption(describe(p))
        if note := signals.graph_note(graph, p):
            st.caption(f"🔗 Citation graph: {note}")
        if not citation.supported:
            st.warning("The checker could not confirm that this passage supports the sentence.")
        before, after = neighbours(index, p)
        for q in before:
            st.caption(one_line(f"… {q.cite}: {q.text}"))
        st.markdown(highlight_html(p.text, citation.quote), unsafe_allow_html=True)
        for q in after:
            st.caption(one_line(f"{q.cite}: {q.text} …"))


def closest_passages(answer: Answer, limit: int = 3) -> None:
    """For a refusal: why, and the passages that came closest."""
    st.warning(f"No answer given: {answer.reason or 'the sources found do not support an answer.'}")
    if not answer.hits:
        st.caption("No passage matched the question with the current filters.")
        return
    st.markdown("Closest passages:")
    for hit in closest(answer.hits, limit):
        p = hit.passage
        with st.expander(f"{p.cite} — {describe(p)}"):
            st.markdown(highlight_html(p.text, ""), unsafe_allow_html=True)
