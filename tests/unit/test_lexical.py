"""CJK-aware tokenisation and FTS5 BM25 scoring."""
import sqlite3

from assistant.index import lexical


def test_latin_words_are_lowercased_and_stop_words_dropped():
    assert lexical.tokenize("The Right to LIFE, Art. 21") == ["right", "life", "art", "21"]


def test_chinese_runs_become_unigrams_and_bigrams():
    assert lexical.tokenize("劳动合同") == ["劳", "动", "合", "同", "劳动", "动合", "合同"]


def test_mixed_scripts_and_korean():
    tokens = lexical.tokenize("GDPR第5条 헌법재판소")
    assert tokens[:1] == ["gdpr"]
    assert {"第", "条", "5"} <= set(tokens)
    assert {"헌법", "재판", "판소"} <= set(tokens)


def test_full_width_forms_are_normalised():
    assert lexical.tokenize("ＡＢＣ　１２３") == ["abc", "123"]


def test_indic_words_stay_whole():
    assert lexical.tokenize("संविधान अनुच्छेद") == ["संविधान", "अनुच्छेद"]


def test_match_expression_quotes_distinct_tokens():
    assert lexical.match_expression("life, life and liberty") == '"life" OR "liberty"'
    assert lexical.match_expression("the of and") == ""


def search_db(texts):
    conn = sqlite3.connect(":memory:")
    conn.execute(lexical.SCHEMA)
    lexical.insert(conn, list(range(1, len(texts) + 1)), texts)
    return conn


def test_bm25_ranks_the_matching_passage_first():
    conn = search_db(["freedom of speech", "personal liberty and life", "equality before the law"])
    found = lexical.search(conn, "life and personal liberty", k=3)
    assert [row for row, _ in found] == [2]
    assert found[0][1] > 0


def test_bm25_finds_chinese_substrings():
    conn = search_db(["用人单位应当订立书面劳动合同", "试用期不得超过一个月", "劳动者可以解除合同"])
    rows = [row for row, _ in lexical.search(conn, "没有签书面合同怎么办", k=3)]
    assert rows[0] == 1


def test_allowed_rows_restrict_results_and_keep_k():
    conn = search_db(["life one", "life two", "life three", "nothing"])
    assert {row for row, _ in lexical.search(conn, "life", k=5, allowed_rows={2, 3, 4})} == {2, 3}
    assert len(lexical.search(conn, "life", k=1, allowed_rows={3})) == 1


def test_queries_of_punctuation_or_fts_syntax_are_safe():
    conn = search_db(['quoted "text" here'])
    assert lexical.search(conn, "?!", k=3) == []
    assert lexical.search(conn, 'AND OR NOT "', k=3) == []


def test_plurals_match_singulars():
    assert lexical.tokenize("Rights, liberties and factories; process, status") == [
        "right", "liberty", "factory", "process", "status"]
