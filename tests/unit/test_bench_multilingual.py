"""bench.multilingual's KoBLEX scoring: gold provisions read from the real KoBLEX file, matched against
retrieved passages by law title and article label (pure; a fake search stands in for the korea index)."""
import re
from pathlib import Path

import pytest

from assistant.train.corpus import make_passage
from assistant.types import Hit
from bench import Context
from bench.multilingual import KOBLEX, koblex_gold, koblex_recall, korean_rows, law_key, load_koblex


def test_gold_index_gives_the_law_and_the_article_label():
    assert koblex_gold("상법 814조  운송인의 채권ㆍ채무의 소멸") == ("상법", "제814조")
    assert koblex_gold("민법 864조 2  손해배상청구권") == ("민법", "제864조의2")
    assert koblex_gold("근로자퇴직급여 보장법 8조  퇴직금제도의 설정 등") == ("근로자퇴직급여보장법", "제8조")
    with pytest.raises(ValueError, match="unreadable"):
        koblex_gold("민법 총칙")


def test_law_titles_compare_without_spaces_or_bracketed_notes():
    assert law_key("형법 (법률 제17571호)") == "형법" == law_key(" 형법 ")
    assert law_key("대기환경보전법 시행령") != law_key("대기환경보전법")


@pytest.mark.skipif(not Path(KOBLEX).exists(), reason="../shared/data/koblex is not here")
def test_every_koblex_question_has_readable_gold_and_its_background_in_the_query():
    questions = load_koblex()
    assert len(questions) == 226
    assert all(1 <= len(q["gold"]) <= 3 for q in questions)
    assert all(re.fullmatch(r"제\d+조(의\d+)?", article) for q in questions for _, article in q["gold"])
    assert "갑" in questions[0]["query"] and questions[0]["query"].endswith("?")


def passage(title, label):
    return make_passage(f"{title} {label}", "본문", title, (title, label), language="ko", jurisdiction="KR",
                        doc_id=f"korea:{title}")


def test_recall_counts_gold_articles_found_by_law_and_label():
    questions = [{"query": "q1", "gold": {("상법", "제814조"), ("민법", "제750조")}},
                 {"query": "q2", "gold": {("형법", "제330조")}}]
    results = {"q1": [passage("상법", "제814조"), passage("민사소송법", "제750조")],
               "q2": [passage("형법 (법률 제1호)", "제330조")]}
    found, total = koblex_recall(lambda query, k: [Hit(p, 1.0) for p in results[query][:k]], questions)
    assert (found, total) == (2, 3)
    assert koblex_recall(lambda query, k: [], questions) == (0, 3)


def test_korean_rows_skip_with_the_reason_when_the_pack_is_not_installed(tmp_path):
    from assistant.corpus.packs import PACKS, check_installed
    from assistant.errors import AssistantError

    try:
        check_installed(PACKS["korea"])
        pytest.skip("the korea pack is installed here")
    except AssistantError:
        pass
    [skipped] = korean_rows(Context(quick=True, scratch=tmp_path))
    assert skipped["value"] == "skipped" and "opt-in" in skipped["subset"]


def test_quick_sample_keeps_every_fifth_article_and_the_gold_ones():
    from assistant.types import Document, Unit
    from bench.multilingual import sampled

    doc = Document(id="d", kind="statute", jurisdiction="CN", language="zh", title="法", citation="法",
                   units=tuple(Unit(f"第{i}条", "文", (f"第{i}条",)) for i in range(12)))
    assert [u.label for u in sampled(doc, {"第7条"}).units] == ["第0条", "第5条", "第7条", "第10条"]
