"""Evaluation report: a Markdown table, the full JSON (with every answer) and a bar chart PNG.

    .venv/bin/python -c "from assistant.evaluate.report import write_report"   # called by run_eval
"""
from __future__ import annotations

import json
from pathlib import Path

COLUMNS = [  # (key in a setting's summary, header, format)
    ("rouge_l", "ROUGE-L", "{:.3f}"),
    ("token_f1", "token F1", "{:.3f}"),
    ("bleu", "BLEU", "{:.3f}"),
    ("cite_precision", "cite P", "{:.2f}"),
    ("cite_recall", "cite R", "{:.2f}"),
    ("refusal_accuracy", "refusal acc", "{:.2f}"),
    ("refusal_nearest", "refusal acc, nearest", "{:.2f}"),
    ("refusal_other", "refusal acc, other", "{:.2f}"),
    ("false_refusal", "false refusal", "{:.2f}"),
    ("served_refusal_accuracy", "refusal acc, as served", "{:.2f}"),
    ("served_false_refusal", "false refusal, as served", "{:.2f}"),
    ("seconds_per_answer", "s/answer (median)", "{:.1f}"),
    ("tokens_per_s", "tok/s incl. prompt (median)", "{:.1f}"),
]
CHART = ["rouge_l", "token_f1", "bleu", "cite_precision", "cite_recall", "refusal_accuracy"]


def _cell(value, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)


def markdown_table(summaries: dict[str, dict]) -> str:
    head = "| setting | n (ans/ref) | " + " | ".join(h for _, h, _ in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 2) + "|"
    rows = [f"| {name} | {s['n_answerable']}/{s['n_refusal']} | "
            + " | ".join(_cell(s.get(k), f) for k, _, f in COLUMNS) + " |" for name, s in summaries.items()]
    return "\n".join([head, rule, *rows])


def notes(meta: dict) -> str:
    return (f"Base `{meta['base']}`, {meta['n_questions']} dev questions (hashed dev split, never trained on), "
            f"k = {meta['k']} passages (gold + BM25 distractors; gold withheld for refusal items), greedy decoding, "
            f"max_new_tokens = {meta['max_new_tokens']}, {meta['threads']} CPU threads. Text scores compare with the "
            "lawyer reference answers (character tokens for Chinese); citation P/R compare cited passages with the "
            "gold articles shown; refusal acc = share of withheld-evidence items answered with the refusal "
            "sentence (nearest: the passages nearest the question once its gold is removed; other: the passages "
            "retrieved for another dev question); false refusal = share of answerable items refused; 'as served': "
            "refused by the answering path (`ask`), which also refuses an answer that cites no shown passage "
            "supporting it.")


def chart(summaries: dict[str, dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(summaries))
    for i, (name, s) in enumerate(summaries.items()):
        xs = [j + i * width for j in range(len(CHART))]
        ax.bar(xs, [s.get(k) or 0 for k in CHART], width, label=name)
    ax.set_xticks([j + width * (len(summaries) - 1) / 2 for j in range(len(CHART))])
    ax.set_xticklabels([h for k, h, _ in COLUMNS if k in CHART])
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("Answer quality on the LeCoQA dev split")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(out_dir: str | Path, meta: dict, summaries: dict[str, dict], items: dict[str, list]) -> dict:
    """results.md, results.json and chart.png under out_dir; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md = f"# Answer evaluation\n\n{notes(meta)}\n\n{markdown_table(summaries)}\n"
    (out / "results.md").write_text(md, encoding="utf-8")
    payload = {"meta": meta, "summaries": summaries, "items": items}
    (out / "results.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    paths = {"markdown": out / "results.md", "json": out / "results.json"}
    if summaries:
        paths["chart"] = chart(summaries, out / "chart.png")
    return paths
