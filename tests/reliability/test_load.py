"""Load: 20 concurrent `ask` calls on one Assistant complete without errors, each with its own answer.

Latency is measured by `bench/load.py` (python -m bench.load), not asserted here.
"""
from __future__ import annotations

import json

import pytest

from bench.load import concurrent_asks, make_assistant, questions


@pytest.fixture
def loaded(tmp_path):
    return make_assistant(tmp_path, n_passages=300), tmp_path / "audit.jsonl"


def test_twenty_concurrent_asks_complete(loaded):
    assistant, _ = loaded
    answers, latencies, errors, _ = concurrent_asks(assistant, questions(20) * 2, threads=20)
    assert errors == [] and len(latencies) == 40 and len(answers) == 20
    for answer in answers.values():
        assert not answer.refused and answer.citations
        assert {c.passage_id for c in answer.citations} <= {h.passage.id for h in answer.hits}


def test_each_caller_gets_its_own_answer(loaded):
    assistant, audit = loaded
    asked = []
    for _ in range(3):
        round_questions = questions(20)
        asked += round_questions
        answers, _, errors, _ = concurrent_asks(assistant, round_questions, threads=20)
        assert errors == []
        for question, answer in answers.items():
            assert answer.question == question  # not another caller's answer
            article = question.split()[3]  # "What does Article N say ..."
            assert answer.hits[0].passage.cite.endswith(f"Art. {article}")
    if audit.exists():  # the audit log holds each ask exactly once
        logged = [json.loads(line)["question"] for line in audit.read_text(encoding="utf-8").splitlines()]
        assert sorted(logged) == sorted(asked)
