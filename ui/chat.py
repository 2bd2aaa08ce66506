"""The conversation: past turns, the streamed answer to a new question, chips and source panels."""
from __future__ import annotations

import time

import streamlit as st

from assistant.types import Answer, Filters
from ui import grounding, signals, sources

CURSOR = "▌"


def history(turns: list[dict]) -> list[dict]:
    """Earlier turns as chat messages, passed to the assistant so follow-ups are understood."""
    messages: list[dict] = []
    for turn in turns:
        messages.append({"role": "user", "content": turn["question"]})
        messages.append({"role": "assistant", "content": turn["answer"].text})
    return messages


def render_answer(i: int, turn: dict, index, graph=None) -> None:
    """Body of an answer message below its text: refusal notes, or the groundedness badge, the versions
    used (as-of questions), the chips and the selected source."""
    answer = turn["answer"]
    if answer.notice:
        st.warning(answer.notice)
    if answer.refused:
        sources.closest_passages(answer)
        return
    grounding.badge(answer)
    if notes := grounding.other_notes(answer.reason):
        st.caption(f"Note: {notes}")
    if turn.get("versions"):
        st.caption(turn["versions"])
    picked = sources.citation_chips(answer, key=f"chips-{i}")
    if picked is not None:
        sources.source_panel(picked, sources.hit_for(answer, picked), index, key=f"turn-{i}", graph=graph)
    if answer.timings:
        t = answer.timings
        st.caption(f"{answer.model}{' + ' + answer.adapter if answer.adapter else ''} · retrieval "
                   f"{t.get('retrieve_s', 0):.2f}s · first token {t.get('first_token_s', 0):.1f}s · "
                   f"{t.get('tokens_per_s', 0):.1f} tok/s")


def render_turns(turns: list[dict], index, graph=None) -> None:
    for i, turn in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(turn["question"] + (f"  \n*Law as of {turn['as_of']}*" if turn.get("as_of") else ""))
        with st.chat_message("assistant"):
            grounding.show_text(st, turn["answer"])
            render_answer(i, turn, index, graph)


def stream_answer(assistant, question: str, filters: Filters, turns: list[dict]) -> Answer:
    """Ask, showing the drafting progress (never the unverified draft itself); then the verified answer."""
    placeholder = st.empty()
    draft: list[str] = []
    last = [0.0]

    def on_token(piece: str) -> None:
        draft.append(piece)
        now = time.monotonic()
        if now - last[0] > 0.05:  # repaint at most ~20 times a second
            placeholder.markdown(f"_Drafting and checking the answer… {len(draft)} tokens_ {CURSOR}")
            last[0] = now

    placeholder.markdown("_Searching the sources…_")
    answer = assistant.ask(question, filters=filters, history=history(turns) or None, on_token=on_token)
    grounding.show_text(placeholder, answer)
    return answer


def ask_and_show(assistant, question: str, filters: Filters, turns: list[dict], index, graph=None,
                 as_of: str | None = None) -> None:
    """Render the new question, stream its answer, keep the turn in the session, show its sources."""
    with st.chat_message("user"):
        st.markdown(question + (f"  \n*Law as of {as_of}*" if as_of else ""))
    with st.chat_message("assistant"):
        answer = stream_answer(assistant, question, filters, turns)
        versions = signals.versions_note(answer, as_of, index.folder)  # the served version's validity table
        turns.append({"question": question, "answer": answer, "filters": filters, "as_of": as_of,
                      "versions": versions})
        render_answer(len(turns) - 1, turns[-1], index, graph)
