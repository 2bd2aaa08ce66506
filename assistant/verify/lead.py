"""Yes/no questions: take the model's lead off its draft, and settle the served lead in code. Pure.

A question is yes/no when it opens with an auxiliary ("Can", "Is", "Does", "May", ...), or asks with 吗,
是否, 能否, 可否, 可不可以, 是不是, 有没有, or Korean/Japanese question endings. The lead is settled from
the served sentence whose anchor span holds most of the question's content terms (at least LEAD_MIN):
read on the clauses of that span the question is about, "yes" when the question and the span have the
same polarity, "no" when they differ. A "without ..." both state is left out of that reading ("Can a person
be detained without being told the grounds?" against "No person ... shall be detained ... without being
informed" is "no"). No lead, and the served sentence and its quote speak alone, when:
- the span is conditional (except, unless, notwithstanding, 但是 ...) or a definition ("'genetic data' means");
- the span is a list item without its list's opening words (its chunk starts inside the list): they may
  forbid what the item names ("(g) the ... use of biometric categorisation systems ... to infer ... sexual
  orientation" is prohibited by words the passage lacks);
- the span opens with "or", "and", "but": it goes on a sentence begun elsewhere, maybe in a list's opening words
  or in the previous passage ("or the use of an AI system for making risk assessments ..." of AI Act Art. 5(1)(d),
  whose passage starts inside the item, got "No." to "Is predictive policing ... prohibited?");
- only the question or only the span states a "without ...";
- the span denies a thing the question does not name: "No religious instruction shall be provided" says
  nothing of "Can the State impose a tax on religious institutions?" (`denied_elsewhere`);
- a Chinese window around the question's terms reads otherwise than its whole sentence, which ends on its main
  clause ("未使相同性別二人得以結婚，顯亦非合理之差別待遇" is not "未使...得以結婚"; "羈押被告之權屬於法官，檢察官無羈押被告之權"
  goes on to deny, of another);
- the span leaves more than one negation open ("未使相同性別二人得以結婚，顯亦非合理之差別待遇", not allowing is not
  reasonable): code does not read the scope of two negations (`polarity.open_cues`);
- the span itself asks "whether" ("故國家是否有必要以刑法處罰通姦行為，尚非無疑"): it leaves the question open;
- the span states its case first ("……的，", "For any further copies ...,") and the question holds less than half
  of it (`case_unstated`);
- a Chinese question's act, what follows its modal, is nowhere in the span, or, where the question asks "may"
  and the span imposes a duty, not all in it: "不满十八周岁的人可以结婚吗？"
  over "不满十八周岁的自然人为未成年人" shares only the condition (`act_missing`);
- a Chinese question states a case ("劳动者患病在规定的医疗期内，...可以...解除劳动合同吗？") and the span is a list
  item whose case differs from it by a negation ("（一）...医疗期满后不能从事原工作的"): the item's rule is not
  the question's. Where the cases agree, the lead compares what the question asks with the list's opening
  words (`zh_condition`);
- the question states a figure and the span none ("男方二十岁可以登记结婚吗？" over a clause stating no age);
- the question asks for a duty and the span only permits, or too little of the question is in the span;
- the question asks whether something may be done and the span imposes a duty to do (not a prohibition) without
  every term of the question
  ("Is an AI system that exploits the vulnerabilities of children allowed?" is not answered "Yes." by "High-risk AI
  systems shall be resilient against ... exploiting system vulnerabilities");
- the model's own lead says the opposite.
"""
from __future__ import annotations

import re

from assistant.text import CJK_RUN, CJK_STOP, language_of, normalize, numbers, terms
from assistant.verify.anchor import ELISION, ITEM, Anchor, coverage, window
from assistant.verify.polarity import EN_MAY, ZH_NEGATORS, open_cues, polarity

DEFINITION = re.compile(r"(?<!by )\bmeans\b(?! of)|\bshall mean\b|\brefers to\b", re.IGNORECASE)  # not "by means of"
WITHOUT = re.compile(r"\bwithout\b", re.IGNORECASE)
# "No <thing> shall|may|...": the words the negation opens, up to the verb
DENIED = re.compile(r"\bno\s+((?:[\w-]+\s+){1,5}?)(?:shall|may|can|must|will)\b", re.IGNORECASE)
LEAD_MIN = 0.5  # share of the question's content terms the span must hold to settle a lead
EN_YES_NO = re.compile(r"^\s*(?:can|may|is|are|does|do|did|shall|must|will|has|have|could|should|would|was|were|"
                       r"am|might|need)\b", re.IGNORECASE)
ZH_YES_NO = re.compile(r"[吗么][\s?？。]*$|是否|能否|可否|可不可以|能不能|是不是|有没有|会不会|要不要|需不需要|算不算|行不行")
KO_YES_NO = re.compile(r"(?:까|나요|가요|지요|습니까)\s*[?？]?\s*$")
JA_YES_NO = re.compile(r"(?:か|ですか|ますか)\s*[?？。]?\s*$")
MODEL_LEAD = re.compile(r"^\s*(yes|no|是的|是|否|不是|不可以|可以|不能|能|不得|不会|会|不需要|需要|예|아니요|はい|いいえ)"
                        r"\s*(?:\[[\d,\s]*\]\s*)*(?:[,.;:!—–\-，。；：！、]\s*|$)", re.IGNORECASE)
# a Chinese yes/no question's act: what follows its modal in its last clause ("...的人可以结婚吗？" -> "结婚")
ZH_ACT = re.compile(r"(?:可以|能够|应当|应该|必须|需要|能|可)(?:不(?:可以|能够|能|可|需要))?(?P<act>[^，,；;。？?]+?)"
                    r"(?:吗|么|呢)?[\s？?。]*$")
CLAUSE_BREAK = re.compile(r"[，,；;]")
CONTINUES = re.compile(r"^\W*(?:or|and|but|nor)\b", re.IGNORECASE)  # "or the use of an AI system ...": begun elsewhere
WHETHER = re.compile(r"\bwhether\b|是否|能否|可否", re.IGNORECASE)  # a span that asks a question of its own
EN_CASE = re.compile(r"^\W*(?:\(\w{1,4}\)\s*|\d+\.\s*)?(?:for|in the case of|in respect of|as regards|with regard to)\b"
                     r"(?P<case>[^,;:]{3,120}),", re.IGNORECASE)  # "For any further copies ..., the controller may"
ZH_CASE = re.compile(r"^\W*(?P<case>[^。；;：:]+?的)[，,]")  # a Chinese span's case: "……的，" before its rule
WORDS = {"en": ("Yes.", "No."), "zh": ("是。", "否。"), "ko": ("예.", "아니요."), "ja": ("はい。", "いいえ。")}
NEGATIVE_LEADS = {"no", "否", "不是", "不可以", "不能", "不得", "不会", "不需要", "아니요", "いいえ"}


def is_yes_no(question: str) -> bool:
    q = normalize(question.strip())
    return bool(EN_YES_NO.search(q) or ZH_YES_NO.search(q) or KO_YES_NO.search(q) or JA_YES_NO.search(q))


def strip_lead(draft: str) -> tuple[str, str]:
    """(the model's own lead "yes" | "no" | "", the draft without it)."""
    found = MODEL_LEAD.match(draft)
    if not found:
        return "", draft
    word = normalize(found.group(1))
    return ("no" if word in NEGATIVE_LEADS else "yes"), draft[found.end():]


def settle(question: str, anchors: list[Anchor], model_lead: str = "") -> str:
    """"yes", "no" or "" (cannot be settled in code) for a yes/no question, from the served anchors."""
    if not anchors or not is_yes_no(question):
        return ""
    wanted = terms(question)
    best = max(anchors, key=lambda a: coverage(wanted, a.span, ""))
    span = window(best.span, wanted)
    asked_without, said_without = bool(WITHOUT.search(question)), bool(WITHOUT.search(span))
    if (coverage(wanted, best.span, "") < LEAD_MIN or polarity(best.span).conditional or DEFINITION.search(best.span)
            or ITEM.match(best.span) or CONTINUES.match(best.span)
            or asked_without != said_without or (numbers(question) and not numbers(best.span))
            or denied_elsewhere(span, wanted) or act_missing(question, best.span)
            or case_unstated(question, best.span) or WHETHER.search(span)):
        return ""
    if asked_without:  # the same circumstance on both sides: the main clause decides ("No person ... shall")
        question, span = WITHOUT.sub(" ", question), WITHOUT.sub(" ", span)
    condition, asks = zh_condition(question)
    if condition and ELISION in span:
        # an item is the case its list's opening words rule on: it must be the question's case, negation for
        # negation, and then the opening words answer what the question asks
        opener, item = span.split(ELISION, 1)
        if polarity(condition).negative != polarity(item).negative:
            return ""
        question, span = asks, opener
    if open_cues(span) > 1 or (language_of(span) == "zh" and ELISION not in best.span
                               and open_cues(span) != open_cues(best.span)):
        return ""  # two negations, or a Chinese sentence whose last clauses add one to what the window says
    asked, said = polarity(question), polarity(span)
    if asked.modality == "must" and said.modality == "may":
        return ""
    if asked.modality == "may" and said.modality == "must" and (
            act_missing(question, best.span, every=True) if language_of(question) == "zh"
            else not said.negative and coverage(terms(EN_MAY.sub(" ", normalize(question))), best.span, "") < 1.0):
        return ""  # a duty answers "may ...?" only for the very act it imposes (in English: a duty to do, every term)
    lead = "yes" if asked.negative == said.negative else "no"
    return "" if model_lead and model_lead != lead else lead


def denied_elsewhere(span: str, wanted: set[str]) -> bool:
    """The span opens a denial with "No <thing> shall ..." and the question lacks as many of the thing's terms
    as it holds: its "no" denies something else ("religious instruction" for a tax on religious institutions;
    "child below the age of fourteen years" is still the question's "child below fourteen")."""
    for found in DENIED.finditer(span):
        thing = terms(found.group(1))
        if len(thing & wanted) <= len(thing - wanted):
            return True
    return False


def case_unstated(question: str, span: str) -> bool:
    """The span rules on a case it states first, and the question holds less than half of it: its rule is not the
    question's. A Chinese case ends "……的，" ("夫妻一方隐藏、转移……夫妻共同财产……的，……对该方可以少分或者不分" for "夫妻一方婚前的
    财产，离婚时要分吗？"), measured in characters, not bigrams: a lay question states the case in fewer words
    ("用人单位可以扣押劳动者的身份证吗？" states "用人单位违反本法规定，扣押劳动者居民身份证等证件的"). An English one opens
    "For ...," or "In the case of ...," ("For any further copies requested by the data subject, the controller may
    charge a reasonable fee" for "Can a controller charge a fee for a copy of my data?"); "where" and "if" are
    conditions already. A list item joined to its opening words is left to `zh_condition`."""
    if ELISION in span:
        return False
    if language_of(span) != "zh":
        found = EN_CASE.match(span)
        case = terms(found.group("case")) if found else set()
        return len(case & terms(question)) < LEAD_MIN * len(case)
    found = ZH_CASE.match(normalize(span))
    case = han(found.group("case")) if found else set()
    return len(case & set(normalize(question))) < LEAD_MIN * len(case)


def han(text: str) -> set[str]:
    """The text's Chinese characters, particles and question words left out: a case or an act, counted by
    character (a lay question words it differently from the statute)."""
    return {c for c in text if CJK_RUN.match(c)} - CJK_STOP


def zh_condition(question: str) -> tuple[str, str]:
    """(the case a Chinese question states, what it asks of it): "用人单位未及时足额支付劳动报酬，劳动者可以解除劳动合同吗？"
    is ("用人单位未及时足额支付劳动报酬", "劳动者可以解除劳动合同吗？"); ("", question) for one clause or another language."""
    if language_of(question) != "zh" or not CLAUSE_BREAK.search(question):
        return "", question
    *before, asks = CLAUSE_BREAK.split(question)
    return "，".join(before), asks


def act_missing(question: str, span: str, every: bool = False) -> bool:
    """The span holds none of the terms of what a Chinese question asks may or must be done; with `every`, it
    lacks a character of it (a negation aside): a duty answers "may ...?" only for the whole act
    ("用人单位可以随意延长劳动者的工作时间吗？" got "是。" over a duty to consult the workers on rules about "工作时间")."""
    found = ZH_ACT.search(normalize(question))
    if not found:
        return False
    if every:
        return not han(found.group("act")) - set(ZH_NEGATORS) <= set(normalize(span))
    act = terms(found.group("act"))
    return bool(act) and not act & terms(span)


def lead_word(lead: str, question: str) -> str:
    if not lead:
        return ""
    yes, no = WORDS.get(language_of(question), WORDS["en"])
    return yes if lead == "yes" else no
