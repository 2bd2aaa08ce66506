"""Answers: citations, refusals and speed of `Assistant.ask`, per (model, adapter) configuration.

`Assistant.ask` end to end (retrieval -> local model -> citation and support check) on the 30
questions of bench/data/india_qa.jsonl (20 answerable with gold pinpoints, 10 the india pack does not
answer) against the built india index (index/india, MiniLM), per (model, adapter) configuration.
When index/india cannot be opened by the current code (e.g. built with an older passage text format),
the india pack is built once into bench/out/india-home/india and the rows say so.

- citation precision: share of the answers' citations whose passage was retrieved (is in the answer's
  hits) and supports its sentence (`Citation.supported`), over all 30 questions' citations.
- gold pinpoint share: share of the citations of answerable questions whose cite matches one of the
  question's gold pinpoints (`re.search(re.escape(gold) + "(?![0-9A-Z])", cite)`: "Art. 21" matches
  "Constitution of India, Art. 21" but not "Art. 21A"; a case name matches the case's cites).
- answer rate: answerable questions answered (not refused); gold hit rate: answerable questions with
  at least one citation matching a gold pinpoint; refusal accuracy: unanswerable questions refused.
  12 of the 20 answerable questions ask about an article that is also the gold of one of the English
  training examples of the shipped adapter (assistant/train/india_examples.json; one question is worded
  the same): the row "gold article in no training example" scores the other 8 alone.
- time to first token (prompt processing included) and decode tokens/s: medians over the questions
  that reached the model (questions refused at retrieval never call it); the model is loaded first.
- FAQ throughput: `answer_file` over the first N rows of corpus/faq/sample_faq.csv (10; quick 2) with
  the first configuration's Assistant (run before its questions), in questions/min (batched
  retrieval + generation + writing).

Default configurations: qwen-0.5b + adapter default (assistant/adapters/qwen-0.5b/; the row says when
it is not shipped and the base model ran; its scope.json leaves English questions to the base model, so
both configurations answer these questions alike), qwen-0.5b + adapter none; quick: smollm2 + none on 4
questions (3 answerable, 1 unanswerable), answers cut at 96 new tokens. Environment overrides for a shorter run:
BENCH_ANSWERS_CONFIGS="qwen-0.5b:default,qwen-0.5b:none", BENCH_ANSWERS_QUESTIONS=N (the first 2N/3
answerable and N/3 unanswerable, in file order), BENCH_ANSWERS_FAQ_ROWS=N (0 skips the FAQ row),
BENCH_ANSWERS_DEADLINE=HH:MM (UTC: questions go in 2 answerable : 1 unanswerable order and none is
started after it; the rows give the subset actually asked). The FAQ row runs first, on the first
configuration.
Per-question results (answer, the model's raw text, citations with their checks, hits, timings) go to
<out>/sections/answers/<model>+<adapter>.json (JSON, rewritten after every question). No audit log.

Run:  .venv/bin/python -m bench --only answers [--quick]
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from statistics import median
from typing import Iterable, Sequence

from bench import BENCH_DIR, REPO_ROOT, Benchmark, Context, row, timed

QA_FILE = BENCH_DIR / "data" / "india_qa.jsonl"
FAQ_FILE = REPO_ROOT / "corpus" / "faq" / "sample_faq.csv"
FULL_CONFIGS = [("qwen-0.5b", "default"), ("qwen-0.5b", "none")]
QUICK_CONFIGS = [("smollm2", "none")]
QUICK_QUESTIONS, FULL_FAQ_ROWS, QUICK_FAQ_ROWS = 4, 10, 2
QUICK_MAX_NEW_TOKENS = 96  # SmolLM2 rambles to the 256-token cap; a smoke run needs no long answers


# ---- scoring (pure; tests/unit/test_bench_answers.py) -------------------------------------------

def gold_pattern(gold: str) -> re.Pattern:
    """The gold pinpoint as a literal followed by no further digit or capital ("Art. 21" not "Art. 21A")."""
    return re.compile(re.escape(gold) + r"(?![0-9A-Z])")


def matches_gold(cite: str, golds: Iterable[str]) -> bool:
    return any(gold_pattern(g).search(cite) for g in golds)


def hit_ids(answer) -> set[str]:
    return {h.passage.id for h in answer.hits}


def citation_ok(citation, retrieved: set[str]) -> bool:
    """A citation counts as precise when its passage was retrieved and supports the sentence."""
    return bool(citation.supported) and citation.passage_id in retrieved


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def citation_precision(answers: Sequence) -> tuple[int, int]:
    """(precise citations, all citations) over the answers."""
    ok = sum(citation_ok(c, hit_ids(a)) for a in answers for c in a.citations)
    return ok, sum(len(a.citations) for a in answers)


def gold_citations(answers: Sequence, golds: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(citations matching their question's gold, all citations) over answers with gold pinpoints."""
    pairs = [(a, g) for a, g in zip(answers, golds, strict=True) if g]
    return sum(matches_gold(c.cite, g) for a, g in pairs for c in a.citations), sum(len(a.citations) for a, _ in pairs)


def gold_hit(answer, golds: Sequence[str]) -> bool:
    """Answered and at least one citation names a gold pinpoint."""
    return not answer.refused and any(matches_gold(c.cite, golds) for c in answer.citations)


def trained_cites() -> list[str]:
    """Gold cites of the English training examples of the shipped adapter (assistant/train/india_examples.json)."""
    from assistant.train.data import INDIA_EXAMPLES

    items = json.loads(INDIA_EXAMPLES.read_text(encoding="utf-8"))
    return [c for i in items if i["split"] == "train" for c in i["gold"]]


def seen_in_training(item: dict, cites: Sequence[str]) -> bool:
    """The question's gold pinpoint is the gold of some training example (the adapter has seen that article)."""
    return any(matches_gold(c, item["gold"]) for c in cites)


def answer_rate(answers: Sequence) -> tuple[int, int]:
    return sum(not a.refused for a in answers), len(answers)


def refusal_accuracy(answers: Sequence) -> tuple[int, int]:
    """(refused, asked) over questions the corpus does not answer."""
    return sum(bool(a.refused) for a in answers), len(answers)


def score(items: Sequence[dict], answers: Sequence) -> dict:
    """Counts for one configuration; items are india_qa.jsonl records aligned with the answers."""
    if len(items) != len(answers):
        raise ValueError("one answer per question")
    answerable = [(i, a) for i, a in zip(items, answers) if i["answerable"]]
    unanswerable = [a for i, a in zip(items, answers) if not i["answerable"]]
    ans_answers = [a for _, a in answerable]
    generated = [a.timings for a in answers if "first_token_s" in a.timings]
    cites = trained_cites()
    unseen = [(i, a) for i, a in answerable if not seen_in_training(i, cites)]
    return {
        "gold_hit_unseen": (sum(gold_hit(a, i["gold"]) for i, a in unseen), len(unseen)),
        "citation_precision": citation_precision(answers),
        "gold_citations": gold_citations(ans_answers, [i["gold"] for i, _ in answerable]),
        "answer_rate": answer_rate(ans_answers),
        "gold_hit_rate": (sum(gold_hit(a, i["gold"]) for i, a in answerable), len(answerable)),
        "refusal_accuracy": refusal_accuracy(unanswerable),
        "first_token_s": [t["first_token_s"] for t in generated],
        "tokens_per_s": [t["tokens_per_s"] for t in generated if t.get("tokens_per_s")],
    }


# ---- running ----------------------------------------------------------------------------------

def load_questions(n: int | None = None) -> list[dict]:
    """All questions, or the first round(2n/3) answerable and the rest unanswerable, in file order."""
    items = [json.loads(line) for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if n is None or n >= len(items):
        return items
    yes = [i for i in items if i["answerable"]][: round(2 * n / 3)]
    no = [i for i in items if not i["answerable"]][: n - len(yes)]
    return yes + no


def subset_label(items: list[dict]) -> str:
    yes = sum(i["answerable"] for i in items)
    full = len(load_questions())
    label = f"{len(items)} india_qa questions ({yes} answerable, {len(items) - yes} unanswerable)"
    return label if len(items) == full else label + ", the first of each kind in file order"


def configs_for(ctx: Context) -> list[tuple[str, str]]:
    wanted = os.environ.get("BENCH_ANSWERS_CONFIGS", "").strip()
    if wanted:
        return [tuple(c.split(":", 1)) if ":" in c else (c, "default") for c in wanted.split(",") if c.strip()]
    return QUICK_CONFIGS if ctx.quick else FULL_CONFIGS


def env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def out_dir(ctx: Context) -> Path:
    """<out>/sections/answers: the harness's default out (bench/ full, bench/out/quick/ quick)."""
    out = getattr(ctx, "out", None) or (BENCH_DIR / "out" / "quick" if ctx.quick else BENCH_DIR)
    return Path(out) / "sections" / "answers"


def india_index(ctx: Context) -> tuple[Path, str]:
    """index/india when the code can open it; else a fresh build of the india pack under bench/out/india-home/
    (built once, reused while it stays compatible). The folder and a label for the rows."""
    from assistant.errors import IndexError_
    from assistant.index import open_index
    from assistant.ingest import ingest
    from assistant.settings import Settings

    shipped = Settings().index_dir("india")
    try:
        index = open_index(shipped)
        return shipped, f"index/india ({index.count} passages)"
    except IndexError_ as exc:
        ctx.log(f"india index: index/india is not usable by this code ({exc}); using a fresh india build")
    why = "index/india is stale" if (shipped / "manifest.json").exists() else "index/india is not built"
    home = BENCH_DIR / "out" / "india-home"
    try:
        index = open_index(home / "india")
    except Exception:  # missing or stale: build it (MiniLM, ~2 min on the shared 2-core CPU)
        ctx.log(f"india index: building the india pack into {home / 'india'}")
        ingest(["india"], Settings(home=home, embedder="minilm"), name="india")
        index = open_index(home / "india")
    return home / "india", f"india pack rebuilt by the bench ({index.count} passages; {why})"


def make_assistant(model: str, adapter: str, index_dir: Path, max_new_tokens: int | None = None):
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.pipeline import Assistant
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    settings = Settings(index="india", model=model, adapter=adapter, audit_log=False)  # models from index/.cache
    if max_new_tokens:
        settings = settings.model_copy(update={"max_new_tokens": max_new_tokens})
    index = open_index(index_dir)
    retriever = Retriever(index, get_embedder(index.manifest.embedder), settings)
    assistant = Assistant(settings, retriever=retriever)
    assistant.generator  # load the model before timing anything  # noqa: B018
    return assistant


def record(item: dict, answer, seconds: float) -> dict:
    retrieved = hit_ids(answer)
    return {
        **item, "refused": answer.refused, "reason": answer.reason, "answer": answer.text,
        "gold_hit": bool(item["gold"]) and gold_hit(answer, item["gold"]), "seconds": round(seconds, 2),
        "citations": [{"n": c.n, "cite": c.cite, "supported": c.supported, "retrieved": c.passage_id in retrieved,
                       "gold": matches_gold(c.cite, item["gold"]), "quote": c.quote} for c in answer.citations],
        "hits": [{"cite": h.passage.cite, "score": round(h.score, 4),
                  "dense": None if h.dense is None else round(h.dense, 4)} for h in answer.hits],
        "timings": {k: round(v, 3) for k, v in answer.timings.items()}, "model": answer.model, "adapter": answer.adapter,
    }


def interleaved(items: list[dict]) -> list[dict]:
    """Two answerable, one unanswerable, repeated (file order within each kind): every prefix keeps 2:1."""
    yes, no = [i for i in items if i["answerable"]], [i for i in items if not i["answerable"]]
    out = []
    while yes or no:
        out += yes[:2] + no[:1]
        yes, no = yes[2:], no[1:]
    return out


def deadline() -> float | None:
    """BENCH_ANSWERS_DEADLINE=HH:MM (UTC, today): no new question is asked after it (epoch seconds)."""
    from datetime import datetime, timezone

    value = os.environ.get("BENCH_ANSWERS_DEADLINE", "").strip()
    if not value:
        return None
    hour, minute = map(int, value.split(":"))
    return datetime.now(timezone.utc).replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()


def ask_all(ctx: Context, assistant, items: list[dict], target: Path, label: str,
            stop_at: float | None = None) -> tuple[list[dict], list]:
    """(the items asked, their answers); with stop_at, questions not started by then are left out."""
    answers, records = [], []
    for n, item in enumerate(items, start=1):
        if stop_at is not None and time.time() >= stop_at:
            ctx.log(f"answers: {label}: deadline reached after {n - 1} of {len(items)} questions")
            break
        started, pieces = time.perf_counter(), []
        answer = assistant.ask(item["question"], on_token=pieces.append)
        records.append({**record(item, answer, time.perf_counter() - started), "generated": "".join(pieces)})
        answers.append(answer)
        target.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        ctx.log(f"answers: {label} {n}/{len(items)} {'refused' if answer.refused else 'answered'} "
                f"in {records[-1]['seconds']} s: {item['question'][:60]}")
    return items[: len(answers)], answers


def pct(pair: tuple[int, int]) -> float | str:
    value = ratio(*pair)
    return "n/a" if value is None else round(100 * value, 1)


def config_rows(label: str, counts: dict, subset: str) -> list[dict]:
    cp, gc, ar, gh, ra = (counts[k] for k in
                          ("citation_precision", "gold_citations", "answer_rate", "gold_hit_rate", "refusal_accuracy"))
    ftt, tps = counts["first_token_s"], counts["tokens_per_s"]
    common = {"subset": subset, "config": label}
    return [
        row("citation precision (retrieved and supports its sentence)", pct(cp), unit="%", runs=cp[1],
            detail=f"{cp[0]}/{cp[1]} citations", **common),
        row("citations naming the gold pinpoint (answerable)", pct(gc), unit="%", runs=gc[1],
            detail=f"{gc[0]}/{gc[1]} citations", **common),
        row("answer rate (answerable)", pct(ar), unit="%", runs=ar[1], detail=f"{ar[0]}/{ar[1]} answered", **common),
        row("gold pinpoint cited (answerable)", pct(gh), unit="%", runs=gh[1],
            detail=f"{gh[0]}/{gh[1]} questions", **common),
        row("gold pinpoint cited, gold article in no training example", pct(counts["gold_hit_unseen"]), unit="%",
            runs=counts["gold_hit_unseen"][1], detail=f"{counts['gold_hit_unseen'][0]}/{counts['gold_hit_unseen'][1]} "
            "questions (the others share their gold article with an English training example)", **common),
        row("refusal accuracy (unanswerable)", pct(ra), unit="%", runs=ra[1], detail=f"{ra[0]}/{ra[1]} refused",
            **common),
        row("time to first token (median)", round(median(ftt), 2) if ftt else "n/a", unit="s", runs=len(ftt),
            detail="questions that reached the model", **common),
        row("decode speed (median)", round(median(tps), 1) if tps else "n/a", unit="tokens/s", runs=len(tps),
            detail="questions that reached the model", **common),
    ]


def faq_output(ctx: Context, label: str) -> Path:
    """Where `faq_row` writes the answers of the run labelled `label`."""
    return ctx.scratch / f"faq-{label.replace(' ', '').replace(',', '')}.csv"


def faq_row(ctx: Context, assistant, label: str, n_rows: int) -> dict:
    from assistant.faq import answer_file

    target = faq_output(ctx, label)
    target.unlink(missing_ok=True)  # answer_file resumes: a stale output would skip every row
    summary = answer_file(FAQ_FILE, target, assistant, limit=n_rows)
    asked = summary.answered + summary.refused + summary.failed
    return row("FAQ batch throughput (answer_file)", round(summary.per_minute, 2), unit="questions/min", runs=asked,
               subset=f"first {n_rows} rows of corpus/faq/sample_faq.csv", config=label,
               detail=f"{summary.answered} answered, {summary.refused} refused, {summary.failed} failed "
                      f"in {summary.seconds:.0f} s")


def adapter_label(model: str, adapter: str, used: str) -> str:
    if adapter == "default" and not used:
        return f"{model} + adapter default (not shipped: base model ran)"
    return f"{model} + adapter {adapter}"


def run(ctx: Context) -> list[dict]:
    from assistant.generate import resolve_adapter

    items = load_questions(env_int("BENCH_ANSWERS_QUESTIONS", QUICK_QUESTIONS if ctx.quick else None))
    faq_rows = env_int("BENCH_ANSWERS_FAQ_ROWS", QUICK_FAQ_ROWS if ctx.quick else FULL_FAQ_ROWS)
    folder = out_dir(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    index_dir, index_label = india_index(ctx)
    stop_at = deadline()
    if stop_at is not None:
        items = interleaved(items)
    rows = []
    for i, (model, adapter) in enumerate(configs_for(ctx)):
        used = resolve_adapter(model, adapter)
        label = adapter_label(model, adapter, str(used or ""))
        ctx.log(f"answers: {label}: loading")
        tokens = QUICK_MAX_NEW_TOKENS if ctx.quick else None
        load_s, assistant = timed(lambda m=model, a=adapter: make_assistant(m, a, index_dir, tokens))
        if i == 0 and faq_rows:
            rows.append(faq_row(ctx, assistant, label, faq_rows))
        asked, answers = ask_all(ctx, assistant, items, folder / f"{model}+{adapter}.json", label, stop_at)
        subset = f"{subset_label(asked)}; {index_label}"
        if stop_at is not None:
            subset = subset.replace("the first of each kind in file order",
                                    "the first asked in 2 answerable : 1 unanswerable order before the time limit")
        rows += config_rows(label, score(asked, answers), subset)
        rows.append(row("load index + model", round(load_s, 1), unit="s", runs=1, subset=subset, config=label))
        del assistant, answers
    return rows


BENCHMARK = Benchmark(name="answers", title="Answers: citations, refusals and speed of Assistant.ask", run=run,
                      notes=__doc__.split("Run:")[0].split("\n", 2)[2])


if __name__ == "__main__":  # scoring of a stored per-question file, without models: python -m bench.answers FILE
    import sys

    for path in sys.argv[1:]:
        recs = json.loads(Path(path).read_text(encoding="utf-8"))
        print(path, f"{sum(r['gold_hit'] for r in recs)}/{sum(r['answerable'] for r in recs)} gold hits,",
              f"{sum(r['refused'] for r in recs if not r['answerable'])}/{sum(not r['answerable'] for r in recs)} "
              "unanswerable refused")
