"""Lay names and words, read in the statute's words too (assistant.aliases)."""
from assistant.aliases import with_aliases
from assistant.types import Hit
from assistant.verify.relevance import Gate, Relevance
from tests.conftest import make_passage


def test_the_statute_s_name_is_appended_once_and_only_when_missing():
    assert with_aliases("Can Parliament extend the term of the Lok Sabha?") == (
        "Can Parliament extend the term of the Lok Sabha? (House of the People)")
    assert with_aliases("May a Money Bill start in the Rajya Sabha or the lok sabha?").endswith(
        "(Council of States; House of the People)")
    assert with_aliases("Is the House of the People (Lok Sabha) dissolved?") == "Is the House of the People (Lok Sabha) dissolved?"
    assert with_aliases("When can President’s Rule be imposed?").endswith("(failure of constitutional machinery in States)")
    assert with_aliases("Does the news media have rights?") == "Does the news media have rights?"  # "ews" inside a word
    assert with_aliases("民法典第十条") == "民法典第十条"


def test_lay_words_and_abbreviations_get_the_statute_s_words():
    assert with_aliases("Can a company fire its DPO?") == "Can a company fire its DPO? (dismiss; data protection officer)"
    assert with_aliases("Can MLAs be arrested?").endswith("(members of the Legislative Assembly)")  # not "MLA"'s
    assert with_aliases("Is bonded labour banned?").endswith("(forced labour)")
    assert with_aliases("Who reports a data breach?").endswith("(personal data breach)")
    assert with_aliases("Who reports a personal data breach?") == "Who reports a personal data breach?"
    assert with_aliases("Is a firearm licence needed?") == "Is a firearm licence needed?"  # "fire" inside a word


def test_a_clause_in_the_statute_s_words_is_on_point_for_the_lay_name():
    art83 = make_passage("in/coi", 1, "Art. 83", "The House of the People, unless sooner dissolved, shall continue for "
                         "five years from the date appointed for its first meeting.")
    hits = [Hit(art83, 1.0)]
    question = "How long does the Lok Sabha last?"
    span = Relevance(question, hits).candidates()[0]
    plain, aliased = Relevance(question, hits).lexical(span), Relevance(with_aliases(question), hits).lexical(span)
    assert plain < aliased
    assert Relevance(with_aliases(question), hits).score(span, Gate()) == aliased
