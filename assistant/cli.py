"""Command line: thin commands, one library call each. Run `legal-assistant --help`.

Errors from the library (AssistantError) become one clear line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sys

from assistant import settings as settings_mod
from assistant.errors import AssistantError
from assistant.types import Filters

SAMPLE_QUESTION = "What does Article 21 of the Constitution protect?"


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args, rest = top.parse_known_args(argv)
    if rest and not hasattr(args, "rest"):
        top.error(f"unrecognized arguments: {' '.join(rest)}")
    if hasattr(args, "rest"):  # train-retriever and bench hand their options on to their own parsers
        args.rest = rest
    try:
        return args.func(args) or 0
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def make_settings(args) -> settings_mod.Settings:
    fields = settings_mod.Settings.model_fields
    overrides = {k: v for k, v in vars(args).items() if k in fields and v is not None}
    return settings_mod.load(getattr(args, "preset", None), **overrides)


def make_filters(args) -> Filters:
    return Filters(
        jurisdiction=tuple(args.jurisdiction or ()),
        kind=tuple(args.kind or ()),
        date_from=args.date_from,
        date_to=args.date_to,
        in_force=True if args.in_force else None,
        title=args.law,
    )


# ---- commands -------------------------------------------------------------------------------


def cmd_ingest(args) -> int:
    from assistant.ingest import ingest

    result = ingest(args.sources, make_settings(args), limit=args.limit, dry_run=True)
    print(f"{result.documents} documents -> {result.passages} passages ({result.embedder} token cap)")
    print_problems(result.problems)
    return 0


def cmd_index_build(args, update: bool = False) -> int:
    from assistant.ingest import ingest

    settings = make_settings(args)
    if getattr(args, "build_engine", "local") == "ray":
        from assistant.scale.ray_build import build_with_ray

        result = build_with_ray(args.sources, settings, args.name, address=args.ray_address, num_workers=args.workers,
                                num_gpus=args.gpus, limit=args.limit, until=args.until, progress=True)
    else:
        result = ingest(args.sources, settings, name=args.name, update=update, limit=args.limit,
                        until=args.until, progress=True)
    report = result.report
    print(f"{result.documents} documents, {result.passages} passages, embedder {result.embedder}")
    print(f"added {report.added}, removed {report.removed}, kept {report.kept}, embedded {report.embedded}"
          f" in {report.seconds:.1f}s -> version {report.version}")
    print_problems(result.problems)
    return 0


def cmd_index_update(args) -> int:
    return cmd_index_build(args, update=True)


def cmd_index_info(args) -> int:
    from assistant.index import read_manifest

    settings = make_settings(args)
    manifest = read_manifest(settings.index_dir(args.name))
    print(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return 0


def make_assistant(args):
    """The Assistant for a command; with --as-of, its retriever only sees what was in force on that date."""
    from assistant.pipeline import Assistant

    assistant = Assistant(make_settings(args))
    if getattr(args, "as_of", None):
        from assistant.asof import as_of_retriever, check_date

        assistant = Assistant(assistant.settings, retriever=as_of_retriever(assistant.retriever, check_date(args.as_of)))
    return assistant


def print_versions(args, assistant, hits) -> None:
    if getattr(args, "as_of", None):
        from assistant.asof import describe_versions, load_validity

        print(describe_versions(hits, args.as_of, load_validity(assistant.settings.index_dir())))


def cmd_search(args) -> int:
    assistant = make_assistant(args)
    hits = assistant.retriever.search(args.question, k=args.k, filters=make_filters(args), mode=args.mode)
    if args.json:
        print(json.dumps([{"rank": i + 1, "score": h.score, "dense": h.dense, "lexical": h.lexical,
                           **h.passage.to_dict()} for i, h in enumerate(hits)], ensure_ascii=False, indent=2))
        return 0
    from assistant.render import hits_table

    print(hits_table(hits))
    if assistant.retriever.adapts(args.question) and args.mode != "lexical":
        weights = assistant.retriever.fusion(args.question)
        print(f"query adapter: {assistant.retriever.query_adapter.name}, fused with BM25 weight "
              f"{weights['lexical_weight']:g}, RRF constant {weights['rrf_k']} "
              "(--query-adapter none to search without it)")
    print_versions(args, assistant, hits)
    return 0


def cmd_ask(args) -> int:
    from assistant.render import answer_text

    assistant = make_assistant(args)
    drafted: list[str] = []

    def progress(piece: str) -> None:  # the draft is not the answer: only what verification keeps is shown
        drafted.append(piece)
        print(f"\rdrafting and checking the answer… {len(drafted)} tokens", end="", file=sys.stderr, flush=True)

    filters = make_filters(args)
    answer = assistant.ask(args.question, filters=filters, on_token=None if args.json else progress)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr)
        print(answer_text(answer))
        print_versions(args, assistant, answer.hits)
    if args.record:
        from assistant.record import make_record, save_record

        record = make_record(answer, assistant.settings, assistant.retriever.index.manifest,
                             assistant.last_messages or None, filters=filters)
        print(f"record written to {save_record(args.record, record)}", file=sys.stderr)
    return 0


def cmd_replay(args) -> int:
    from assistant.pipeline import Assistant
    from assistant.record import load_record, replay

    answer, identical = replay(load_record(args.record), Assistant(make_settings(args)))
    print(answer.text)
    print("identical to the record" if identical else "DIFFERENT from the record")
    return 0 if identical else 1


def cmd_impact(args) -> int:
    from assistant.impact import run_impact

    report = run_impact(args.faq, args.before, make_assistant(args), out_md=args.md, out_json=args.out_json)
    print(report.to_markdown())
    return 0


def cmd_faq(args) -> int:
    from assistant.faq import answer_file
    from assistant.pipeline import Assistant

    summary = answer_file(args.input, args.output, Assistant(make_settings(args)), question_column=args.column,
                          report=args.report, limit=args.limit)
    print(summary)
    return 0 if summary.failed == 0 else 1


def cmd_train(args) -> int:
    from assistant.train.lora import run_training

    print(run_training(args.method, args.base, args.recipe, args.out, resume=not args.no_resume,
                       max_steps=args.max_steps))
    return 0


def cmd_train_retriever(args) -> int:
    from assistant.train.query_adapter import main as train_retriever

    return train_retriever(args.rest)


def cmd_eval(args) -> int:
    from assistant.evaluate.run import run_eval

    run_eval(args.settings, base=args.base, n_questions=args.n, max_new_tokens=args.max_new_tokens,
             out_dir=args.out, k=args.k)
    return 0


def cmd_bench(args) -> int:
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    return subprocess.call([sys.executable, "-m", "bench", *args.rest], cwd=root)


def cmd_ui(args) -> int:
    import subprocess
    from pathlib import Path

    app = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1",
               "--client.toolbarMode", "viewer"]
    return subprocess.call(command)


def print_problems(problems) -> None:
    for problem in problems:
        print(f"skipped {problem.path}: {problem.message}", file=sys.stderr)


# ---- argument parsing -----------------------------------------------------------------------


def add_settings_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", help="folder holding the indexes (default: ./index)")
    p.add_argument("--index", help="index name (default: india)")
    p.add_argument("--preset", choices=sorted(settings_mod.PRESETS), help="named settings preset")
    p.add_argument("--embedder", choices=["auto", "minilm", "e5", "hashing"])
    p.add_argument("--model", help="qwen-0.5b | qwen-1.5b | smollm2 | openai")
    p.add_argument("--adapter", help="default | none | path to an adapter folder")
    p.add_argument("--query-adapter", dest="query_adapter", help="auto | none | path to a query-adapter folder")
    p.add_argument("--max-new-tokens", dest="max_new_tokens", type=int)
    p.add_argument("--openai-base-url", dest="openai_base_url", help="OpenAI-compatible server (vLLM, llama.cpp)")
    p.add_argument("--openai-model", dest="openai_model", help="model or LoRA adapter name served there")


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jurisdiction", action="append", help="e.g. IN, CN, EU, TW (repeatable)")
    p.add_argument("--kind", action="append", choices=["statute", "case", "other"])
    p.add_argument("--law", help="only passages whose law/case title contains this")
    p.add_argument("--date-from", dest="date_from", help="YYYY-MM-DD")
    p.add_argument("--date-to", dest="date_to", help="YYYY-MM-DD")
    p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: only documents dated on or before")
    p.add_argument("--in-force", dest="in_force", action="store_true", help="only provisions in force")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="legal-assistant", description="Private, local legal research assistant.")
    sub = top.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read and chunk sources without indexing; list problem files")
    p.add_argument("sources", nargs="+", help="pack names (india, prc, eu, taiwan, korea) or folders")
    p.add_argument("--limit", type=int)
    add_settings_flags(p)
    p.set_defaults(func=cmd_ingest)

    index = sub.add_parser("index", help="build, update or describe an index").add_subparsers(required=True)
    for verb, func, helptext in (("build", cmd_index_build, "build an index from packs and folders"),
                                 ("update", cmd_index_update, "add new/changed documents, drop deleted ones")):
        p = index.add_parser(verb, help=helptext)
        p.add_argument("sources", nargs="*" if verb == "update" else "+",
                       help="packs or folders (update: extra sources besides those already indexed)")
        p.add_argument("--name", help="index name (default: first source's name)")
        p.add_argument("--limit", type=int, help="read at most this many documents per source")
        p.add_argument("--until", help="YYYY-MM-DD: only documents dated on or before (e.g. rulings so far)")
        p.add_argument("--index-type", dest="index_type", choices=["flat", "ivf", "ivfpq", "hnsw"])
        if verb == "build":
            p.add_argument("--engine", dest="build_engine", choices=["local", "ray"], default="local",
                           help="ray: chunk and embed on Ray Data actors (pip install -e '.[scale]')")
            p.add_argument("--workers", type=int, default=2, help="Ray actors (--engine ray)")
            p.add_argument("--ray-address", dest="ray_address", help="ray://head:10001 or auto (default: local Ray)")
            p.add_argument("--gpus-per-worker", dest="gpus", type=float, default=0.0)
        add_settings_flags(p)
        p.set_defaults(func=func)
    p = index.add_parser("info", help="print an index's manifest")
    p.add_argument("name", nargs="?", default="india")
    add_settings_flags(p)
    p.set_defaults(func=cmd_index_info)

    p = sub.add_parser("search", help="retrieve passages for a question")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--json", action="store_true")
    add_settings_flags(p)
    add_filter_flags(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question")
    p.add_argument("-k", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--record", help="also write a reproducible answer record (JSON) here")
    p.add_argument("--engine", choices=["torch", "llamacpp"],
                   help="how the local model runs: torch (default) or llamacpp (pip install -e '.[scale]')")
    add_settings_flags(p)
    add_filter_flags(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("replay", help="re-run a recorded answer and check it is identical")
    p.add_argument("record")
    add_settings_flags(p)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("impact", help="after an index update: re-answer saved questions and diff the citations")
    p.add_argument("faq", help="question file (CSV/XLSX/JSONL/TXT)")
    p.add_argument("--before", required=True, help="answers saved before the update (JSON); written when missing")
    p.add_argument("--md", help="write the report as Markdown")
    p.add_argument("--json", dest="out_json", help="write the report as JSON")
    p.add_argument("--as-of", dest="as_of")
    add_settings_flags(p)
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser("faq", help="answer every question of a CSV/XLSX/JSONL/TXT file")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--column", help="question column (default: guessed)")
    p.add_argument("--report", help="also write a .md or .html report")
    p.add_argument("--limit", type=int)
    add_settings_flags(p)
    p.set_defaults(func=cmd_faq)

    p = sub.add_parser("train", help="tune a LoRA or P-tuning adapter (long: run it in the background)")
    p.add_argument("--method", choices=["lora", "ptuning"], default="lora")
    p.add_argument("--base", default="qwen-0.5b")
    p.add_argument("--recipe", help="JSON recipe (default: assistant/train/recipes/<method>-<base>.json)")
    p.add_argument("--out", default="runs/train", help="run folder: logs, checkpoints, adapter/")
    p.add_argument("--max-steps", dest="max_steps", type=int)
    p.add_argument("--no-resume", dest="no_resume", action="store_true", help="ignore existing checkpoints")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("train-retriever", help="train the query adapter on LeCoQA (a few minutes); options: "
                       "legal-assistant train-retriever --help", add_help=False)
    p.set_defaults(func=cmd_train_retriever, rest=[])

    p = sub.add_parser("eval", help="compare zero-shot, few-shot, LoRA and P-tuning on held-out questions")
    p.add_argument("--settings", nargs="+", default=["zero-shot", "lora"],
                   help="zero-shot | few-shot[:k] | lora[:adapter folder] | ptuning:<adapter folder>")
    p.add_argument("--base", default="qwen-0.5b")
    p.add_argument("--n", type=int, default=32, help="dev questions (about a quarter with evidence withheld)")
    p.add_argument("--max-new-tokens", dest="max_new_tokens", type=int, default=128)
    p.add_argument("-k", type=int, default=4)
    p.add_argument("--out", default="runs/eval")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="run the benchmarks (python -m bench), write bench/RESULTS.md; options "
                       "such as --quick, --only retrieval: legal-assistant bench --help", add_help=False)
    p.set_defaults(func=cmd_bench, rest=[])

    p = sub.add_parser("ui", help="open the Streamlit page")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_ui)
    return top


if __name__ == "__main__":
    sys.exit(main())
