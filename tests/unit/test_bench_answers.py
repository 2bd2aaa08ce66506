"""Scoring helpers of bench/answers.py (gold pinpoint matching, citation precision, refusal accuracy)
on hand-made Answer objects."""
import pytest

from assistant.types import Answer, Citation, Hit, Passage
from bench.answers import (
    answer_rate,
    citation_ok,
    citation_precision,
    gold_citations,
    gold_hit,
    interleaved,
    load_questions,
    matches_gold,
    refusal_accuracy,
    score,
    seen_in_training,
    trained_cites,
)


def passage(pid: str, cite: str) -> Passage:
    return Passage(id=pid, doc_id="doc", text="text", cite=cite, path=(cite,), kind="statute", jurisdiction="IN",
                   language="en", title="Constitution of India")


def hit(pid: str, cite: str) -> Hit:
    return Hit(passage=passage(pid, cite), score=1.0, dense=0.5)


def cit(n: int, pid: str, cite: str, supported: bool = True) -> Citation:
    return Citation(n=n, passage_id=pid, cite=cite, quote="q", supported=supported)


def answer(citations=(), hits=(), refused=False, timings=None) -> Answer:
    return Answer(question="q", text="t", citations=list(citations), hits=list(hits), refused=refused,
                  timings=timings or {})


ART21 = "Constitution of India, Art. 21"
ART21A = "Constitution of India, Art. 21A"


@pytest.mark.parametrize("cite,golds,expected", [
    (ART21, ["Art. 21"], True),
    (ART21A, ["Art. 21"], False),  # 21A is another article
    ("Constitution of India, Art. 210", ["Art. 21"], False),
    ("Constitution of India, Art. 121", ["Art. 21"], False),
    (ART21A, ["Art. 21A"], True),
    ("Constitution of India, Art. 21(1)", ["Art. 21"], True),
    ("Constitution of India, Art. 21, Explanation", ["Art. 21"], True),
    ("Kesavananda Bharati v. State of Kerala, para 12", ["Kesavananda Bharati"], True),
    ("Justice K.S. Puttaswamy (Retd.) v. Union of India, para 3", ["Puttaswamy", "Art. 21"], True),
    ("Constitution of India, Art. 300A", ["Art. 300"], False),
    ("Constitution of India, Art. 14", [], False),
    ("Constitution of India, Arts 21-22", ["Art. 21"], False),  # the dot is literal, not "any character"
])
def test_gold_matching(cite, golds, expected):
    assert matches_gold(cite, golds) is expected


def test_citation_ok_needs_support_and_retrieval():
    assert citation_ok(cit(1, "a", ART21), {"a"})
    assert not citation_ok(cit(1, "a", ART21, supported=False), {"a"})
    assert not citation_ok(cit(1, "b", ART21), {"a"})


def test_citation_precision_counts_citations_not_answers():
    hits = [hit("a", ART21), hit("b", ART21A)]
    one = answer([cit(1, "a", ART21), cit(2, "b", ART21A, supported=False)], hits)  # 1 of 2
    two = answer([cit(1, "a", ART21), cit(1, "a", ART21), cit(3, "zzz", "elsewhere")], hits)  # 2 of 3
    none = answer(hits=hits, refused=True)
    assert citation_precision([one, two, none]) == (3, 5)
    assert citation_precision([none]) == (0, 0)


def test_gold_citations_skip_questions_without_gold():
    hits = [hit("a", ART21), hit("b", ART21A)]
    a = answer([cit(1, "a", ART21), cit(2, "b", ART21A)], hits)
    b = answer([cit(1, "a", ART21)], hits)
    assert gold_citations([a, b], [["Art. 21"], []]) == (1, 2)
    assert gold_citations([a, b], [["Art. 21A"], ["Art. 21"]]) == (2, 3)
    with pytest.raises(ValueError):
        gold_citations([a], [["Art. 21"], ["Art. 22"]])


def test_gold_hit_needs_an_answer():
    cited = [cit(1, "a", ART21)]
    assert gold_hit(answer(cited, [hit("a", ART21)]), ["Art. 21"])
    assert not gold_hit(answer(cited, [hit("a", ART21)], refused=True), ["Art. 21"])
    assert not gold_hit(answer([cit(1, "b", ART21A)], [hit("b", ART21A)]), ["Art. 21"])


def test_refusal_accuracy_and_answer_rate():
    answers = [answer(refused=True), answer(refused=False), answer(refused=True), answer(refused=True)]
    assert refusal_accuracy(answers) == (3, 4)
    assert answer_rate(answers) == (1, 4)
    assert refusal_accuracy([]) == (0, 0)


def test_score_splits_answerable_from_unanswerable():
    items = [{"answerable": True, "gold": ["Art. 21"]}, {"answerable": True, "gold": ["Art. 14"]},
             {"answerable": False, "gold": []}, {"answerable": False, "gold": []}]
    h = [hit("a", ART21)]
    answers = [
        answer([cit(1, "a", ART21)], h, timings={"first_token_s": 2.0, "tokens_per_s": 10.0}),
        answer([cit(1, "a", ART21, supported=False)], h, timings={"first_token_s": 4.0, "tokens_per_s": 6.0}),
        answer(refused=True, timings={"retrieve_s": 0.1}),  # refused before the model: no timing
        answer([cit(1, "a", ART21)], h, timings={"first_token_s": 3.0, "tokens_per_s": 0.0}),  # wrongly answered
    ]
    got = score(items, answers)
    assert got["citation_precision"] == (2, 3)
    assert got["gold_citations"] == (1, 2)
    assert got["answer_rate"] == (2, 2)
    assert got["gold_hit_rate"] == (1, 2)
    assert got["refusal_accuracy"] == (1, 2)
    assert got["gold_hit_unseen"] == (0, 0)  # Art. 21 and Art. 14 are both gold of training examples
    assert got["first_token_s"] == [2.0, 4.0, 3.0]
    assert got["tokens_per_s"] == [10.0, 6.0]  # a one-token answer has no decode speed
    with pytest.raises(ValueError):
        score(items, answers[:3])


def test_question_file_and_subsets():
    items = load_questions()
    assert len(items) == 30 and sum(i["answerable"] for i in items) == 20
    assert all(i["gold"] for i in items if i["answerable"]) and not any(i["gold"] for i in items if not i["answerable"])
    quick = load_questions(6)
    assert [i["answerable"] for i in quick] == [True] * 4 + [False] * 2


def test_interleaved_order_keeps_two_answerable_per_unanswerable():
    order = interleaved(load_questions())
    assert len(order) == 30 and {i["question"] for i in order} == {i["question"] for i in load_questions()}
    assert [i["answerable"] for i in order[:6]] == [True, True, False, True, True, False]
    assert all(sum(i["answerable"] for i in order[:n]) == 2 * n // 3 for n in (3, 9, 15, 30))


def test_questions_whose_gold_was_trained_on_are_told_apart():
    cites = trained_cites()
    assert "Constitution of India, Art. 21" in cites and "Constitution of India, Art. 22" not in cites  # 22: dev
    assert seen_in_training({"gold": ["Art. 21"]}, cites)
    assert not seen_in_training({"gold": ["Art. 2"]}, cites)  # not a prefix match of Art. 21
    assert not seen_in_training({"gold": ["Kesavananda Bharati"]}, cites)
    unseen = [i for i in load_questions() if i["answerable"] and not seen_in_training(i, cites)]
    assert len(unseen) == 8
