"""The text an index embeds and tokenises for a passage: a contextual header plus the passage text.

A lay question often names the law or the chapter ("租赁合同", "Fundamental Rights") rather than the
article's own words, so the header gives both the embedding and BM25 that context:

    民法典 第七章 合同的权利义务终止
    第五百七十一条
    债务人将标的物……

Header = the law's short title (without the prefix 中华人民共和国) + the hierarchy path between the
title and the passage's own pinpoint label (parts, chapters, sections). The label itself (第五百七十一条,
Art. 21) stays out of the header: it is in the cite, and statute text usually starts with it. Passage.text, shown to users and to the model, is unchanged; only the index sees this string.
Build, update and the Ray build all call `index_text`, so they embed exactly the same strings.
`TEXT_FORMAT` is recorded in the manifest: an index built with another format must be rebuilt.
"""
from __future__ import annotations

from assistant.types import Passage

TEXT_FORMAT = "header-1"  # bump when index_text changes: old indexes are refused with the rebuild message
PREFIXES = ("中华人民共和国",)


def short_title(title: str) -> str:
    """The law's title without a redundant state prefix: 中华人民共和国民法典 -> 民法典."""
    title = title.strip()
    for prefix in PREFIXES:
        if title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix):]
    return title


def header(p: Passage) -> str:
    """Short title + the divisions between it and the passage's label, on one line."""
    path = [part.strip() for part in p.path if part and part.strip()]
    if path and path[0] == p.title.strip():
        path = path[1:]
    if path and p.cite.strip().endswith(path[-1]):
        path = path[:-1]  # the pinpoint label (第五百七十一条, Art. 21, para 3), not a division
    parts = [short_title(p.title), *path] if p.title.strip() else path
    return " ".join(dict.fromkeys(x for x in parts if x))


def index_text(p: Passage) -> str:
    """The string embedded and BM25-tokenised for `p`: its header line, then its text."""
    head = header(p)
    return f"{head}\n{p.text}" if head else p.text
