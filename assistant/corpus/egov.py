"""Japanese statutes as published by e-Gov in law XML (法令標準XML), read with the standard library.

`Law/LawBody/LawTitle` is the title; every `Article` under `MainProvision` (inside any Part, Chapter,
Section, Subsection or Division, whose titles form the path) becomes one unit per `Paragraph`, labelled
from the `Num` attributes in Arabic numerals: `Article Num="27_5"` + `Paragraph Num="1"` is `第27条の5第1項`
(an article of one paragraph is just `第27条の5`). `Item`s stay inside their paragraph, one line each
(`ItemTitle` + `ItemSentence`). Each `SupplProvision` (附則) adds units labelled `附則第N条` / `附則第N項`,
with its `AmendLawNum` in the path. Metadata: the enactment date from the `Law` element's era, year and
promulgation month/day; the law number (`LawNum`) and the amendment law numbers in `Document.meta`.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from assistant.errors import InputError
from assistant.types import Document, Unit

ERAS = {"Meiji": 1867, "Taisho": 1911, "Showa": 1925, "Heisei": 1988, "Reiwa": 2018}
DIVISIONS = ("Part", "Chapter", "Section", "Subsection", "Division")


def read(path: Path, shown: str, values: dict) -> Document:
    """The law in `path` as a Document; `values` (sidecar metadata) override what the XML says."""
    try:
        law = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise InputError(f"is not well-formed XML ({error}); re-download it from e-Gov", shown) from None
    title = _text(law.find("LawBody/LawTitle"))
    if law.tag != "Law" or not title:
        raise InputError("is XML but not e-Gov law XML (a <Law> with LawBody/LawTitle); save the text as .txt instead",
                         shown)
    units = _main_units(law.find("LawBody/MainProvision")) + _suppl_units(law.findall("LawBody/SupplProvision"))
    meta = {"law_number": _text(law.find("LawNum")),
            "amendments": [s.get("AmendLawNum") for s in law.findall("LawBody/SupplProvision") if s.get("AmendLawNum")]}
    return Document(id=shown, kind=values.get("kind", "statute"), jurisdiction=values.get("jurisdiction", "JP"),
                    language=values.get("language", "ja"), title=values.get("title", title),
                    citation=values.get("citation", values.get("title", title)), units=tuple(units),
                    date=values.get("date") or enacted(law), in_force=values.get("in_force"), source=str(path),
                    meta=meta)


def enacted(law: ET.Element) -> str | None:
    """ISO promulgation date from the era attributes ("Showa" 23, 04, 13 -> "1948-04-13"), else None."""
    era, year = law.get("Era"), law.get("Year")
    month, day = law.get("PromulgateMonth"), law.get("PromulgateDay")
    if era not in ERAS or not (year and month and day and year.isdigit()):
        return None
    return f"{ERAS[era] + int(year):04d}-{int(month):02d}-{int(day):02d}"


def article_label(num: str) -> str:
    """Article `Num` attribute as a label: "27_5" -> "第27条の5", "2" -> "第2条"."""
    first, *branches = num.split("_")
    return f"第{first}条" + "".join(f"の{b}" for b in branches)


def _main_units(main: ET.Element | None, path: tuple[str, ...] = ()) -> list[Unit]:
    units: list[Unit] = []
    for child in list(main) if main is not None else []:
        if child.tag in DIVISIONS:
            units += _main_units(child, path + (_text(child.find(f"{child.tag}Title")),))
        elif child.tag == "Article":
            units += _article_units(child, path, "")
        elif child.tag == "Paragraph":  # a law without articles: paragraphs straight under MainProvision
            units.append(_paragraph_unit(child, path, "", f"第{child.get('Num')}項", ""))
    return units


def _article_units(article: ET.Element, path: tuple[str, ...], prefix: str) -> list[Unit]:
    label = prefix + article_label(article.get("Num", ""))
    heading = " ".join(filter(None, [_text(article.find("ArticleTitle")), _text(article.find("ArticleCaption"))]))
    paragraphs = article.findall("Paragraph")
    if len(paragraphs) == 1:
        return [_paragraph_unit(paragraphs[0], path + (label,), label, "", heading)]
    return [_paragraph_unit(p, path + (label,), label, f"第{p.get('Num')}項", heading) for p in paragraphs]


def _paragraph_unit(paragraph: ET.Element, path: tuple[str, ...], article: str, number: str, heading: str) -> Unit:
    lines = [_text(paragraph.find("ParagraphSentence"))]
    for item in paragraph.findall("Item"):
        lines.append(f"{_text(item.find('ItemTitle'))}　{_text(item.find('ItemSentence'))}".strip("　"))
    return Unit(article + number, "\n".join(filter(None, lines)), path + ((number,) if number else ()), heading)


def _suppl_units(suppls: list[ET.Element]) -> list[Unit]:
    units: list[Unit] = []
    for suppl in suppls:
        amend = suppl.get("AmendLawNum")
        path = (f"附則（{amend}）" if amend else "附則",)
        for child in suppl:
            if child.tag == "Article":
                units += _article_units(child, path, "附則")
            elif child.tag == "Paragraph":
                units.append(_paragraph_unit(child, path, "附則", f"第{child.get('Num')}項", ""))
    return units


def _text(element: ET.Element | None) -> str:
    """All text inside an element, whitespace between sentences and columns collapsed."""
    if element is None:
        return ""
    columns = element.findall("Column")
    if columns:
        return "　".join(_text(column) for column in columns)
    return "".join(part.strip() for part in element.itertext() if part.strip())
