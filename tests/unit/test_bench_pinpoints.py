"""The pinpoints bench: its scoring rule, its question file, and the pinpoint rows over the fixtures."""
import json

from bench.pinpoints import QUESTIONS, first_is, pinpoint_rows


def test_first_is_the_provision_or_one_of_its_parts_of_the_same_law():
    assert first_is("金融商品取引法 第25条第1項第2号", "金融商品取引法 第25条")
    assert first_is("中华人民共和国公司法 第六十条", "中华人民共和国公司法 第60条")
    assert not first_is("金融商品取引法 第27条の5の2", "金融商品取引法 第27条の5")
    assert not first_is("中华人民共和国公司法 第一百二十条", "中华人民共和国公司法 第六十条")
    assert not first_is("民法 第十五條之一", "中华人民共和国民法典 第十五条之一")


def test_question_file_names_at_least_60_provisions_in_four_numbering_systems():
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [q for q in questions if "gold" in q]
    assert len(gold) >= 60 and len({q["system"] for q in gold}) >= 4
    assert {q["index"] for q in questions} == {"fixtures", "packs"}
    assert all(("gold" in q) != ("missing" in q) for q in questions)


def test_pinpoint_rows_cover_every_fixture_language_and_all_match():
    rows = pinpoint_rows()
    assert [r["subset"] for r in rows] == ["ja", "ko", "zh", "de", "in"]
    assert all(r["met"] == "yes" for r in rows)
