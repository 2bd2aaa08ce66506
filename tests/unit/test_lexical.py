"""CJK-aware tokenisation (assistant.text.tokenize) and in-memory BM25, checked against SQLite FTS5's own bm25()."""
import sqlite3

from assistant.index import lexical
from assistant.text import stem, tokenize


def test_latin_words_are_lowercased_and_stop_words_dropped():
    assert tokenize("The Right to LIFE, Art. 21") == ["right", "life", "art", "21"]


def test_chinese_runs_become_unigrams_and_bigrams():
    assert tokenize("劳动合同") == ["劳", "动", "合", "同", "劳动", "动合", "合同"]


def test_mixed_scripts_and_korean():
    tokens = tokenize("GDPR第5条 헌법재판소")
    assert tokens[:1] == ["gdpr"]
    assert {"第", "条", "5"} <= set(tokens)
    assert {"헌법", "재판", "판소"} <= set(tokens)


def test_full_width_forms_are_normalised():
    assert tokenize("ＡＢＣ　１２３") == ["abc", "123"]


def test_indic_words_stay_whole():
    assert tokenize("संविधान अनुच्छेद") == ["संविधान", "अनुच्छेद"]


def search_db(texts):
    conn = sqlite3.connect(":memory:")
    conn.execute(lexical.SCHEMA)
    lexical.insert(conn, list(range(1, len(texts) + 1)), texts)
    return conn


def search(texts, query, k, allowed_rows=None):
    return lexical.Postings(search_db(texts)).search(query, k, allowed_rows)


def fts5_bm25(texts, query):
    """SQLite's own BM25 over the stems of the texts' tokens, for the query's distinct stems OR-ed: the
    reference the in-memory scores match."""
    conn = sqlite3.connect(":memory:")
    conn.execute(lexical.SCHEMA)
    conn.executemany("INSERT INTO lex(rowid, tokens) VALUES (?, ?)",
                     [(row, " ".join(map(stem, tokenize(t)))) for row, t in enumerate(texts, 1)])
    expression = " OR ".join(f'"{t}"' for t in dict.fromkeys(map(stem, tokenize(query))))
    return dict(conn.execute("SELECT rowid, -bm25(lex) FROM lex WHERE lex MATCH ?", (expression,)))


def test_bm25_ranks_the_matching_passage_first():
    found = search(["freedom of speech", "personal liberty and life", "equality before the law"],
                   "life and personal liberty", k=3)
    assert [row for row, _ in found] == [2]
    assert found[0][1] > 0


def test_bm25_finds_chinese_substrings():
    rows = [row for row, _ in search(["用人单位应当订立书面劳动合同", "试用期不得超过一个月", "劳动者可以解除合同"],
                                     "没有签书面合同怎么办", k=3)]
    assert rows[0] == 1


def test_allowed_rows_restrict_results_and_keep_k():
    postings = lexical.Postings(search_db(["life one", "life two", "life three", "nothing"]))
    assert {row for row, _ in postings.search("life", k=5, allowed_rows={2, 3, 4})} == {2, 3}
    assert postings.search("life", k=1, allowed_rows={3}) == [(3, postings.search("life", k=3)[2][1])]
    assert postings.search("life", k=5, allowed_rows=set()) == []


def test_queries_without_known_tokens_and_empty_tables_find_nothing():
    assert search(['quoted "text" here'], "?!", k=3) == []
    assert search(['quoted "text" here'], 'AND OR NOT "', k=3) == []
    assert search([], "life", k=3) == []
    assert search(["life"], "life", k=0) == []


TEXTS = ["第一条 为了保护民事主体的合法权益，调整民事关系，制定本法。", "第二条 民法调整平等主体的自然人、法人之间的人身关系和财产关系。",
         "Article 21. No person shall be deprived of his life or personal liberty except according to procedure.",
         "Article 14. The State shall not deny to any person equality before the law.", "劳动合同 试用期 试用期 不得超过六个月",
         "life life life liberty", "民事主体从事民事活动，应当遵循诚信原则。"]


def test_scores_and_order_equal_sqlite_fts5_bm25():
    postings = lexical.Postings(search_db(TEXTS))
    for query in ["民事主体的权益", "personal liberty and life", "试用期多长", "the State and the law", "life", "persons"]:
        found = postings.search(query, k=len(TEXTS))
        reference = fts5_bm25(TEXTS, query)
        assert {row for row, _ in found} == set(reference)
        for row, score in found:
            assert abs(score - reference[row]) < 1e-4 * max(1.0, abs(score))
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_plurals_match_singulars():
    assert tokenize("Rights, liberties and factories; process, status") == [
        "right", "liberty", "factory", "process", "status"]


def test_english_words_meet_by_their_stem_in_stored_and_query_tokens():
    assert stem("appoints") == stem("appointed") == stem("appointment") == "appoint"
    assert stem("第五条") == "第五条" and stem("art21") == "art21"  # only words of ASCII letters
    texts = ["The Governor shall be appointed by the President", "The Governor may appoint", "Oath of office"]
    assert {row for row, _ in search(texts, "Who appoints?", k=3)} == {1, 2}
    assert [row for row, _ in search(texts, "appointment of governors", k=3)] == [2, 1]  # both terms; 2 is shorter
