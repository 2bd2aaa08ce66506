"""Find by citation: provisions named in questions are looked up by law name and pinpoint key, come first
in the hits of a real (hashing-embedder) index over the five-language fixtures, and a provision the index
lacks is reported instead of silently ranking something else."""
from pathlib import Path

import pytest

from assistant.chunking import chunk
from assistant.corpus.files import read_folder
from assistant.embed.hashing import HashingEmbedder
from assistant.errors import InputError
from assistant.index import build_index, open_index
from assistant.provisions import Provisions, case_names, law_names, show
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.types import Filters

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pinpoint"
ROWS = [
    ("a1", "kinsho", 0, "金融商品取引法 第27条", "金融商品取引法", True),
    ("a2", "kinsho", 1, "金融商品取引法 第27条の5", "金融商品取引法", True),
    ("a3", "kinsho", 2, "金融商品取引法 第27条の5第1項", "金融商品取引法", True),
    ("b1", "minpo-tw", 0, "民法 第十五條之一", "民法", True),
    ("c1", "prc-civil", 0, "中华人民共和国民法典 第一千零七十九条", "中华人民共和国民法典", True),
    ("c2", "prc-civil-old", 0, "中华人民共和国民法典（2020-05-28） 第一千零七十九条", "中华人民共和国民法典", False),
    ("d1", "bgb", 0, "Bürgerliches Gesetzbuch, § 312a", "Bürgerliches Gesetzbuch", True),
    ("e1", "eu-gdpr", 0, "GDPR, Art. 21", "General Data Protection Regulation", True),
    ("e2", "eu-ai", 0, "AI Act, Art. 21", "Artificial Intelligence Act", True),
    ("f1", "case", 0, "Maneka Gandhi v. Union of India, para 3", "Maneka Gandhi v. Union of India", None),
]


@pytest.fixture(scope="module")
def table():
    return Provisions(ROWS)


@pytest.mark.parametrize("question, ids", [
    ("金融商品取引法第27条の5により禁止される行為は？", ("a2", "a3")),  # the article and its paragraph
    ("金融商品取引法第二十七条の五第一項", ("a3",)),
    ("金商法27条の5の規制", ("a2", "a3")),  # short name, 第 left out
    ("民法典第一千零七十九条的内容是什么", ("c1",)),  # in force before the old version
    ("民法第十五條之一規定什麼", ("b1",)),  # 民法 (TW), not 民法典
    ("Is § 312a BGB mandatory?", ("d1",)),
    ("What does Art. 21 GDPR say about objection?", ("e1",)),
    ("Article 21 of the Artificial Intelligence Act", ("e2",)),
])
def test_named_provision_found_by_law_and_pinpoint(table, question, ids):
    assert table.lookup(question).ids == ids


def test_without_a_law_name_the_best_ranked_law_holding_the_provision_wins(table):
    assert table.lookup("What does Article 21 say?", rank={"e2": 0, "e1": 3}).ids == ("e2",)
    assert table.lookup("What does Article 21 say?", rank={"e1": 1}).ids == ("e1",)


def test_missing_provision_is_reported_with_its_law(table):
    lookup = table.lookup("金融商品取引法第99条について")
    assert lookup.ids == () and lookup.missing == ("金融商品取引法第99条",)
    assert "not in this index: 金融商品取引法第99条" in lookup.notice()
    assert table.lookup("What is the right to privacy?").notice() == ""


def test_allowed_ids_restrict_the_lookup(table):
    assert table.lookup("民法典第一千零七十九条", allowed={"c2"}).ids == ("c2",)
    assert table.lookup("民法典第一千零七十九条", allowed={"a1"}).missing == ("民法典第一千零七十九条",)


def test_law_names_include_short_names_and_titles_without_the_state_prefix():
    assert {"中华人民共和国公司法", "公司法"} <= law_names("中华人民共和国公司法", "中华人民共和国公司法 ")
    assert "bgb" in law_names("Bürgerliches Gesetzbuch", "Bürgerliches Gesetzbuch, ")


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory):
    docs = [doc for language in ("ja", "ko", "zh", "de", "in") for doc in read_folder(FIXTURES / language)[0]]
    folder = tmp_path_factory.mktemp("index") / "pinpoints"
    build_index(folder, [p for doc in docs for p in chunk(doc)], HashingEmbedder(), chunker_version="test")
    return open_index(folder)


@pytest.fixture(scope="module")
def retriever(fixture_index, tmp_path_factory):
    return Retriever(fixture_index, HashingEmbedder(), Settings(home=tmp_path_factory.mktemp("home"), k=5))


@pytest.mark.parametrize("question, cite", [
    ("金融商品取引法第27条の5により禁止される行為は何ですか", "金融商品取引法 第27条の5"),
    ("金融商品取引法第二十七条の十一の撤回", "金融商品取引法 第27条の11"),
    ("第25条第1項第2号の期間は？", "金融商品取引法 第25条第1項第2号"),
    ("자본시장법 제10조의2에 따른 투자권유준칙", "자본시장과 금융투자업에 관한 법률 제10조의2"),
    ("民法典第一千零七十九条", "中华人民共和国民法典 第一千零七十九条"),
    ("民法第十五條之一規定什麼", "民法 第十五條之一"),
    ("What does § 312b BGB define?", "Bürgerliches Gesetzbuch, § 312b"),
    ("Section 10-A of the RTI Act", "Right to Information Act, 2005, Section 10-A"),
    ("What does Article 21A say about education?", "Constitution of India, Art. 21A"),
])
def test_named_provision_is_the_first_hit(retriever, question, cite):
    hits = retriever.search(question)
    assert hits[0].passage.cite == cite and hits[0].named
    assert not any(h.named for h in hits[1:] if not h.passage.cite.startswith(cite))


def test_a_named_article_brings_all_its_passages_in_order(retriever):
    hits = retriever.search("金融商品取引法第25条の縦覧期間", k=8)
    assert [h.passage.cite for h in hits[:5]] == [
        "金融商品取引法 第25条", "金融商品取引法 第25条第1項", "金融商品取引法 第25条第1項第1号",
        "金融商品取引法 第25条第1項第2号", "金融商品取引法 第25条第2項"]
    assert all(h.dense is not None for h in hits[:5])  # cosine filled in even where dense search missed it


def test_filters_apply_to_named_provisions(retriever):
    hits = retriever.search("金融商品取引法第27条の5", filters=Filters(jurisdiction=("DE",)))
    assert not any(h.named for h in hits)
    assert retriever.named("金融商品取引法第27条の5", Filters(jurisdiction=("DE",))).missing == ("金融商品取引法第27条の5",)


def test_absent_provision_gives_a_notice_and_the_usual_ranking(retriever):
    assert retriever.named("金融商品取引法第99条の2の罰則").missing == ("金融商品取引法第99条の2",)
    assert not any(h.named for h in retriever.search("金融商品取引法第99条の2の罰則"))


def test_show_prints_the_provision_with_its_hierarchy(fixture_index):
    text = show(fixture_index, "金融商品取引法第27条の5")
    assert text.startswith("金融商品取引法 第27条の5\n金融商品取引法 › 第二章の二 公開買付けに関する開示 › 第27条の5\n")
    assert "公開買付期間中" in text and "第27条の5の2" not in text
    assert "not in this index" in show(fixture_index, "金融商品取引法第99条")
    with pytest.raises(InputError, match="names no provision"):
        show(fixture_index, "insider trading")


def test_law_name_positions_survive_letters_that_casefold_longer():
    table = Provisions([("d1", "bgb", 0, "Bürgerliches Gesetzbuch, § 312a", "Bürgerliches Gesetzbuch", True),
                        ("s1", "stgb", 0, "Strafgesetzbuch, § 312a", "Strafgesetzbuch", True)])
    assert table.lookup("Maß und Straße: Strafgesetzbuch § 312a").ids == ("s1",)  # casefold: "ss", two longer
    assert table.lookup("Maßgeblich: § 312a BGB").ids == ("d1",)


def test_the_version_in_force_wins_even_when_a_past_version_ranks_higher(table):
    assert table.lookup("民法典第一千零七十九条", rank={"c2": 0, "c1": 5}).ids == ("c1",)


def test_an_article_without_di_counts_only_right_after_a_law_name(table):
    assert table.lookup("金商法27条の5").ids == ("a2", "a3")
    assert table.lookup("我家有27条鱼，邻居要赔偿吗？").named == ()
    assert table.lookup("金融商品取引法の27条の5").named == ()  # の between: not a citation form we trust


@pytest.mark.parametrize("title, names", [
    ("S.R. Bommai v. Union of India", {"bommai"}),
    ("Bennett Coleman & Co. v. Union of India", {"bennett coleman"}),
    ("Minerva Mills Ltd. v. Union of India", {"minerva mills"}),
    ("Indian Young Lawyers Association v. State of Kerala (Sabarimala Case)", {"indian young lawyers association", "sabarimala"}),
    ("State of Madras v. Champakam Dorairajan", set()),  # a state names no case: many share it
    ("In re Article 370 of the Constitution", set()),
    ("Constitution of India", set()),
])
def test_a_case_is_known_by_its_first_party_or_popular_name(title, names):
    assert case_names(title) == names


def test_a_case_named_in_a_question_is_found_by_its_party(table):
    found = table.lookup("What limits did Maneka Gandhi place on Article 21?")
    assert found.named == ("Article 21", "Maneka Gandhi") and "f1" in found.ids
    assert table.lookup("Can the Union of India be sued?").ids == ()
    assert table.lookup("Is Gandhi's birthday a holiday?").ids == ()  # a part of the name is not the case
