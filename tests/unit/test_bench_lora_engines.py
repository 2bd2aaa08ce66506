"""The agreement count of bench/lora_engines.py (pure part)."""
from bench.lora_engines import shared_lead


def test_shared_lead_counts_tokens_until_the_first_difference():
    assert shared_lead([1, 2, 3, 4], [1, 2, 9, 4]) == 2
    assert shared_lead([1, 2], [1, 2, 3]) == 2  # one answer ended: the shorter is all shared
    assert shared_lead([5], [6]) == 0 and shared_lead([], [1]) == 0
