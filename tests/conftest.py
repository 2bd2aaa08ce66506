"""Shared fixtures: a fake embedder, ten real-looking statute passages (en + zh) and an index over them."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.types import Passage

INTEGRATION = Path(__file__).resolve().parent / "integration"


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marks
def pytest_collection_modifyitems(items):
    """Markers by folder: every test under tests/integration/ is `integration` (real models, servers, a built
    wheel). tests/ui and tests/reliability are mostly fast; their few such tests carry the mark themselves."""
    for item in items:
        if INTEGRATION in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)

COI = "Constitution of India"
LCL = "中华人民共和国劳动合同法"

PASSAGES = [
    # (doc_id, ordinal, cite suffix, text, language, jurisdiction, title, date, in_force, kind)
    ("in/coi", 0, "Art. 14", "The State shall not deny to any person equality before the law or the equal protection "
     "of the laws within the territory of India.", "en", "IN", COI, "1950-01-26", True, "statute"),
    ("in/coi", 1, "Art. 19", "All citizens shall have the right to freedom of speech and expression; to assemble "
     "peaceably and without arms; to form associations or unions.", "en", "IN", COI, "1950-01-26", True, "statute"),
    ("in/coi", 2, "Art. 21", "No person shall be deprived of his life or personal liberty except according to "
     "procedure established by law.", "en", "IN", COI, "1950-01-26", True, "statute"),
    ("in/coi", 3, "Art. 21A", "The State shall provide free and compulsory education to all children of the age of "
     "six to fourteen years in such manner as the State may, by law, determine.", "en", "IN", COI, "2002-12-12",
     True, "statute"),
    ("in/coi", 4, "Art. 32", "The right to move the Supreme Court by appropriate proceedings for the enforcement of "
     "the rights conferred by this Part is guaranteed.", "en", "IN", COI, "1950-01-26", True, "statute"),
    ("in/maneka", 0, "para 5", "The procedure prescribed by law for depriving a person of personal liberty must be "
     "fair, just and reasonable, not fanciful, oppressive or arbitrary.", "en", "IN",
     "Maneka Gandhi v. Union of India", "1978-01-25", None, "case"),
    ("cn/lcl", 0, "第十条", "建立劳动关系，应当订立书面劳动合同。已建立劳动关系，未同时订立书面劳动合同的，"
     "应当自用工之日起一个月内订立书面劳动合同。", "zh", "CN", LCL, "2008-01-01", True, "statute"),
    ("cn/lcl", 1, "第十九条", "劳动合同期限三个月以上不满一年的，试用期不得超过一个月；"
     "劳动合同期限一年以上不满三年的，试用期不得超过二个月。", "zh", "CN", LCL, "2008-01-01", True, "statute"),
    ("cn/lcl", 2, "第三十八条", "用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。",
     "zh", "CN", LCL, "2008-01-01", True, "statute"),
    ("cn/old", 0, "第一条", "本条例自公布之日起施行，已于二〇一〇年废止。",
     "zh", "CN", "劳动教养试行办法", None, False, "statute"),
]


def make_passage(doc_id: str, ordinal: int, label: str, text: str, language: str = "en", jurisdiction: str = "IN",
                 title: str = COI, date: str | None = None, in_force: bool | None = None,
                 kind: str = "statute") -> Passage:
    """A Passage whose id is a content hash of its document and text, as the chunker makes them."""
    return Passage(
        id=hashlib.sha256(f"{doc_id}\x1f{text}".encode()).hexdigest()[:20], doc_id=doc_id, text=text,
        cite=f"{title}, {label}", path=(title, label), kind=kind, jurisdiction=jurisdiction, language=language,
        title=title, date=date, in_force=in_force, ordinal=ordinal, source=f"tests/{doc_id}",
    )


def make_manifest(**fields):
    """A Manifest as `read` gives it, with the fields every version has, for code that reads only a few."""
    from assistant.index.manifest import Manifest

    return Manifest.from_dict({"version": "v000001", "embedder": "hashing", "dim": 384, "files": {}, **fields})


@pytest.fixture
def hashing_embedder():
    from assistant.embed.hashing import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def tiny_passages() -> list[Passage]:
    return [make_passage(*row) for row in PASSAGES]


@pytest.fixture
def tmp_index(tmp_path, tiny_passages, hashing_embedder):
    """Folder of an index over `tiny_passages` built with the hashing embedder (open it with open_index)."""
    from assistant.index import build_index

    folder = tmp_path / "index"
    build_index(folder, tiny_passages, hashing_embedder, chunker_version="test")
    return folder
