"""Citation graph: which rulings cite which statutes, articles and other rulings.

Nodes are documents (by doc id) and provisions (by pinpoint cite, e.g. "Constitution of India, Art. 21"
or "憲法第8條"). Edges run from a citing document to what it cites, taken from Document.meta (Taiwan
decisions' cited statutes and interpretations, India cases' articles) and from citations found by
regex in document text ("Article 21", "Art. 14", "§ 5", "第十条", "AIR 1973 SC 1461", "(2017) 10 SCC 1",
"釋字第384號"). Flags: provisions amended or repealed (India amendments), law versions superseded or
repealed (PRC). Saved as JSON (never pickle) inside each index version: `<index dir>/versions/<v>/graph.json`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.text import HAN
from assistant.types import Document

FILE = "graph.json"
_ZH_NUM = "零〇一二三四五六七八九十百千两\\d"
ARTICLE_EN = re.compile(r"\b(?:Article|Art\.)\s*(\d+[A-Z]{0,2})(?:\s*\(\d+\))*(?:\s+of\s+the\s+([A-Z][\w ]{2,60}?)(?=[,.;)]|\s+(?:and|or|is|was|which|that)\b|$))?")
SECTION_EN = re.compile(r"(?:\bSection|\bSec\.|§)\s*(\d+[A-Za-z]{0,2})")
ARTICLE_ZH = re.compile(rf"((?:中華民國|中华人民共和国)?[{HAN}]{{0,12}}?)(第[{_ZH_NUM}]+[条條](?:之[{_ZH_NUM}]+)?)")
CASE_CITES = [
    re.compile(r"\bAIR\s+\d{4}\s+SC\s+\d+"),
    re.compile(r"\(\d{4}\)\s+\d+\s+SCC\s+\d+"),
    re.compile(r"\[\d{4}\]\s+\d+\s+S\.?C\.?R\.?\s+\d+"),
    re.compile(r"釋字第\s*\d+\s*號"),
    re.compile(r"\d{2,3}年憲判字第\d+號"),
]
_TW_INTERPRETATION = re.compile(r"司法院釋字第\s*(\d+)\s*號解釋")
_LEADING = re.compile(r"^(?:依照|依據|依据|按照|根據|根据|違反|违反|牴觸|抵触|參照|参照|依|按|及|與|与|和|或|為|为|於|于|之|即|據|据|如|並|并)+")
_LAW_END = re.compile(r"(?:法|條例|条例|規則|规则|辦法|办法|通則|通则|法典)$")
_VERSION_SUFFIX = re.compile(r"\s*[（(][\d.\s]+[)）]\s*$")


@dataclass
class CitationGraph:
    nodes: dict[str, dict] = field(default_factory=dict)  # id -> {type, title, date, kind, flags...}
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (citing doc, cited node, how found)
    aliases: dict[str, str] = field(default_factory=dict)  # reporter cite / short cite -> node id
    _pairs: set = field(default_factory=set, repr=False, compare=False)  # (src, dst) already linked

    # ---- queries ---------------------------------------------------------------------------------

    def resolve(self, cite_or_doc: str) -> str:
        """Node id for a doc id, pinpoint cite or reporter citation (whitespace-insensitive)."""
        key = cite_or_doc.strip()
        if key in self.nodes:
            return key
        canonical = _norm(key)
        return self.aliases.get(canonical, canonical if canonical in self.nodes else key)

    def citing(self, cite_or_doc: str) -> list[str]:
        """Documents that cite it, oldest first."""
        target = self.resolve(cite_or_doc)
        found = {src for src, dst, _ in self.edges if dst == target}
        return sorted(found, key=lambda d: (self.nodes.get(d, {}).get("date") or "", d))

    def cited_by(self, cite_or_doc: str, later_than: str | None = None) -> int:
        """How many rulings cite it; for a ruling, only rulings decided after it ("cited by N later rulings")."""
        target = self.resolve(cite_or_doc)
        since = later_than or (self.nodes.get(target, {}).get("date") if self._is_ruling(target) else None)
        rulings = [d for d in self.citing(target) if self._is_ruling(d)]
        return sum(1 for d in rulings if not since or (self.nodes[d].get("date") or "") > since)

    def cites(self, doc_id: str) -> list[str]:
        return list(dict.fromkeys(dst for src, dst, _ in self.edges if src == doc_id))

    def flags(self, cite_or_doc: str) -> dict:
        """{"amended_by": [...], "repealed": bool, "superseded_by": id} where known."""
        node = self.nodes.get(self.resolve(cite_or_doc), {})
        return {k: node[k] for k in ("amended_by", "repealed", "superseded_by") if node.get(k)}

    def describe(self, cite_or_doc: str) -> str:
        """"cited by 3 later rulings; amended by ...; repealed" (empty when nothing is known)."""
        parts = []
        if (n := self.cited_by(cite_or_doc)):
            parts.append(f"cited by {n} {'later ' if self._is_ruling(self.resolve(cite_or_doc)) else ''}"
                         f"ruling{'s' if n != 1 else ''}")
        flags = self.flags(cite_or_doc)
        if flags.get("amended_by"):
            parts.append("amended by " + ", ".join(self.nodes.get(a, {}).get("title", a) for a in flags["amended_by"]))
        if flags.get("repealed"):
            parts.append("repealed")
        if flags.get("superseded_by"):
            parts.append("superseded by a later version")
        return "; ".join(parts)

    def _is_ruling(self, node_id: str) -> bool:
        return self.nodes.get(node_id, {}).get("kind") == "case"

    # ---- persistence -----------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"format": 1, "nodes": self.nodes, "edges": [list(e) for e in self.edges], "aliases": self.aliases}

    @classmethod
    def from_dict(cls, data: dict) -> "CitationGraph":
        edges = [tuple(e) for e in data["edges"]]
        return cls(dict(data["nodes"]), edges, dict(data.get("aliases", {})), {e[:2] for e in edges})

    def to_json(self) -> str:
        """The text of a version's graph.json (ingest hands it to the index writer)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path: Path) -> "CitationGraph":
        path = Path(path)
        path = path / FILE if path.is_dir() else path
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


# ---- building ------------------------------------------------------------------------------------


def build_graph(documents: list[Document]) -> CitationGraph:
    """Nodes for every document, edges from metadata and from citations in the text, then flags."""
    graph = CitationGraph()
    for doc in documents:
        _add_document(graph, doc)
    for doc in documents:
        for target, how in _citations(doc):
            _link(graph, doc.id, target, how)
    _flag_amendments(graph, documents)
    _flag_versions(graph, documents)
    return graph


def _add_document(graph: CitationGraph, doc: Document) -> None:
    graph.nodes[doc.id] = {"type": "document", "kind": doc.kind, "title": doc.title, "date": doc.date,
                           "jurisdiction": doc.jurisdiction}
    for alias in (doc.citation, doc.title, doc.meta.get("reporter", "")):
        if alias:
            graph.aliases.setdefault(_norm(alias), doc.id)


def _link(graph: CitationGraph, src: str, target: str, how: str) -> None:
    node = graph.resolve(target)
    if node not in graph.nodes and re.search(f"[{HAN}]", node):
        node = _norm(node)
    if node == src:
        return
    if node not in graph.nodes:
        graph.nodes[node] = {"type": "provision", "kind": "statute", "title": node}
    if (src, node) not in graph._pairs:
        graph._pairs.add((src, node))
        graph.edges.append((src, node, how))


def _citations(doc: Document) -> list[tuple[str, str]]:
    """(cited node, "meta" | "text") pairs for one document."""
    found = [(t, "meta") for t in _meta_citations(doc)]
    text = "\n".join([doc.text, *(u.text for u in doc.units)])
    found += [(t, "text") for t in parse_citations(text, doc.jurisdiction, doc.language)]
    return found


def _meta_citations(doc: Document) -> list[str]:
    meta = doc.meta or {}
    if doc.jurisdiction == "IN" and doc.kind == "case":
        return [f"Constitution of India, Art. {a}" for a in meta.get("articles", []) if a]
    out = []
    for line in meta.get("cited", []):
        interpretation = _TW_INTERPRETATION.search(line)
        if interpretation:
            out.append(f"釋字第{interpretation.group(1)}號")
        else:
            out.extend(_tw_statutes(_VERSION_SUFFIX.sub("", line)))
    return out


def _tw_statutes(line: str) -> list[str]:
    """"中華民國憲法第8條、第22條" -> ["憲法第8條", "憲法第22條"] (the law carried to later articles)."""
    law, out = "", []
    for prefix, article in ARTICLE_ZH.findall(line):
        law = _short_law(prefix) or law
        out.append(f"{law}{article}")
    return out or ([line.strip()] if line.strip() else [])


def _short_law(name: str) -> str:
    """The law's name before an article number, without leading function words ("依", "違反")."""
    name = _LEADING.sub("", name.strip("、，, "))
    if not _LAW_END.search(name):
        return ""
    return "憲法" if name.endswith("憲法") and name.startswith("中華民國") else name


def parse_citations(text: str, jurisdiction: str = "", language: str = "en") -> list[str]:
    """Citations in free text: case reporters, articles / sections (with their law when named, else the
    Constitution of India for Indian English text) and Chinese article numbers with the law before them."""
    found = [_norm_case(m.group(0)) for pattern in CASE_CITES for m in pattern.finditer(text)]
    for number, law in ARTICLE_EN.findall(text):
        found.append(f"{_law_name(law, jurisdiction)}, Art. {number}".lstrip(", "))
    found += [f"§ {n}" for n in SECTION_EN.findall(text)]
    if language in ("zh", "ja") or re.search(f"[{HAN}]", text):
        found += [f"{_short_law(law)}{art}" for law, art in ARTICLE_ZH.findall(text) if _short_law(law)]
    return list(dict.fromkeys(found))


def _law_name(named: str, jurisdiction: str) -> str:
    named = named.strip()
    if named.lower() == "constitution" or (not named and jurisdiction == "IN"):
        return "Constitution of India"
    return named


def _norm_case(cite: str) -> str:
    return re.sub(r"\s+", "", cite) if re.search(f"[{HAN}]", cite) else " ".join(cite.split())


def _norm(text: str) -> str:
    """Lookup key: collapsed whitespace, case-folded; CJK article numbers as digits, no spaces."""
    text = re.sub(r"\s+", " ", text.strip()).casefold()
    if re.search(f"[{HAN}]", text):
        text = re.sub(rf"第([{_ZH_NUM}]+)([条條號号])", lambda m: f"第{zh_number(m.group(1))}{m.group(2)}", text)
        text = text.replace(" ", "")
    return text


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def zh_number(text: str) -> str:
    """"一百二十三" -> "123", "十" -> "10"; digits are returned unchanged."""
    if text.isdigit():
        return text
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return str(total + digit)


# ---- flags ---------------------------------------------------------------------------------------


def _flag_amendments(graph: CitationGraph, documents: list[Document]) -> None:
    """India amendments touch articles (meta "articles"); "Omitted Article N" / "Rep. by" mark repeal."""
    for doc in documents:
        if not doc.id.startswith("india:amendment:"):
            continue
        text = " ".join(u.text for u in doc.units)
        for number in doc.meta.get("articles", []):
            node = _provision(graph, f"Constitution of India, Art. {number}")
            node.setdefault("amended_by", []).append(doc.id)
        for number in re.findall(r"Omitted\s+Article\s+(\d+[A-Z]*)", text):
            _provision(graph, f"Constitution of India, Art. {number}")["repealed"] = True
    for doc in documents:
        for unit in doc.units:
            if unit.label and re.search(r"\b(?:Rep\.|Omitted)\s+by\b", unit.text[:600]):
                _provision(graph, f"{doc.citation}, {unit.label}")["repealed"] = True


def _flag_versions(graph: CitationGraph, documents: list[Document]) -> None:
    """PRC: a superseded version points to the newest one; repealed laws are flagged."""
    latest: dict[str, Document] = {}
    for doc in documents:
        if doc.meta.get("version_date") and (doc.title not in latest or
                                             doc.meta["version_date"] > latest[doc.title].meta["version_date"]):
            latest[doc.title] = doc
    for doc in documents:
        status = doc.meta.get("status", "")
        if status == "已废止":
            graph.nodes[doc.id]["repealed"] = True
        elif doc.title in latest and latest[doc.title].id != doc.id:
            graph.nodes[doc.id]["superseded_by"] = latest[doc.title].id
        if status == "已被修改":
            graph.nodes[doc.id]["amended_by"] = ["(later amendment, not in the corpus)"]


def _provision(graph: CitationGraph, cite: str) -> dict:
    node_id = graph.resolve(cite)
    return graph.nodes.setdefault(node_id, {"type": "provision", "kind": "statute", "title": node_id})
