"""Answer metrics: character-level tokens for Chinese, ROUGE-L / F1 / BLEU bounds, citations, refusals."""
import pytest

from assistant.evaluate import metrics as m


def test_tokens_are_characters_for_chinese_and_words_for_english():
    assert m.tokens("合同无效[1]。") == ["合", "同", "无", "效"]
    assert m.tokens("Art. 21 protects LIFE [2].") == ["art", "21", "protects", "life"]


@pytest.mark.parametrize("fn", [m.rouge_l, m.token_f1, m.bleu])
def test_identical_text_scores_one_and_disjoint_text_zero(fn):
    assert fn("劳动合同应当书面订立", "劳动合同应当书面订立") == pytest.approx(1.0)
    assert fn("甲乙丙", "丁戊己") == pytest.approx(0.0, abs=1e-3)
    assert fn("", "劳动合同") == 0.0


def test_rouge_l_uses_the_longest_common_subsequence():
    # LCS of "abcd" / "acbd" is 3 tokens: P = R = 3/4
    assert m.rouge_l("a b c d", "a c b d") == pytest.approx(0.75)


def test_token_f1_counts_multiset_overlap():
    # pred 合合同 (3), ref 合同 (2): overlap 2 -> P 2/3, R 1 -> F1 0.8
    assert m.token_f1("合合同", "合同") == pytest.approx(0.8)


def test_markers_do_not_change_text_scores():
    assert m.rouge_l("应当订立书面合同[1][2]。", "应当订立书面合同。") == pytest.approx(1.0)


def test_bleu_penalises_short_answers():
    ref = "用人单位应当自用工之日起一个月内订立书面劳动合同"
    assert m.bleu(ref[:8], ref) < m.bleu(ref, ref)


def test_citation_precision_and_recall_against_gold_cites():
    cites = ["法A 第一条", "法B 第二条", "法C 第三条"]
    assert m.citation_scores("甲[1]。乙[3]。", cites, {"法A 第一条", "法B 第二条"}) == (0.5, 0.5)
    assert m.citation_scores("没有引用。", cites, {"法A 第一条"}) == (None, 0.0)
    assert m.citation_scores("越界[9]。", cites, {"法A 第一条"}) == (None, 0.0)
    assert m.citation_scores("甲[1]。", cites, set()) == (0.0, None)


def test_mean_skips_missing_values():
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None


def test_eval_reuses_an_adapter_setting_only_while_its_weights_file_is_unchanged(tmp_path):
    from assistant.evaluate.run import _same_adapter, weights_hash

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_model.safetensors").write_bytes(b"weights v1")
    row = {"adapter": str(adapter), "adapter_sha256": weights_hash(str(adapter))}
    (adapter / "README.md").write_text("card with eval figures")  # the card may change freely
    assert _same_adapter(row, str(adapter))
    (adapter / "adapter_model.safetensors").write_bytes(b"weights v2")
    assert not _same_adapter(row, str(adapter))
    assert not _same_adapter(row, str(tmp_path / "other"))
    assert _same_adapter({"adapter": None, "adapter_sha256": None}, None)


def test_served_refusal_counts_what_the_answering_path_would_refuse():
    from assistant.evaluate.run import score, summarize
    from assistant.train.data import Example
    from assistant.types import Hit, Passage

    article = Passage(id="a1", doc_id="law", text="劳动者在试用期内提前三日通知用人单位，可以解除劳动合同。",
                      cite="劳动合同法 第三十七条", path=("劳动合同法", "第三十七条"), kind="statute",
                      jurisdiction="CN", language="zh", title="劳动合同法")
    hits = [Hit(passage=article, score=1.0, dense=0.9, rank=1)]
    answerable = Example("q1", "试用期可以解除合同吗？", "zh", "answer", hits, "", "可以。", ["劳动合同法 第三十七条"])
    other = Passage(id="a2", doc_id="civil", text="夫妻在婚姻关系存续期间所得的工资、奖金，为夫妻的共同财产。",
                    cite="民法典 第一千零六十二条", path=("民法典", "第一千零六十二条"), kind="statute",
                    jurisdiction="CN", language="zh", title="民法典")
    withheld = Example("q1", "试用期可以解除合同吗？", "zh", "refusal", [Hit(passage=other, score=1.0, dense=0.9, rank=1)],
                       "", "", [], "nearest")
    def similarity(question, spans):  # stands in for e5, whose cosines the Chinese gate adds
        return [0.9] * len(spans)

    rows = [{**score(answerable, "劳动者在试用期内提前三日通知用人单位，可以解除劳动合同[1]。", similarity), "seconds": 1.0,
             "new_tokens": 9},
            {**score(answerable, "所提供的资料无法回答这个问题。", similarity), "seconds": 1.0, "new_tokens": 9},  # refuses
            {**score(withheld, "您好，公司应当赔偿员工十万元。", similarity), "seconds": 1.0, "new_tokens": 9}]  # invented
    assert [r["refused"] for r in rows] == [False, True, False]
    assert [r["served_refused"] for r in rows] == [False, True, True]
    summary = summarize(rows)
    assert summary["refusal_accuracy"] == 0.0 and summary["served_refusal_accuracy"] == 1.0
    assert summary["false_refusal"] == 0.5 and summary["served_false_refusal"] == 0.5
