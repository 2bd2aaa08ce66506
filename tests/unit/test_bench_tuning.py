"""bench.tuning: paired bootstrap gaps and the target rows (pure; no model)."""
from bench.metrics import bootstrap_gap
from bench.tuning import per_item, target_rows


def rows(values, key="rouge_l", refused=()):
    out = [{"kind": "answer", key: v, "cite_recall": v} for v in values]
    return out + [{"kind": "refusal", "refused": r} for r in refused]


def test_bootstrap_interval_brackets_the_mean_and_excludes_zero_for_a_steady_gain():
    gap, low, high = bootstrap_gap([0.5, 0.6, 0.55, 0.7] * 5, [0.3, 0.35, 0.3, 0.4] * 5)
    assert low <= gap <= high and low > 0


def test_bootstrap_interval_spans_zero_for_noise():
    gap, low, high = bootstrap_gap([0.1, 0.9, 0.2, 0.8, 0.5], [0.8, 0.2, 0.7, 0.3, 0.5])
    assert low < 0 < high and abs(gap) < 0.05


def test_per_item_counts_missing_values_as_zero_and_skips_refusal_items():
    assert per_item(rows([0.4, None], refused=[True]), "rouge_l") == [0.4, 0.0]


def test_target_rows_say_met_only_when_the_interval_clears_zero_and_refusals_reach_the_bar():
    items = {"lora": rows([0.6] * 10), "zero-shot": rows([0.2] * 10)}
    found = target_rows({"lora": {"refusal_accuracy": 0.75}}, items, "x")
    assert [r["met"] for r in found] == ["yes", "yes", "no"]
    same = target_rows({"lora": {"refusal_accuracy": 0.9}}, {"lora": rows([0.2] * 10), "zero-shot": rows([0.2] * 10)}, "x")
    assert [r["met"] for r in same] == ["no", "no", "yes"]
