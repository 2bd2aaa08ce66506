"""recall@k, MRR and percentile helpers of bench/metrics.py on hand-made rankings."""
import pytest

from bench.metrics import percentile, recall_at_k, reciprocal_rank, summarise

A, B, C = "law第一条", "law第二条", "law第三条"


def test_recall_counts_gold_covered_within_k():
    ranking = [set(), {A}, set(), {B}]
    assert recall_at_k(ranking, {A, B}, 1) == 0.0
    assert recall_at_k(ranking, {A, B}, 2) == 0.5
    assert recall_at_k(ranking, {A, B}, 4) == 1.0


def test_recall_counts_a_chunk_that_covers_several_articles_once_per_article():
    assert recall_at_k([{A, B, C}], {A, B}, 1) == 1.0
    assert recall_at_k([{A}, {A}], {A, B}, 2) == 0.5


def test_recall_with_no_gold_or_short_ranking():
    assert recall_at_k([{A}], set(), 5) == 0.0
    assert recall_at_k([], {A}, 5) == 0.0
    assert recall_at_k([{A}], {A}, 10) == 1.0


def test_reciprocal_rank_is_first_gold_hit():
    assert reciprocal_rank([set(), set(), {B}], {A, B}) == pytest.approx(1 / 3)
    assert reciprocal_rank([{A}, {B}], {B}) == 0.5
    assert reciprocal_rank([set(), {A}], {C}) == 0.0


def test_reciprocal_rank_respects_cutoff():
    assert reciprocal_rank([set(), set(), {A}], {A}, k=2) == 0.0


def test_summarise_means_over_questions():
    rankings = [[{A}, set()], [set(), {B}], [set(), set()]]
    golds = [{A}, {B, C}, {C}]
    got = summarise(rankings, golds, ks=(1, 2))
    assert got["recall@1"] == pytest.approx(1 / 3)
    assert got["recall@2"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert got["MRR"] == pytest.approx((1 + 0.5 + 0) / 3)


def test_summarise_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        summarise([[{A}]], [{A}, {B}])


def test_percentile_interpolates():
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 5.0
    assert percentile([1.0, 2.0], 95) == pytest.approx(1.95)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_gold_keys_drop_the_prc_prefix_and_keep_the_article():
    from bench.retrieval import split_gold

    assert split_gold("中华人民共和国民法典第九百六十七条") == ("民法典", "第九百六十七条")
    assert split_gold("合伙企业法第四条") == ("合伙企业法", "第四条")
    assert split_gold("刑法第十七条之一") == ("刑法", "第十七条之一")
    assert split_gold("物业管理条例") is None


def test_baseline_chunk_covers_headings_whole_articles_and_pieces():
    from bench.baselines import covers

    articles = {"第一条": "为了保护合法权益，制定本法。", "第十条": "长" * 60, "第十条之一": "另一条。"}
    assert covers("第一条\u3000为了保护合法权益，制定本法。\n第十条\u3000长长", articles) == {"第一条", "第十条"}
    assert covers("依照本法第一条的规定", articles) == set()  # a reference is not a heading
    assert covers("长" * 30, articles) == {"第十条"}  # continuation piece of a long article
    assert covers("第十条之一\u3000另一条。", articles) == {"第十条之一"}


def test_within_budget_keeps_the_items_that_fit_and_at_least_one():
    from bench.retrieval import within_budget

    ranking = [[{A}, {B}, {C}], [set(), {C}]]
    lengths = [[100, 100, 100], [300, 10]]
    assert within_budget(ranking, lengths, [200, 50]) == [[{A}, {B}], [set()]]
