"""Streamlit page over `Assistant`: `streamlit run ui/app.py` or `legal-assistant ui`.

Layout and wiring only; the parts live beside this file (state, sidebar, chat, sources, uploads,
batch, export). Configure with LEGAL_ASSISTANT_HOME / _INDEX / _MODEL (see ui/README.md).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts ui/ on the path, not the repository root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import batch, chat, export, sidebar, signals, state, uploads  # noqa: E402

st.set_page_config(page_title="Legal research assistant", page_icon="⚖️", layout="wide")
state.init_session()
st.title("Legal research assistant")
st.caption("Private and local: every answer cites the passages it rests on. Research aid, not legal advice.")
for kind, text in st.session_state["notices"]:
    getattr(st, kind)(text)
st.session_state["notices"] = []

choice = None
with state.errors_shown("Settings: "):
    choice = sidebar.render(state.base_settings())
if choice is None:
    st.stop()
export_slot = st.sidebar.container()

ask_tab, add_tab, batch_tab = st.tabs(["Ask", "Add rulings", "Batch FAQ"])
with ask_tab:
    turns = st.session_state["turns"]
    conversation = st.container()
    assistant = None
    with conversation, state.errors_shown():
        assistant = state.get_assistant(choice.settings, as_of=choice.as_of)
    question = st.chat_input("Ask a legal question…", key="question", disabled=assistant is None)
    index = assistant.retriever.index if assistant is not None else None
    graph = signals.citation_graph(index.folder if index is not None else None)  # the served version's graph
    with conversation:
        chat.render_turns(turns, index, graph)
        if question:
            with state.errors_shown():
                chat.ask_and_show(assistant, question, choice.filters, turns, index, graph, as_of=choice.as_of)
with add_tab:
    uploads.render(choice.settings)
with batch_tab:
    batch.render(choice.settings)

if st.session_state["turns"]:
    with export_slot:
        st.download_button("Export conversation (Markdown)", key="export", mime="text/markdown",
                           file_name="conversation.md",
                           data=export.conversation_markdown(st.session_state["turns"], choice.settings.index))
