"""Text rules shared by every stage: scripts and languages, normalisation, sentences, markers, terms,
BM25 tokens. Pure.

- `HAN`, `KANA`, `HANGUL`, `CJK`: the scripts' Unicode ranges, written once, for regex character classes.
- `language_of`: 'ko', 'ja', 'zh' or 'en' from the script (Hangul beats Han: Korean law mixes both; kana
  marks Japanese); `script_of`: 'hant' for Chinese written in Traditional characters, else 'hans'.
- `normalize`: NFKC (full-width -> half-width), Traditional -> Simplified Chinese (OpenCC), lower case.
  Every comparison between an answer and a passage goes through it, so 羈押 matches 羁押 and Ａ matches A.
- `split_sentences`: after . ! ? (before a capital, digit, quote, bracket or CJK), after 。！？ (with a closing
  quote) and at line breaks; not after an abbreviation or initial ("A.K. Gopalan v. State", "Art. IV"), nor
  after a list number that opens it ("1. The State ..."; "Articles 15 to 22. In ..." does end); markers just
  after the stop stay with the sentence. Chunking uses it with the spacing kept.
- `terms`: content terms, lower-cased words of 3+ letters and numbers minus stop words and words naming
  provisions, cut to 6-letter stems; character bigrams for CJK runs. Normalised first.
- `tokenize`: the BM25 tokens the index stores (assistant/index/lexical.py): NFKC, lower case, CJK runs as
  character unigrams + bigrams, other words whole minus a few stop words, plurals reduced ("factories" ->
  "factory"). Indexes built earlier store these tokens: changing them means rebuilding every index.
- `stem`: a BM25 token's English stem (Snowball: "appoints", "appointed", "appointment" -> "appoint"); the
  index applies it to stored and query tokens alike when it reads them, so indexes built before need no rebuild.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

import snowballstemmer

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: Extension A, Unified, Compatibility
KANA = "\u3040-\u30ff"  # Hiragana, Katakana
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Jamo, Compatibility Jamo, Syllables
CJK = HAN + KANA + HANGUL
CJK_RUN = re.compile(f"[{CJK}]+")
MARKER = re.compile(r"\[(\d+(?:\s*[,，、;]\s*\d+)*)\]")
WORD = re.compile(r"[^\W\d_]{3,}|\d+")
STOP = frozenset(
    """the and for are but not you all any can had her was one our out his has him how its may who did
    yes this that with from they will would there their what which when where shall should could such into
    than then them these those upon about under other also been being have does only each some more most
    before after within without except between against during over says said provides article articles
    section sections clause clauses provision provisions no nor never none nobody neither cannot nothing
    unless""".split()
)  # negation words are polarity, checked apart (assistant.verify.polarity), not content
CJK_STOP = frozenset("的了吗呢么吧啊呀是否我你他她它们这那什怎样谁哪请问该")  # particles, pronouns, question words
NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if n >= 2}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                     "ninety": "90", "hundred": "100", "thousand": "1000", "half": "1/2",
                     "one-third": "1/3", "two-thirds": "2/3", "one-half": "1/2", "one-fourth": "1/4"})
NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b")
# "thirty-five" is 35, not 30 and 5
UNITS = "one two three four five six seven eight nine".split()
TENS_UNITS = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](" + "|".join(UNITS) + r")\b")
# a Chinese numeral before a unit; not an ordinal (第三人 "a third party", 第十条 "Article 10")
ZH_FIGURE = re.compile(r"(?<![第零一二两三四五六七八九十百千万亿半])[零一二两三四五六七八九十百千万亿半]+"
                       r"(?=[个年月日天岁周倍元次人项%]|以上|以下|以内)")


def language_of(text: str) -> str:
    if re.search(f"[{HANGUL}]", text):
        return "ko"
    if re.search(f"[{KANA}]", text):
        return "ja"
    if re.search(f"[{HAN}]", text):
        return "zh"
    return "en"


def detect_language(text: str) -> str:
    """A whole document's language by the share of its letters in each script (kana over 5% -> ja, Hangul
    over 10% -> ko, Han over 10% -> zh, else en): a few quoted characters do not make an English text Chinese."""
    sample = text[:20000]
    letters = max(1, len(re.findall(r"\w", sample)))
    kana = len(re.findall(f"[{KANA}]", sample))
    hangul = len(re.findall(f"[{HANGUL}]", sample))
    han = len(re.findall(f"[{HAN}]", sample))
    if kana > 0.05 * letters:
        return "ja"
    if hangul > 0.1 * letters:
        return "ko"
    return "zh" if han > 0.1 * letters else "en"


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # a maintained converter (OpenCC); a hard dependency in pyproject.toml

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional Chinese characters turned Simplified; other text unchanged."""
    return _t2s().convert(text) if CJK_RUN.search(text) else text


def script_of(text: str) -> str:
    """'hant' when the Chinese of the text changes under Traditional -> Simplified conversion, else 'hans'."""
    han = "".join(re.findall(f"[{HAN}]", text))
    return "hant" if han and simplified(han) != han else "hans"


def traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def normalize(text: str) -> str:
    """NFKC, Simplified Chinese, lower case, English number words as digits ("six" -> "6")."""
    flat = simplified(unicodedata.normalize("NFKC", text)).lower()
    flat = TENS_UNITS.sub(lambda m: str(int(NUMBER_WORDS[m.group(1)]) + UNITS.index(m.group(2)) + 1), flat)
    return NUMBER_WORD.sub(lambda m: NUMBER_WORDS[m.group(0)], flat)


def parse_markers(text: str) -> list[int]:
    """Numbers in [n], [1, 2] and [1][3] markers, in order of appearance."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"\D+", group) if n]


def strip_markers(text: str) -> str:
    return " ".join(MARKER.sub(" ", text).split())


_NOT_AN_END = re.compile(  # an abbreviation ("v.", "Art.", "No.", "e.g.", an initial), or a list number ("1.") alone
    r"(?:\b(?:v|vs|Art|Arts|No|Nos|Sec|Secs|Rs|Mr|Mrs|Ms|Dr|Ltd|Co|Inc|cl|para|paras|pp?|viz|etc|Hon|cf|Cf|[A-Z])"
    r"|\be\.g|\bi\.e)\.[ \t]*$|^\s*\d{1,3}\.[ \t]*$"
)
_SENTENCE = re.compile(rf".+?(?:[.!?](?=\s+[\"“‘(\[A-Z0-9{CJK}])\s*|[。！？]+[”」』）)]?\s*|\n+|$)", re.S)


# A list's opening words ("No person shall be eligible for election as President unless he—", "有下列情形之一的：")
# and its items ("(b) has completed the age of thirty-five years, and", "（二）...；"): the chunker carries the
# opening words into a passage that starts inside the list, the checker joins an item to them
OPENS_LIST = re.compile(r"(?:[—–:：]|,\s*—|\bnamely)\W*$")
ITEM = re.compile(r"^[(（](?:[a-z]{1,3}|[ivx]{1,5}|[一二三四五六七八九十]{1,3})[)）]\s*")
PROVISO = re.compile(r"^\W*provided\b", re.IGNORECASE)  # a proviso to item (a) does not close the list before (b)


def split_sentences(text: str, keep_spacing: bool = False) -> list[str]:
    """The one sentence splitter: passages are chunked, anchored and answers checked by the same rule.
    `keep_spacing`: each sentence keeps its trailing whitespace, so "".join(result) == text (chunking);
    otherwise sentences are stripped and markers just after a stop move before it ("x. [1]" -> "x [1].")."""
    if not keep_spacing:
        text = re.sub(r"([.!?。！？])((?:\s*\[[^\]]*\])+)", r"\2\1", text)
    sentences: list[str] = []
    for match in _SENTENCE.finditer(text):
        if sentences and _NOT_AN_END.search(sentences[-1]):
            sentences[-1] += match.group(0)
        elif match.group(0):
            sentences.append(match.group(0))
    return sentences if keep_spacing else [s.strip() for s in sentences if s.strip()]


def ends_sentence(text: str) -> bool:
    """The text ends a sentence: a stop (and any closing quote or bracket) not after an abbreviation."""
    text = text.rstrip()
    return bool(re.search(r"[.!?。！？][\"”」』）)]?$", text)) and not _NOT_AN_END.search(text)


def terms(text: str) -> set[str]:
    """Content terms: English words cut to six letters ("appoints" and "appointed" meet), and CJK character
    bigrams. Singular forms first ("judges" meets "Judge") was tried and lost on the dev questions."""
    text = normalize(MARKER.sub(" ", text))
    found = {w[:6] for w in WORD.findall(CJK_RUN.sub(" ", text)) if w not in STOP}
    for run in CJK_RUN.findall(text):
        found.update(g for g in (run[i : i + 2] for i in range(max(len(run) - 1, 1))) if not CJK_STOP & set(g))
    return found


def numbers(text: str) -> set[str]:
    """The figures a text states: numbers (number words as digits) and Chinese numerals before a unit
    ("三个月", "十八周岁"). An answer may not state a figure its span lacks."""
    # clause labels are not figures: "(4)", "(a)", and a list number opening the text ("2. Each test ...");
    # nor is an amendment's footnote number before its bracketed words ("that State 2 [or Union territory]")
    flat = re.sub(r"\(\w{1,4}\)|^\s*\d{1,3}\.\s|\b\d{1,2}\s?(?=\[[^\]]*[^\W\d][^\]]*\])", " ",
                  normalize(MARKER.sub(" ", text)))
    return set(re.findall(r"\d+(?:[.,/]\d+)*", flat)) | set(ZH_FIGURE.findall(flat))


# BM25 tokens
COMBINING_MARKS = "\u0300-\u036f\u0900-\u0dff\u0e00-\u0e7f"  # combining marks and Indic/Thai vowel signs
TOKEN_RUN = re.compile(f"(?P<cjk>[{CJK}]+)|(?P<word>(?:[^\\W_{CJK}]|[{COMBINING_MARKS}])+)")
TOKEN_STOP = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were which with".split()
)


def runs(text: str) -> Iterator[tuple[str, bool]]:
    """(run, is_cjk) for each word or CJK run of the normalised, lowercased text."""
    for match in TOKEN_RUN.finditer(unicodedata.normalize("NFKC", text).lower()):
        yield match.group(), match.lastgroup == "cjk"


def tokenize(text: str) -> list[str]:
    """BM25 tokens: words (stop words dropped), and CJK character unigrams + bigrams."""
    tokens: list[str] = []
    for run, is_cjk in runs(text):
        if is_cjk:
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif run not in TOKEN_STOP:
            tokens.append(singular(run))
    return tokens


def singular(word: str) -> str:
    """A light English plural stemmer: rights -> right, liberties -> liberty; leaves -ss/-us/-is alone."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isascii():
        return word[:-1]
    return word


_ENGLISH = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    """The English stem of a BM25 token of ASCII letters ("appointed" -> "appoint"); any other token as is."""
    return _ENGLISH.stemWord(token) if token.isascii() and token.isalpha() else token
