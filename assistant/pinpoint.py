"""One numbering grammar for pinpoints: article headings in statute text, provisions named in questions
and cites, and a comparison key. Pure functions, no I/O.

Forms: `Article 21A` / `Art. 21A`, `Section 10-A`, `§ 5a`, `第十条`, `第27条の5` (and `の5の2`), `第N条之一`,
`제10조의2`, with paragraph and item sub-pinpoints `第25条第1項第3号` (ja), `第N条第M款第K项` (zh),
`제N조제M항제K호` (ko). Labels keep the numerals as the source writes them; `key()` compares them after
reading kanji, full-width and Arabic numerals alike: `key("第二十七条の五") == key("第27条の5") == "27-5"`,
`key("Section 10-A") == key("Art. 10A") == "10a"`, `key("第25条第1項第3号") == "25:1:3"`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NUM = "0-9０-９零〇一二三四五六七八九十百千万萬两兩"  # numerals as a character class body
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2, "兩": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "萬": 10000}
_EN_NUMBER = r"\d+(?:-?[A-Z]{1,2}|[a-z])?"  # 21, 21A, 10-A, 5a
_TITLE_FOLLOWS = r"(?=$|\s*[.:—–-]|\s+[A-Z(\"“‘])"  # "Article 21. Title" yes, "Article 21 of the" no
_CJK_ARTICLE = rf"第[{NUM}]+[条條](?:(?:の[{NUM}]+)+|之[{NUM}]+)?"
_KO_ARTICLE = r"제\d+조(?:의\d+)?"
_PARAGRAPH = f"第[{NUM}]+[項款]|제\\d+항"
_ITEM = f"第[{NUM}]+[号號项]|제\\d+호"

# Article headings at the start of a stripped line: (regex, label template); group 1 is the number as written.
_HEADINGS = [
    (re.compile(rf"^(?:Article|ARTICLE)\s+({_EN_NUMBER}){_TITLE_FOLLOWS}"), "Art. {}"),
    (re.compile(rf"^Art\.\s*({_EN_NUMBER}){_TITLE_FOLLOWS}"), "Art. {}"),
    (re.compile(rf"^(?:Section|SECTION)\s+({_EN_NUMBER}){_TITLE_FOLLOWS}"), "Section {}"),
    (re.compile(r"^§\s*(\d+[a-zA-Z]?)(?=$|[\s.])"), "§ {}"),
    (re.compile(rf"^({_CJK_ARTICLE})(?=$|[\s\u3000（(])"), "{}"),
    (re.compile(rf"^({_KO_ARTICLE})(?=$|[\s(（])"), "{}"),
]
_SUB_HEADING = re.compile(rf"^(?:(?P<paragraph>{_PARAGRAPH})|(?P<item>{_ITEM}))(?=$|[\s\u3000（(])")

# Provisions named anywhere in a question or at the end of a cite; questions often leave out 第 ("金商法27条の5").
_NAMED = re.compile(
    rf"(?<![A-Za-z])(?P<article>(?:Article|Art\.?|Section|Sec\.)\s*{_EN_NUMBER}|§\s*\d+[a-zA-Z]?|{_CJK_ARTICLE}|{_KO_ARTICLE}"
    rf"|(?<![{NUM}])[0-9０-９]+[条條](?:(?:の[{NUM}]+)+|之[{NUM}]+)?)"  # "民法709条": 第 left out, Arabic digits only
    rf"(?:\s*(?P<paragraph>{_PARAGRAPH}))?(?:\s*(?P<item>{_ITEM}))?(?![0-9A-Za-z])",
    re.I,
)
_AT_END = re.compile(rf"(?:{_NAMED.pattern})\s*$", re.I)


@dataclass(frozen=True)
class Named:
    """A provision named in text: as written, its key, and where it lies in the text."""

    text: str
    key: str
    start: int
    end: int


def number(numeral: str) -> int:
    """Kanji ("一千零七十九", "二十七", "一〇七九"), full-width ("２７") or Arabic ("27") numerals as an int."""
    numeral = unicodedata.normalize("NFKC", numeral)
    if numeral.isdigit():
        return int(numeral)
    if not any(c in _UNITS for c in numeral):
        return int("".join(str(_DIGITS[c]) for c in numeral))
    total, section, digit = 0, 0, 0
    for char in numeral:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in ("万", "萬"):
            total, section, digit = (total + section + digit) * 10000, 0, 0
        else:
            section += (digit or 1) * _UNITS[char]
            digit = 0
    return total + section + digit


def heading(line: str) -> tuple[str, int] | None:
    """(article label as written, where the heading ends) when a stripped line starts with one."""
    for pattern, template in _HEADINGS:
        match = pattern.match(line)
        if match:
            return template.format(match.group(1)), match.end()
    return None


def sub_heading(line: str) -> tuple[str, str] | None:
    """("paragraph" | "item", label as written) when a stripped line is a 第N項 / 第N号 / 제N항 heading."""
    match = _SUB_HEADING.match(line)
    if not match:
        return None
    kind = "paragraph" if match.group("paragraph") else "item"
    return kind, match.group(kind)


def key(label: str) -> str:
    """Comparison key of a pinpoint label; "" when the label is not one."""
    match = _NAMED.fullmatch(label.strip())
    return _key(match) if match else ""


def find(text: str) -> list[Named]:
    """Provisions named in `text`, in order: "金融商品取引法第27条の5により" names 第27条の5."""
    return [Named(m.group(0), _key(m), m.start(), m.end()) for m in _NAMED.finditer(text)]


def cited(cite: str) -> Named | None:
    """The pinpoint a cite ends with ("民法典 第十条", "Constitution of India, Art. 21"), else None."""
    match = _AT_END.search(cite)
    return Named(match.group(0).rstrip(), _key(match), match.start(), match.start() + len(match.group(0).rstrip())) \
        if match else None


def within(inner: str, outer: str) -> bool:
    """Whether pinpoint key `inner` is `outer` or one of its paragraphs/items ("25:1:3" within "25:1")."""
    return inner == outer or inner.startswith(outer + ":")


def _key(match: re.Match) -> str:
    return _parts_key(match.group("article"), match.group("paragraph"), match.group("item"))


@lru_cache(maxsize=8192)
def _parts_key(article: str, *subs: str | None) -> str:
    parts = [_article_key(article)] + [str(number(re.sub(f"[^{NUM}0-9]", "", sub))) for sub in subs if sub]
    return ":".join(parts)


def _article_key(article: str) -> str:
    article = unicodedata.normalize("NFKC", article)
    numbers = [str(number(n)) for n in re.findall(f"[{NUM}]+", article)]
    letters = re.sub(r"^.*?\d+-?", "", article) if not re.search("[条條조]", article) else ""
    return "-".join(numbers) + letters.lower()
