"""e-Gov law XML (法令標準XML): exact structure from the Num attributes, metadata, bad input as one line,
and a question naming a paragraph answered with that paragraph's citation over a real (hashing) index."""
from pathlib import Path

import pytest

from assistant.chunking import chunk
from assistant.corpus.egov import article_label
from assistant.corpus.files import read_file, read_folder
from assistant.embed import get_embedder
from assistant.errors import InputError
from assistant.generate.scripted import ScriptedGenerator, quote_first_passage
from assistant.index import build_index
from assistant.pipeline import Assistant
from assistant.settings import Settings

LAW = Path(__file__).resolve().parent.parent / "fixtures" / "egov" / "kinsho.xml"


def test_articles_paragraphs_and_supplementary_provisions_keep_their_structure():
    [doc] = read_file(LAW)
    assert [p.cite for p in chunk(doc)] == [
        "金融商品取引法 第25条", "金融商品取引法 第27条の5第1項", "金融商品取引法 第27条の5第2項",
        "金融商品取引法 第27条の5の2", "金融商品取引法 附則第1条", "金融商品取引法 附則第1項"]
    first, para1 = chunk(doc)[:2]
    assert "一　有価証券届出書及びその添付書類　五年" in first.text  # item title and columns kept apart
    assert para1.path == ("金融商品取引法", "第二章の二　公開買付けに関する開示",
                          "第一節　発行者以外の者による株券等の公開買付け", "第27条の5", "第1項")
    assert "ただし、次に掲げる場合は、この限りでない。" in para1.text and "<" not in para1.text


def test_enactment_date_law_number_and_amendments_are_metadata():
    [doc] = read_file(LAW)
    assert (doc.title, doc.kind, doc.jurisdiction, doc.language, doc.date) == (
        "金融商品取引法", "statute", "JP", "ja", "1948-04-13")
    assert doc.meta == {"law_number": "昭和二十三年法律第二十五号", "amendments": ["令和五年法律第七十九号"]}


def test_article_numbers_with_branches():
    assert [article_label(n) for n in ("2", "27_5", "27_5_2")] == ["第2条", "第27条の5", "第27条の5の2"]


def test_xml_that_is_not_a_law_or_not_well_formed_is_one_clear_problem(tmp_path):
    (tmp_path / "feed.xml").write_text("<rss><channel/></rss>", encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<Law><LawBody>", encoding="utf-8")
    documents, problems = read_folder(tmp_path)
    messages = sorted(p.message for p in problems)
    assert documents == [] and len(messages) == 2
    assert "broken.xml" in messages[0] and "not well-formed XML" in messages[0]
    assert "feed.xml" in messages[1] and "not e-Gov law XML" in messages[1]
    with pytest.raises(InputError, match="save the text as .txt"):
        read_file(tmp_path / "feed.xml")


def test_a_question_naming_a_paragraph_is_answered_with_its_citation(tmp_path):
    [doc] = read_file(LAW)
    build_index(tmp_path / "jp", chunk(doc), get_embedder("hashing"))
    settings = Settings(home=tmp_path, index="jp", embedder="hashing", k=3, min_dense_score=0.0, audit_log=False)
    assistant = Assistant(settings, generator=ScriptedGenerator(quote_first_passage))
    answer = assistant.ask("金融商品取引法第27条の5第1項は何を禁止していますか")
    assert not answer.refused
    assert [c.cite for c in answer.citations] == ["金融商品取引法 第27条の5第1項"]
    assert answer.hits[0].named and answer.notice == ""
