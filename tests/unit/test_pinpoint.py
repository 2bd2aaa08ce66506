"""The pinpoint grammar: headings, sub-headings, provisions named in text, and comparison keys; and every
passage of the statute fixtures in five numbering systems cited exactly as a hand-written list says."""
import json
from pathlib import Path

import pytest

from assistant import pinpoint
from assistant.chunking import chunk, heading_units, paragraph_units
from assistant.corpus.files import read_folder

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pinpoint"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["ja", "ko", "zh", "de", "in"])
def test_every_fixture_passage_has_the_hand_written_pinpoint(language):
    docs, problems = read_folder(FIXTURES / language)
    assert problems == []
    assert [p.cite for doc in docs for p in chunk(doc)] == EXPECTED[language]


@pytest.mark.parametrize("numeral, value", [
    ("27", 27), ("２７", 27), ("二十七", 27), ("十", 10), ("一千零七十九", 1079), ("一〇七九", 1079),
    ("百二十", 120), ("两百", 200), ("三万五千", 35000),
])
def test_numerals_kanji_full_width_and_arabic(numeral, value):
    assert pinpoint.number(numeral) == value


@pytest.mark.parametrize("label, key", [
    ("第27条の5", "27-5"), ("第二十七条の五", "27-5"), ("第２７条の５", "27-5"), ("第27条の5の2", "27-5-2"),
    ("第十五條之一", "15-1"), ("第15条之1", "15-1"), ("제10조의2", "10-2"), ("Section 10-A", "10a"),
    ("Art. 10A", "10a"), ("Article 21A", "21a"), ("§ 5a", "5a"), ("§ 5", "5"), ("第一千零七十九条", "1079"),
    ("第25条第1項第3号", "25:1:3"), ("第二十五条第一項", "25:1"), ("제25조제1항제3호", "25:1:3"),
    ("第六十条第二款第三项", "60:2:3"), ("Part III", ""), ("para 3", ""),
])
def test_keys_compare_numbering_forms(label, key):
    assert pinpoint.key(label) == key


def test_headings_keep_the_label_as_written():
    assert pinpoint.heading("第25条（縦覧）") == ("第25条", 4)
    assert pinpoint.heading("第二十七条の三十八 公開買付け")[0] == "第二十七条の三十八"
    assert pinpoint.heading("Section 10-A. Disclosure")[0] == "Section 10-A"
    assert pinpoint.heading("Article 21A. Right to education")[0] == "Art. 21A"
    assert pinpoint.heading("§ 312b. Verträge")[0] == "§ 312b"
    assert pinpoint.heading("第27条の規定により") is None  # a reference in prose, not a heading
    assert pinpoint.heading("Article 21 of the Constitution protects life.") is None


def test_sub_headings_are_paragraphs_and_items():
    assert pinpoint.sub_heading("第1項") == ("paragraph", "第1項")
    assert pinpoint.sub_heading("第三号") == ("item", "第三号")
    assert pinpoint.sub_heading("제2항") == ("paragraph", "제2항")
    assert pinpoint.sub_heading("第1項の規定にかかわらず") is None


@pytest.mark.parametrize("text, named", [
    ("金融商品取引法第27条の5により禁止される行為は", [("第27条の5", "27-5")]),
    ("民法典第一千零七十九条", [("第一千零七十九条", "1079")]),
    ("公司法第六十条的内容是什么？", [("第六十条", "60")]),
    ("What does Article 21 say about privacy?", [("Article 21", "21")]),
    ("Is § 312a BGB mandatory?", [("§ 312a", "312a")]),
    ("Compare Section 10-A with Art. 21A", [("Section 10-A", "10a"), ("Art. 21A", "21a")]),
    ("第25条第1項第2号の期間", [("第25条第1項第2号", "25:1:2")]),
    ("자본시장법 제10조의2에 따른 준칙", [("제10조의2", "10-2")]),
    ("民法709条の要件", [("709条", "709")]),  # 第 left out
    ("这两条规定", []),  # a count, not an article
    ("Part 3 of the report", []),  # "art 3" inside "Part" is no article
])
def test_find_provisions_named_in_questions(text, named):
    assert [(n.text, n.key) for n in pinpoint.find(text)] == named


def test_cited_reads_the_pinpoint_a_cite_ends_with():
    assert pinpoint.cited("金融商品取引法 第25条第1項第3号").key == "25:1:3"
    assert pinpoint.cited("Constitution of India, Art. 21A").key == "21a"
    assert pinpoint.cited("Kesavananda Bharati v. State of Kerala, para 3") is None
    assert pinpoint.cited("Notes on Article 21 and privacy") is None
    assert pinpoint.within("25:1:3", "25") and pinpoint.within("25:1", "25:1") and not pinpoint.within("251", "25")


def test_markup_is_structure_never_text():
    text = "# 金融商品取引法\n## 第一章 総則\n## 第1条\n- 一の項目\n<p>本文<b>強調</b></p>\n> 引用"
    [unit] = heading_units(text)
    assert unit.label == "第1条"
    assert unit.text == "一の項目\n本文強調\n引用"
    assert unit.path == ("第一章 総則", "第1条")


def test_unnamed_markdown_heading_before_articles_joins_the_path():
    units = heading_units("## 附則\n第1条 この法律は、公布の日から施行する。")
    assert [(u.label, u.path) for u in units] == [("第1条", ("附則", "第1条"))]


def test_markup_is_dropped_from_paragraphs_of_text_without_headings():
    units = paragraph_units("# Judgment\n\n<p>The appeal is <b>allowed</b>.</p>\n\n- Costs follow the event.")
    assert [u.text for u in units] == ["Judgment", "The appeal is allowed.", "Costs follow the event."]
