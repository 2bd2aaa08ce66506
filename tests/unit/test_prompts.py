from assistant.prompts import REFUSAL, REFUSALS, build_messages, is_follow_up, language_of, rewrite_query
from assistant.types import Hit, Passage


def hit(n: int, text: str, cite: str = "Constitution of India, Art. 21") -> Hit:
    p = Passage(id=f"p{n}", doc_id="coi", text=text, cite=cite, path=(), kind="statute", jurisdiction="IN",
                language="en", title="Constitution of India", date="1950-01-26")
    return Hit(passage=p, score=1.0 / n, dense=0.5, rank=n)


ART21 = "No person shall be deprived of his life or personal liberty except according to procedure established by law."


def test_messages_number_passages_and_state_the_rules():
    messages = build_messages("What does Article 21 protect?", [hit(1, ART21), hit(2, "Other text.", "Art. 22")])
    system, user = messages[0]["content"], messages[-1]["content"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert REFUSAL in system and "[1]" in system and "instructions" in system
    assert "[1] Constitution of India, Art. 21 (1950-01-26)\n" + ART21 in user
    assert "[2] Art. 22 (Constitution of India, 1950-01-26)" in user
    assert user.rstrip().endswith("Question: What does Article 21 protect?")


def test_refusal_sentence_follows_question_language():
    assert REFUSALS["zh"] in build_messages("劳动合同的试用期最长多久？", [hit(1, ART21)])[0]["content"]
    assert REFUSALS["ko"] in build_messages("근로계약의 수습기간은 얼마입니까?", [hit(1, ART21)])[0]["content"]
    assert language_of("제21조(근로조건) 中華") == "ko"


def test_examples_and_history_become_prior_turns():
    example = ("Is there a right to life?", [hit(1, ART21)], "Yes: no person shall be deprived of life [1].")
    history = [{"role": "user", "content": "old question"}, {"role": "assistant", "content": "old answer"}]
    messages = build_messages("What about liberty?", [hit(1, ART21)], history=history, examples=[example])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert "Question: Is there a right to life?" in messages[1]["content"]
    assert messages[2]["content"] == example[2] and messages[3]["content"] == "old question"


def test_follow_ups_are_joined_with_the_earlier_question():
    history = [{"role": "user", "content": "What rights does an arrested person have under Article 22?"},
               {"role": "assistant", "content": "They must be told the grounds [1]."}]
    assert rewrite_query("What about Article 21?", history) == (
        "What rights does an arrested person have under Article 22? What about Article 21?")
    assert rewrite_query("Can it be suspended in an emergency?", history).startswith("What rights")
    stand_alone = "Which article of the Constitution guarantees equality before the law?"
    assert rewrite_query(stand_alone, history) == stand_alone
    assert rewrite_query("What about Article 21?", None) == "What about Article 21?"


def test_follow_up_chain_reaches_back_to_the_stand_alone_question():
    history = [{"role": "user", "content": "Which article protects personal liberty in India?"},
               {"role": "assistant", "content": "Article 21 [1]."},
               {"role": "user", "content": "And Article 22?"},
               {"role": "assistant", "content": "Arrest safeguards [2]."}]
    assert rewrite_query("Exceptions?", history) == (
        "Which article protects personal liberty in India? And Article 22? Exceptions?")
    assert is_follow_up("그럼 제22조는?") and not is_follow_up("근로기준법상 연차휴가는 며칠입니까?")
