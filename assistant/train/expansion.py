"""Build the shipped BM25 expansion file (assistant/index/expansion.py) from LeCoQA-train.

Each training question (the query adapter's: `held_out` keeps out the frozen test split, the answering
model's dev split and a third of the rest) is added under every gold article it cites that the `prc` pack
holds. Writes `expansion.json` and the LeCoQA MIT notice with a line on how the file was derived.

    .venv/bin/python -m assistant.train.expansion [--out assistant/adapters/lecoqa-expansion]
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

from assistant.corpus.prc import gold_key, law_key
from assistant.index.expansion import FILE, SHIPPED
from assistant.train.data import LECOQA, load_lecoqa, write_lecoqa_notice
from assistant.train.query_adapter import HELD_OUT_RULE, SCOPE, held_out, lecoqa_dev_ids


def pack_keys() -> set[str]:
    from assistant.corpus.packs import load_pack

    return {law_key(d.title) + u.label for d in load_pack("prc") for u in d.units if u.label}


def articles(records: list[dict], dev_ids: set, keys: set[str]) -> dict[str, list[str]]:
    """Article key -> the training questions citing it, in file order, each once."""
    out: dict[str, list[str]] = {}
    for r in records:
        if held_out(r["query_id"], dev_ids):
            continue
        for name in r.get("match_name", []):
            key = gold_key(name)
            if key in keys and r["问题"].strip() not in out.setdefault(key, []):
                out[key].append(r["问题"].strip())
    return {k: v for k, v in out.items() if v}


def build(out: Path, data_path: Path | str = LECOQA) -> dict:
    records = load_lecoqa(data_path)
    found = articles(records, lecoqa_dev_ids(data_path), pack_keys())
    card = {
        "name": "lecoqa-expansion", "scope": SCOPE, "source": str(data_path), "held_out": HELD_OUT_RULE,
        "questions": len({q for qs in found.values() for q in qs}), "built_at":
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "derived": "LeCoQA-train questions (unchanged text), grouped under the prc-pack article each cites as gold",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / FILE).write_text(json.dumps({**card, "articles": found}, ensure_ascii=False, indent=0) + "\n",
                            encoding="utf-8")
    write_lecoqa_notice(out, f"{FILE}: {card['derived']}", data_path)
    return {**card, "articles": len(found)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the BM25 expansion file from LeCoQA-train")
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--data", type=Path, default=LECOQA)
    args = parser.parse_args(argv)
    print(json.dumps(build(args.out, args.data), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
