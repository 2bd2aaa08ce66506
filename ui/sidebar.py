"""Sidebar: index picker and status, filters, k, model and adapter. Returns what the page should use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, get_args

import streamlit as st

from assistant.corpus.packs import PACKS
from assistant.generate import NAMES
from assistant.settings import Settings
from assistant.types import Filters, Kind
from ui import state

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest

# The offered values come from their registries.
JURISDICTIONS = sorted({pack.jurisdiction for pack in PACKS.values()})
KINDS = list(get_args(Kind))
MODELS = list(NAMES)  # scripted: canned demo answers
ENGINES = list(get_args(Settings.model_fields["engine"].annotation))  # how a packaged model runs


@dataclass
class Choice:
    settings: Settings
    filters: Filters
    manifest: Manifest | None  # None: the index could not be read
    as_of: str | None = None  # YYYY-MM-DD: answer from the law as it stood that day


def status_rows(manifest: Manifest | None, settings: Settings) -> dict[str, str]:
    """What the status box shows: sizes, embedder, model and adapter, time of the last build or update."""
    m, known = manifest, manifest is not None  # an unreadable index shows dashes
    return {
        "Documents": str(m.documents) if known else "—",
        "Passages": str(m.count) if known else "—",
        "Embedder": m.embedder if known else "—",
        "Model": settings.model,
        "Adapter": settings.adapter,
        "Query adapter": query_adapter_name(m, settings),
        "Last update": (m.built_at or "—").replace("T", " ")[:19] if known else "—",
    }


def query_adapter_name(manifest: Manifest | None, settings: Settings) -> str:
    """The query adapter searches of this index use ("none" when none applies), or why it cannot load."""
    from types import SimpleNamespace

    from assistant.embed import query_adapter
    from assistant.errors import AssistantError

    if manifest is None:
        return "—"
    embedder = SimpleNamespace(name=manifest.embedder, dim=manifest.dim)
    try:
        adapter = query_adapter.resolve(settings.query_adapter, embedder, manifest)
    except AssistantError as exc:
        return f"cannot load ({exc})"
    return adapter.name if adapter else "none"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def filters_box() -> Filters:
    chosen_j = st.multiselect("Jurisdiction", JURISDICTIONS, key="f_jurisdiction")
    chosen_k = st.multiselect("Kind", sorted(KINDS), key="f_kind")
    title = st.text_input("Law / case title contains", key="f_title").strip()
    col1, col2 = st.columns(2)
    date_from = col1.date_input("From", value=None, min_value=date(1800, 1, 1), key="f_from")
    date_to = col2.date_input("To", value=None, min_value=date(1800, 1, 1), key="f_to")
    in_force = st.checkbox("Only provisions in force", key="f_in_force")
    return Filters(jurisdiction=tuple(chosen_j), kind=tuple(chosen_k), date_from=_iso(date_from),
                   date_to=_iso(date_to), in_force=True if in_force else None, title=title or None)


def render(base: Settings) -> Choice | None:
    """Draw the sidebar; None when there is no index to search yet (the page says how to build one)."""
    with st.sidebar:
        st.header("Index")
        names = state.list_indexes(base.home)
        if not names:
            st.error(f"No index found under {base.home}. Build one with `legal-assistant index build india` "
                     "or point LEGAL_ASSISTANT_HOME at a folder of indexes.")
            return None
        default = names.index(base.index) if base.index in names else 0
        name = st.selectbox("Index", names, index=default, key="index_name")
        models = list(dict.fromkeys([base.model, *MODELS]))
        with st.expander("Model", expanded=False):
            model = st.selectbox("Generator", models, key="model_name")
            engine = st.selectbox("Engine (packaged models)", ENGINES, index=ENGINES.index(base.engine), key="engine")
            adapter = st.text_input("Adapter (default, none, or a folder)", value=base.adapter, key="adapter")
        k = st.slider("Passages to use (k)", 1, 20, value=min(base.k, 20), key="k")
        settings = base.model_copy(update={"index": name, "model": model, "engine": engine,
                                           "adapter": adapter.strip() or "default", "k": k})
        manifest = state.manifest(settings.index_dir())
        with st.container(border=True):
            st.markdown("  \n".join(f"**{label}:** {value}" for label, value in status_rows(manifest, settings).items()))
        st.header("Filters")
        filters = filters_box()
        as_of = st.date_input("Law as of", value=None, min_value=date(1800, 1, 1), key="f_as_of",
                              help="Only statute versions in force on this date and rulings decided by it; "
                                   "undated documents are kept but flagged.")
    return Choice(settings=settings, filters=filters, manifest=manifest, as_of=_iso(as_of))
