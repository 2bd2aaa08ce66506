"""Chunking: structure from units or headings, pinpoint cites, caps under a token counter, stable ids."""
import hashlib
from dataclasses import replace
from pathlib import Path

from assistant.chunking import (
    CHUNKER_VERSION,
    chunk,
    cite_for,
    estimate_tokens,
    heading_units,
    split_to_fit,
)
from assistant.corpus.files import read_file
from assistant.text import split_sentences
from assistant.types import Document, Unit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "folder"
ART_21 = "No person shall be deprived of his life or personal liberty except according to procedure established by law."


def statute(*units, doc_id="india:constitution", **kw):
    base = dict(id=doc_id, kind="statute", jurisdiction="IN", language="en", title="Constitution of India",
                citation="Constitution of India", units=tuple(units), date="1950-01-26", in_force=True, source="x")
    return Document(**{**base, **kw})


def art21():
    return Unit("Art. 21", ART_21, ("Part III", "Article 21"), "Protection of life and personal liberty")


def words(text):
    return len(text.split())


def test_version_is_a_string():
    assert isinstance(CHUNKER_VERSION, str) and CHUNKER_VERSION


def test_statute_unit_becomes_one_passage_with_pinpoint_cite_and_metadata():
    [p] = chunk(statute(art21()))
    assert p.cite == "Constitution of India, Art. 21"
    assert p.path == ("Constitution of India", "Part III", "Art. 21")
    assert p.text == "Art. 21 Protection of life and personal liberty\n" + ART_21
    assert (p.doc_id, p.kind, p.jurisdiction, p.language, p.title) == ("india:constitution", "statute", "IN", "en", "Constitution of India")
    assert (p.date, p.in_force, p.source, p.ordinal) == ("1950-01-26", True, "x", 0)


def test_id_is_sha256_of_cite_and_text():
    [p] = chunk(statute(art21()))
    assert p.id == hashlib.sha256(f"{p.cite}\n{p.text}".encode()).hexdigest()


def test_ids_stable_when_other_units_or_the_document_id_change():
    before = {p.cite: p.id for p in chunk(statute(art21()))}
    other = Unit("Art. 14", "The State shall not deny to any person equality before the law.", ("Part III", "Article 14"))
    after = {p.cite: p.id for p in chunk(statute(other, art21(), doc_id="renamed"))}
    assert after["Constitution of India, Art. 21"] == before["Constitution of India, Art. 21"]


def test_changed_text_changes_id_and_repeats_get_distinct_ids():
    [a] = chunk(statute(art21()))
    [b] = chunk(statute(replace(art21(), text=ART_21 + " (amended)")))
    assert a.id != b.id
    twice = chunk(statute(art21(), art21()))
    assert len({p.id for p in twice}) == 2 and [p.ordinal for p in twice] == [0, 1]


def test_cjk_labels_join_with_a_space():
    doc = statute(Unit("第十条", "处理民事纠纷，应当依照法律。", ("第一章 基本规定", "第十条")),
                  title="中华人民共和国民法典", citation="中华人民共和国民法典", language="zh")
    [p] = chunk(doc)
    assert p.cite == "中华人民共和国民法典 第十条"
    assert p.path == ("中华人民共和国民法典", "第一章 基本规定", "第十条")
    assert cite_for(doc, "") == "中华人民共和国民法典"


def test_case_paragraph_units_carry_no_label_prefix():
    doc = Document(id="c", kind="case", jurisdiction="IN", language="en", title="Kesavananda Bharati v. State of Kerala",
                   citation="Kesavananda Bharati v. State of Kerala",
                   units=(Unit("para 3", "Parliament cannot amend the basic structure.", ("para 3",)),))
    [p] = chunk(doc)
    assert p.cite == "Kesavananda Bharati v. State of Kerala, para 3"
    assert p.text == "Parliament cannot amend the basic structure."


def test_headings_found_in_text_of_real_fixture():
    [doc] = read_file(FIXTURES / "constitution_part3.txt")
    passages = chunk(doc)
    by_cite = {p.cite: p for p in passages}
    p21 = by_cite["Constitution of India, Art. 21"]
    assert ART_21 in p21.text
    assert p21.path == ("Constitution of India (Part III excerpt)", "PART III", "Art. 21")
    assert "Constitution of India, Art. 21A" in by_cite
    assert [p.ordinal for p in passages] == list(range(len(passages)))


def test_chinese_headings_keep_book_chapter_section_in_path():
    [doc] = read_file(FIXTURES / "civil_code.md")
    by_cite = {p.cite: p for p in chunk(doc)}
    p10 = by_cite["中华人民共和国民法典 第十条"]
    assert "不得违背公序良俗" in p10.text
    assert p10.path == ("中华人民共和国民法典", "第一编 总则", "第一章 基本规定", "第十条")
    assert by_cite["中华人民共和国民法典 第十三条"].path[2:] == ("第二章 自然人", "第一节 民事权利能力和民事行为能力", "第十三条")


def test_heading_forms():
    text = "Chapter II\nSection 5. Short title\nThis Act may be called X.\n§ 7 Scope\nIt applies.\n第10条 内容。\n제2장 총칙\n제3조(목적) 이 법은 목적이 있다."
    units = heading_units(text)
    assert [u.label for u in units] == ["Section 5", "§ 7", "第10条", "제3조"]
    assert units[0].path == ("Chapter II", "Section 5")
    assert units[3].path == ("제2장 총칙", "제3조")


def test_prose_mentioning_an_article_is_not_a_heading():
    assert [u.label for u in heading_units("Article 21 of the Constitution protects life.")] == [""]


def test_numbered_case_paragraphs_keep_their_numbers():
    [doc] = read_file(FIXTURES / "right_to_privacy_note.txt")
    passages = chunk(doc)
    assert [p.cite.rsplit(", ", 1)[1] for p in passages] == ["para 1", "para 2", "para 3"]
    assert "informational privacy" in passages[1].text  # an unnumbered paragraph joins the one before


def test_unnumbered_paragraphs_are_numbered_by_position():
    doc = Document(id="d", kind="case", jurisdiction="", language="en", title="T", citation="T", text="First.\n\nSecond.")
    assert [p.cite for p in chunk(doc)] == ["T, para 1", "T, para 2"]


def test_sentences_english_and_cjk():
    text = "Maneka Gandhi v. Union of India held this. Art. 21 applies. Then more!"
    assert split_sentences(text, keep_spacing=True) == [
        "Maneka Gandhi v. Union of India held this. ", "Art. 21 applies. ", "Then more!"]
    assert split_sentences(text) == ["Maneka Gandhi v. Union of India held this.", "Art. 21 applies.", "Then more!"]
    assert split_sentences("处理民事纠纷。应当依照法律！可以吗？好", keep_spacing=True) == [
        "处理民事纠纷。", "应当依照法律！", "可以吗？", "好"]
    assert split_sentences("1. The State shall. 2. It may [3]. Next") == ["1. The State shall.", "2. It may [3].", "Next"]
    assert split_sentences("Rights under Articles 15 to 22. In the cases of Art. 11. Then") == [
        "Rights under Articles 15 to 22.", "In the cases of Art. 11.", "Then"]


def test_long_unit_split_under_fake_token_cap_with_overlap():
    sentences = [f"Sentence number {i} says something about liberty." for i in range(12)]
    doc = statute(Unit("Art. 21", " ".join(sentences), ("Article 21",)))
    passages = chunk(doc, count_tokens=words, max_tokens=30, overlap=1)
    assert len(passages) > 1
    assert all(words(p.text) <= 30 for p in passages)
    assert all(p.cite == "Constitution of India, Art. 21" for p in passages)
    assert all(p.text.startswith("Art. 21\n") for p in passages)
    assert len({p.id for p in passages}) == len(passages)
    for sentence in sentences:
        assert any(sentence in p.text for p in passages)
    last_of_first = passages[0].text.rsplit("Sentence", 1)[1]
    assert last_of_first in passages[1].text  # one sentence repeated


def test_cjk_unit_split_under_cap():
    text = "".join(f"第{i}句话说明权利。" for i in range(40))
    doc = statute(Unit("第一条", text, ("第一条",)), language="zh")
    passages = chunk(doc, count_tokens=len, max_tokens=50, overlap=0)
    assert all(len(p.text) <= 50 for p in passages)
    assert "".join(p.text.removeprefix("第一条\n") for p in passages) == text


def test_a_piece_starting_inside_a_list_repeats_the_list_s_opening_words():
    """Art. 5 of the AI Act split after item (e): the piece holding "(f) ... to infer emotions ..." did not say that
    these practices are prohibited; 劳动合同法第十四条's "（二）..." not what the listed cases lead to."""
    opener = "1. The following AI practices shall be prohibited:"
    items = [f"({letter}) the placing on the market of an AI system of kind {letter} that does harm number {n};"
             for n, letter in enumerate("abcdef")]
    text = "\n".join([opener, *items, "2. Member States shall report yearly."])
    doc = statute(Unit("Art. 5", text, ("Article 5",)))
    passages = chunk(doc, count_tokens=words, max_tokens=50, overlap=0)
    assert len(passages) > 2
    for passage in passages:
        body = passage.text.removeprefix("Art. 5\n")
        if body.startswith("(") or opener in body:
            assert body.startswith(opener), body  # every piece holding an item opens with the list's words
    assert passages[-1].text.endswith("2. Member States shall report yearly.")
    assert not passages[-1].text.removeprefix("Art. 5\n").startswith(opener) or "(f)" in passages[-1].text
    for item in items:  # nothing dropped
        assert any(item in p.text for p in passages)
    # a list inside one long sentence (EU texts) runs to the sentence's end, its opening words from the clause end
    inline = ("Member States shall ensure, in order to protect workers, that the following practices are banned: "
              + " ".join(f"({letter}) the use of systems of kind {letter}, in any setting, for any purpose;"
                         for letter in "ab")
              + " (c) the use of scoring systems, leading to either of the following: (i) unfair treatment; (ii) harm;"
              + " ".join(f"({letter}) the use of systems of kind {letter}, in any setting, for any purpose;"
                         for letter in "defgh"))
    pieces = split_to_fit(inline, lambda t: words(t) <= 40, overlap=0)
    assert len(pieces) > 2
    assert all(p.startswith("Member States shall ensure, in order to protect workers, that the following practices are "
                            "banned:") for p in pieces)
    assert all(f"({letter}) the use of systems of kind {letter}," in " ".join(pieces) for letter in "abdefgh")
    # a colon before a quotation opens no list: 釋字第631號's 主文 split after "...第五條第二項規定：「...」，"
    quoting = "，".join(["本法第五條第二項規定：「前項通訊監察書由檢察官核發」"] + [f"第{n}句話說明理由" for n in range(12)]) + "。"
    pieces = split_to_fit(quoting, lambda t: len(t) <= 40, overlap=0)
    assert len(pieces) > 2 and not any(p.startswith("本法第五條") for p in pieces[1:])
    zh = "有下列情形之一的，劳动者可以解除劳动合同：\n" + "\n".join(f"（{n}）第{n}种情形的；" for n in "一二三四五六")
    pieces = split_to_fit(zh, lambda t: len(t) <= 40, overlap=0)
    assert len(pieces) > 2 and all(p.startswith("有下列情形之一的") for p in pieces)


def test_sentence_longer_than_cap_is_split_by_words_never_truncated():
    text = " ".join(f"w{i}" for i in range(100))
    pieces = split_to_fit(text, lambda t: words(t) <= 7, overlap=1)
    assert all(words(p) <= 7 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_word_longer_than_cap_is_split_by_characters():
    assert split_to_fit("x" * 30, lambda t: len(t) <= 7) == ["x" * 7] * 4 + ["xx"]


def test_default_estimate_caps_words():
    doc = statute(Unit("Art. 1", " ".join(["word."] * 500), ("Article 1",)))
    assert all(estimate_tokens(p.text) <= 50 for p in chunk(doc, max_words=50))
    assert estimate_tokens("two words 四个汉字") == 6


def test_empty_document_gives_no_passages():
    assert chunk(Document(id="e", kind="other", jurisdiction="", language="en", title="E", citation="E", text="  ")) == []
