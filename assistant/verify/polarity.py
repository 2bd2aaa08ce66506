"""Polarity of a clause: does it deny or prohibit, does it oblige or permit, is it conditional? Pure.

A clause is *negative* when it holds a negation cue that no second cue cancels. Cues are negators
("no", "not", "never", "cannot", "n't", "without", "except", "unless", 不, 没, 未, 无, 非, 勿, 않, 못, 없,
ない, ず) and negative words ("prohibited", "forbidden", "abolished", "deprived", "deny", "void", "omitted", "repealed", 禁止,
剥夺, 拒绝, 无效, 금지). A negator followed closely by a negative word cancels it: "shall not deny",
"不得拒绝", "no person shall be deprived" are positive. Coordinated negatives stay negative: "abolished
and ... forbidden". A claim must also keep its span's count of cues up to parity (`keeps_polarity`), so
"may be detained without being informed" does not pass for "no person shall be detained without being
informed".
Words that only look negative are masked first: 不动产, 未成年人, 无民事行为能力, 不满 (under an age), "nonetheless".
*Modality*: "must" (shall, must, required, 应当, 必须), "may" (may, can, entitled, 可以, 有权, Taiwanese 得), or "".
*Conditional*: the clause carries an exception or condition (except, unless, only, subject to, notwithstanding,
a saving "Nothing in this article shall ..." (what it saves depends on the verb: "prevent", "affect", "apply"),
a negation inside a relative clause: "A Minister who ... is not a member ... shall cease", 除…外, 但是, 除非,
如…者, 若; and a denial of "all" ("not all freedoms", 並非一切自由 ... 受憲法毫無差別之保障), which says nothing of any
one of them): a yes/no lead is never settled on such a clause, its quote is shown instead.
Chinese is compared after `assistant.text.normalize` (Traditional -> Simplified).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import language_of, normalize

EN_NEGATORS = frozenset("no not never nor none nobody neither cannot nothing without except unless".split())
EN_NEGATIVE = re.compile(
    r"^(?:prohibit|forbid|forbad|abolish|depriv|deni|deny|void|invalid|unlawful|illegal|bar|barred|disqualif|"
    r"preclud|prevent|refus|revok|restrain|ban|banned|inadmissib|unenforc|null|lapse|cease|terminat|omit|omission|"
    r"repeal|delet)"
)
EN_MASKED = re.compile(r"\b(?:nonetheless|notwithstanding|non-obstante|not only|no later than|no more than|"
                       r"not later than|not more than|not less than|no less than|not exceeding)\b")
# "Nothing in this article or in clause (2) of article 29 shall prevent the State from ...": the provisions named
# between "nothing" and its verb are left out, so "nothing" meets "prevent" and the two cancel (the State may)
EN_SAVING = re.compile(r"\bnothing\s+(?:in|contained in)\b[^.;:]*?\b(?=shall|may|will|is|are|does|do)\b")
EN_CONDITIONAL = re.compile(r"\b(?:except|unless|only|save|subject to|provided that|provided further|nothing (?:contained )?in|"
                            r"otherwise than|other than|not being|notwithstanding|not (?:all|every)|"
                            r"(?:who|which)\b[^,.;:]{0,60}?\b(?:not|never)\b|if|where|in accordance with|by law|by or under)\b")
EN_MUST = re.compile(r"\b(?:shall(?! have the power| be entitled| be lawful)|must|required|obliged|obligat\w*|"
                     r"duty|has to|have to|need to|needs to)\b")
EN_MAY = re.compile(r"\b(?:may|can|could|entitled|allowed|permitted|lawful|right to|power to|free to|"
                    r"shall have the power|shall be entitled|shall be lawful)\b")
REACH = 5  # tokens between a negator and the negative word it cancels

ZH_MASKED = ("不动产", "不当得利", "不可抗力", "不特定", "不论", "不仅", "无论", "无因管理", "无民事行为能力",
             "未成年", "未满", "不满", "非营利", "非法", "无偿", "无记名", "无过错", "并非", "不利", "无条件", "非婚生",
             "不在此限", "无须", "毋庸", "无需",
             "是否", "能否", "可否", "是不是", "能不能", "可不可以", "会不会", "要不要", "有没有", "需不需要", "行不行",
             "算不算", "用不用", "该不该")  # A-not-A questions ask; they deny nothing  # 非法 ("illegal") describes an act, it denies nothing
ZH_NEGATORS = "不没未无非勿莫否"  # not 别: in statutes it is 性别, 特别, 分别, 差别, not "don't"
ZH_NEGATIVE = ("禁止", "剥夺", "拒绝", "撤销", "取消", "免除", "违反", "侵犯", "侵害", "废止", "驳回", "失效", "限制", "干预",
               "干涉")  # "不受干预" (free from interference) guarantees, as "不得拒绝" obliges
ZH_CONDITIONAL = re.compile(r"除[^，。；]{0,30}[外以]|除非|但是|但|未经|只有|仅|如果|如[^，。；]{1,40}者|若(?!干)|倘|以外|之外|"
                            r"另有规定|并非(?:一切|所有|全部|每)")  # 如…者, 若, 倘: "if ..." (若干 is "several"); "not all ..."
ZH_MUST = ("应当", "必须", "应该", "须", "应", "义务")
ZH_MAY = ("可以", "有权", "能够", "可", "得", "权利", "允许")
KO_NEGATORS = ("않", "못", "없", "아니", "금지", "불가", "무효", "박탈")
JA_NEGATORS = ("ない", "ず", "ぬ", "禁止", "できない", "無効")


@dataclass(frozen=True)
class Polarity:
    negative: bool
    modality: str  # "must" | "may" | ""
    conditional: bool

    def agrees(self, other: "Polarity") -> bool:
        """A claim keeps its span's polarity: same negation, and no obligation drawn from a mere permission."""
        return self.negative == other.negative and not (self.modality == "must" and other.modality == "may")


def keeps_polarity(claim: str, span: str) -> bool:
    """The claim restates the span without inverting it: the same count of negation cues up to parity, the
    same verdict on whether a cue is left open (which sees through "abolished and ... forbidden"), and no
    obligation drawn from a mere permission. A sentence failing any of the three is not served."""
    mine, theirs = polarity(claim), polarity(span)
    return mine.agrees(theirs) and cue_count(claim) % 2 == cue_count(span) % 2


def polarity(text: str) -> Polarity:
    language = language_of(text)
    if language == "zh":
        return _chinese(normalize(text))
    if language in ("ko", "ja"):
        return Polarity(cue_count(text) % 2 == 1, "", False)
    return _english(text.lower())


def cues(text: str) -> list[str]:
    """"negator" | "negative" | "" per token (English) or character (Chinese), after masking look-alikes."""
    language = language_of(text)
    if language == "zh":
        return _chinese_cues(normalize(text))
    if language in ("ko", "ja"):
        found = KO_NEGATORS if language == "ko" else JA_NEGATORS
        return ["negator"] * sum(text.count(c) for c in found)
    tokens = re.findall(r"[a-z]+n['’]t\b|[a-z]+", EN_MASKED.sub(" ", EN_SAVING.sub("nothing ", text.lower())))
    return [_en_cue(t) for t in tokens]


def cue_count(text: str) -> int:
    return sum(bool(c) for c in cues(text))


def _english(text: str) -> Polarity:
    masked = EN_MASKED.sub(" ", text)
    negative = _open_cues(cues(text))
    modality = "must" if EN_MUST.search(masked) else "may" if EN_MAY.search(masked) else ""
    return Polarity(negative, modality, bool(EN_CONDITIONAL.search(text)))


def _en_cue(token: str) -> str:
    if token in EN_NEGATORS or token.endswith(("n't", "n’t")):
        return "negator"
    return "negative" if EN_NEGATIVE.match(token) else ""


def open_cues(text: str) -> int:
    """How many negation cues are left open in the text (after each negator cancels the negative word it governs)."""
    return _open_cues(cues(text), count=True)


def _open_cues(found: list[str], count: bool = False) -> int:
    """The cues left after each negator cancels the first negative word within REACH after it: their number
    with `count`, else whether there is any."""
    left, i = 0, 0
    while i < len(found):
        if found[i] == "negator":
            ahead = next((j for j in range(i + 1, min(i + 1 + REACH, len(found))) if found[j]), None)
            if ahead is not None and found[ahead] == "negative":
                i = ahead + 1  # "not deny", "no person shall be deprived": the two cancel
                continue
            left += 1
        elif found[i] == "negative":
            left += 1
        i += 1
    return left if count else left > 0


def _chinese_cues(text: str) -> list[str]:
    for word in ZH_MASKED:
        text = text.replace(word, "　" * len(word))
    found: list[str] = []
    i = 0
    while i < len(text):
        word = next((w for w in ZH_NEGATIVE if text.startswith(w, i)), None)
        if word:
            found.append("negative")
            i += len(word)
            continue
        found.append("negator" if text[i] in ZH_NEGATORS else "")
        i += 1
    return found


def _chinese(text: str) -> Polarity:
    modality = "must" if any(w in text for w in ZH_MUST) else "may" if any(w in text for w in ZH_MAY) else ""
    return Polarity(_open_cues(_chinese_cues(text)), modality, bool(ZH_CONDITIONAL.search(text)))
