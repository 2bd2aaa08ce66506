"""Command line: thin commands, one library call each. Run `legal-assistant --help`.

Errors from the library (AssistantError) become one clear line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import TYPE_CHECKING, Literal, get_args, get_origin

from assistant import settings as settings_mod
from assistant.errors import AssistantError, InputError
from assistant.types import Filters, Kind, TuningMethod

if TYPE_CHECKING:
    from assistant.protocols import Answerer

SAMPLE_QUESTION = "What does Article 21 of the Constitution protect?"


def main(argv: list[str] | None = None) -> int:
    quiet_libraries()
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


def quiet_libraries() -> None:
    """No weight-loading progress bars or advisory warnings from the model libraries: a lawyer sees the answer.
    Set before transformers or huggingface_hub is imported (they read these once)."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    warnings.filterwarnings("ignore", category=FutureWarning)


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

        result = build_with_ray(args.sources, settings, args.index, address=args.ray_address, num_workers=args.workers,
                                num_gpus=args.gpus, limit=args.limit, until=args.until, progress=True)
    else:
        result = ingest(args.sources, settings, name=args.index, update=update, limit=args.limit,
                        until=args.until, progress=True)
    report = result.report
    print(f"{result.documents} documents, {result.passages} passages, embedder {result.embedder}")
    print(f"added {report.added}, removed {report.removed}, kept {report.kept}, embedded {report.embedded}"
          f" in {report.seconds:.1f}s -> version {report.version}")
    print_problems(result.problems)
    return 0


def cmd_index_update(args) -> int:
    """`index update [NAME] [SOURCE ...]`: a first word that names an existing index (and is not a path) is
    that index, so `index update firm ./new` updates index firm with ./new."""
    from pathlib import Path

    from assistant.ingest import recorded_sources

    first = args.sources[0] if args.sources else None
    if args.index is None and first and Path(first).name == first and \
            recorded_sources(make_settings(args).index_dir(first)):
        args.index, args.sources = first, args.sources[1:]
    if args.index is None and not args.sources:
        raise InputError("name the index to update: legal-assistant index update NAME [SOURCE ...]")
    return cmd_index_build(args, update=True)


def cmd_index_info(args) -> int:
    from assistant.index import read_manifest

    settings = make_settings(args)
    manifest = read_manifest(settings.index_dir(args.name or settings.index))
    print(json.dumps(manifest.raw, indent=2, ensure_ascii=False, default=str))
    return 0


def make_assistant(args):
    """The Assistant for a command; with --as-of, its retriever only sees what was in force on that date."""
    from assistant.pipeline import Assistant

    assistant = Assistant(make_settings(args))
    if getattr(args, "as_of", None):
        from assistant.asof import as_of_retriever, check_date

        assistant = Assistant(assistant.settings, retriever=as_of_retriever(assistant.retriever, check_date(args.as_of)))
    return assistant


def print_versions(args, assistant: Answerer, hits) -> None:
    if getattr(args, "as_of", None):
        from assistant.asof import describe_versions, load_validity

        print(describe_versions(hits, args.as_of, load_validity(assistant.retriever.index.folder)))  # served version


def cmd_search(args) -> int:
    assistant = make_assistant(args)
    hits = assistant.retriever.search(args.question, k=assistant.settings.k, filters=make_filters(args),
                                      mode=args.mode)
    if args.json:
        print(json.dumps([{"rank": i + 1, "score": h.score, "dense": h.dense, "lexical": h.lexical,
                           **h.passage.to_dict()} for i, h in enumerate(hits)], ensure_ascii=False, indent=2))
        return 0
    from assistant.render import hits_table

    print(hits_table(hits))
    if notice := assistant.retriever.named(args.question, make_filters(args)).notice():
        print(f"note: {notice}")
    if assistant.retriever.adapts(args.question) and args.mode != "lexical":
        weights = assistant.retriever.fusion(args.question)
        print(f"query adapter: {assistant.retriever.query_adapter.name}, fused with BM25 weight "
              f"{weights['lexical_weight']:g}, RRF constant {weights['rrf_k']} "
              "(--query-adapter none to search without it)")
    print_versions(args, assistant, hits)
    return 0


def cmd_show(args) -> int:
    from assistant.index import open_index
    from assistant.provisions import show

    settings = make_settings(args)
    print(show(open_index(settings.index_dir(settings.index)), args.provision))
    return 0


def cmd_ask(args) -> int:
    """One question, or (none given) one per line of standard input, the models loaded once for all of them:
    the second answer of a session skips the seconds a fresh process spends loading."""
    if args.question is not None:
        return ask_one(args, make_assistant(args), args.question)
    if args.record:
        raise InputError("--record writes one answer: give the question, e.g. legal-assistant ask \"...\" --record FILE")
    assistant, interactive = make_assistant(args), sys.stdin.isatty()
    if interactive:
        print("One question per line; an empty line or Ctrl-D ends.", file=sys.stderr)
    while True:
        if interactive:
            print("question> ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            return 0
        if line.strip():
            ask_one(args, assistant, line.strip())


def ask_one(args, assistant, question: str) -> int:
    from assistant.render import answer_text

    drafted: list[str] = []

    def progress(piece: str) -> None:  # the draft is not the answer: only what verification keeps is shown
        drafted.append(piece)
        print(f"\rdrafting and checking the answer… {len(drafted)} tokens", end="", file=sys.stderr, flush=True)

    filters = make_filters(args)
    shown = not args.json and sys.stderr.isatty()  # a counter rewritten in place: only on a terminal, not in a log
    answer = assistant.ask(question, filters=filters, on_token=progress if shown else None)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=None if args.question is None else 2,
                         default=str), flush=True)  # several questions: one JSON object a line
    else:
        if shown:
            print("\r" + " " * 60 + "\r", end="", file=sys.stderr)
        print(answer_text(answer), flush=True)
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


def cmd_adapter_export(args) -> int:
    """The peft LoRA in a folder as a llama.cpp LoRA GGUF (the conversion `--engine llamacpp` does on first use)."""
    import shutil
    from pathlib import Path

    from assistant.generate.llamacpp import lora_gguf

    converted = lora_gguf(args.base, Path(args.folder), settings_mod.Settings().cache_dir())
    out = Path(args.out or Path(args.folder) / f"{args.base}-lora.gguf")
    shutil.copyfile(converted, out)
    print(f"wrote {out} (llama.cpp LoRA for {args.base}; also cached as {converted})")
    return 0


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

    run_eval(args.settings, base=args.base, n_questions=args.n_questions, max_new_tokens=args.max_new_tokens,
             out_dir=args.out_dir, k=args.k)
    return 0


def cmd_bench(args) -> int:
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not (root / "bench" / "__main__.py").exists():
        raise InputError("the benchmarks run from a source checkout (git clone, then make bench)")
    return subprocess.call([sys.executable, "-m", "bench", *args.rest], cwd=root)


def page_path():
    """The Streamlit page: ui/app.py beside the assistant package, in a checkout and in an installed wheel."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "ui" / "app.py"


def cmd_ui(args) -> int:
    import subprocess

    app = page_path()
    if not app.exists():
        raise InputError(f"the page is missing ({app}): reinstall legal-assistant")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1",
               "--client.toolbarMode", "viewer"]
    return subprocess.call(command)


def print_problems(problems) -> None:
    for problem in problems:
        print(f"skipped {problem.path}: {problem.message}", file=sys.stderr)


# ---- argument parsing -----------------------------------------------------------------------
# Settings flags are made from the Settings fields: a field's description is its help, a Literal's values (or the
# registry a name is looked up in) are its choices, and its default stays in Settings: a flag left out is None, so
# `settings.load` applies the preset or the field's default. Each command registers itself in one small function
# listed in COMMANDS; a new command is one more function there.


def settings_choices() -> dict[str, tuple[str, ...]]:
    """The allowed values of each Settings field that has a fixed set."""
    from assistant.generate import NAMES

    fields = settings_mod.Settings.model_fields
    literals = {name: get_args(f.annotation) for name, f in fields.items() if get_origin(f.annotation) is Literal}
    return {**literals, "model": NAMES}


def field_help(field) -> str:
    text = field.description if field.default_factory else f"{field.description} Default: {field.default}."
    return text.replace("%", "%%")  # argparse %-formats help


def add_settings_flags(p: argparse.ArgumentParser, skip: tuple[str, ...] = (),
                       aliases: dict[str, list[str]] | None = None) -> None:
    """--preset and one flag per Settings field (less `skip`); `aliases` adds option strings to a field's flag."""
    group = p.add_argument_group("settings", "assistant.settings.Settings; left out: the preset's or the default")
    presets = "; ".join(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items())
                        for name, values in settings_mod.PRESETS.items())
    group.add_argument("--preset", choices=sorted(settings_mod.PRESETS), help=f"named settings preset ({presets})")
    choices = settings_choices()
    for name, field in settings_mod.Settings.model_fields.items():
        if name in skip:
            continue
        flags = ["--" + name.replace("_", "-"), *(aliases or {}).get(name, [])]
        if field.annotation is bool:
            group.add_argument(*flags, dest=name, action=argparse.BooleanOptionalAction, help=field_help(field))
        else:
            kind = field.annotation if field.annotation in (int, float) else str
            group.add_argument(*flags, dest=name, type=kind, choices=choices.get(name), help=field_help(field))


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    from assistant.corpus.packs import PACKS

    packs = ", ".join(sorted({pack.jurisdiction for pack in PACKS.values()}))
    p.add_argument("--jurisdiction", action="append", help=f"only this jurisdiction (repeatable); the packs': {packs}")
    p.add_argument("--kind", action="append", choices=get_args(Kind), help="only this kind of document (repeatable)")
    p.add_argument("--law", help="only passages whose law/case title contains this")
    p.add_argument("--date-from", dest="date_from", help="YYYY-MM-DD")
    p.add_argument("--date-to", dest="date_to", help="YYYY-MM-DD")
    p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: only documents dated on or before")
    p.add_argument("--in-force", dest="in_force", action="store_true", help="only provisions in force")


def pack_names() -> str:
    from assistant.corpus.packs import PACKS

    return ", ".join(PACKS)


def add_ingest(sub) -> None:
    p = sub.add_parser("ingest", help="read and chunk sources without indexing; list problem files")
    p.add_argument("sources", nargs="+", help=f"pack names ({pack_names()}) or folders")
    p.add_argument("--limit", type=int, help="read at most this many documents per source")
    add_settings_flags(p)
    p.set_defaults(func=cmd_ingest)


def add_index_source_flags(p: argparse.ArgumentParser) -> None:
    """What index build and update share. Their --engine picks the build engine, so Settings' engine is left out;
    --name is another spelling of --index."""
    p.add_argument("--limit", type=int, help="read at most this many documents per source")
    p.add_argument("--until", help="YYYY-MM-DD: only documents dated on or before (e.g. rulings so far)")
    add_settings_flags(p, skip=("engine",), aliases={"index": ["--name"]})


BUILD_ENGINES = ("local", "ray")  # how `index build` chunks and embeds; only the CLI offers this choice


def add_index_build(index) -> None:
    p = index.add_parser("build", help="build an index from packs and folders",
                         description="Build an index; its name (--name) defaults to the first source's name.")
    p.add_argument("sources", nargs="+", help=f"packs ({pack_names()}) or folders")
    p.add_argument("--engine", dest="build_engine", choices=BUILD_ENGINES, default=BUILD_ENGINES[0],
                   help="ray: chunk and embed on Ray Data actors (pip install -e '.[scale]')")
    p.add_argument("--workers", type=int, default=2, help="Ray actors (--engine ray)")
    p.add_argument("--ray-address", dest="ray_address", help="ray://head:10001 or auto (default: local Ray)")
    p.add_argument("--gpus-per-worker", dest="gpus", type=float, default=0.0)
    add_index_source_flags(p)
    p.set_defaults(func=cmd_index_build)


def add_index_update(index) -> None:
    p = index.add_parser("update", help="add new/changed documents, drop deleted ones",
                         description="legal-assistant index update [NAME] [SOURCE ...]: a first word naming an "
                         "existing index is that index; the rest are sources besides those already indexed.")
    p.add_argument("sources", nargs="*", metavar="[NAME] SOURCE", help="index name, then extra packs or folders")
    add_index_source_flags(p)
    p.set_defaults(func=cmd_index_update)


def add_index_info(index) -> None:
    p = index.add_parser("info", help="print an index's manifest")
    p.add_argument("name", nargs="?", help="index name (default: --index)")
    add_settings_flags(p)
    p.set_defaults(func=cmd_index_info)


def add_index(sub) -> None:
    index = sub.add_parser("index", help="build, update or describe an index").add_subparsers(required=True)
    for register in (add_index_build, add_index_update, add_index_info):
        register(index)


def add_search(sub) -> None:
    from assistant.retrieve import MODES

    p = sub.add_parser("search", help="retrieve passages for a question")
    p.add_argument("question")
    p.add_argument("--mode", choices=MODES, default=MODES[0], help="dense, BM25 or both fused")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    add_settings_flags(p, aliases={"k": ["-k"]})
    add_filter_flags(p)
    p.set_defaults(func=cmd_search)


def add_show(sub) -> None:
    p = sub.add_parser("show", help='print a provision with its hierarchy: show "金融商品取引法第27条の5"')
    p.add_argument("provision", help="a law and a pinpoint, e.g. \"§ 312a BGB\" or \"Constitution of India, Art. 21\"")
    add_settings_flags(p)
    p.set_defaults(func=cmd_show)


def add_ask(sub) -> None:
    p = sub.add_parser("ask", help="answer a question with cited passages; without one, answer each line of "
                                   "standard input, the models loaded once")
    p.add_argument("question", nargs="?", help="the question (none: one per line of standard input)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (one object a line for several)")
    p.add_argument("--record", help="also write a reproducible answer record (JSON) here")
    add_settings_flags(p, aliases={"k": ["-k"]})
    add_filter_flags(p)
    p.set_defaults(func=cmd_ask)


def add_replay(sub) -> None:
    p = sub.add_parser("replay", help="re-run a recorded answer and check it is identical")
    p.add_argument("record")
    add_settings_flags(p)
    p.set_defaults(func=cmd_replay)


def add_impact(sub) -> None:
    p = sub.add_parser("impact", help="after an index update: re-answer saved questions and diff the citations")
    p.add_argument("faq", help="question file (CSV/XLSX/JSONL/TXT)")
    p.add_argument("--before", required=True, help="answers saved before the update (JSON); written when missing")
    p.add_argument("--md", help="write the report as Markdown")
    p.add_argument("--json", dest="out_json", help="write the report as JSON")
    p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: answer from the law as it stood that day")
    add_settings_flags(p)
    p.set_defaults(func=cmd_impact)


def add_faq(sub) -> None:
    p = sub.add_parser("faq", help="answer every question of a CSV/XLSX/JSONL/TXT file")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--column", help="question column (default: guessed)")
    p.add_argument("--report", help="also write a .md or .html report")
    p.add_argument("--limit", type=int)
    add_settings_flags(p)
    p.set_defaults(func=cmd_faq)


def add_base_flag(p: argparse.ArgumentParser) -> None:
    from assistant.generate.loading import MODELS

    p.add_argument("--base", choices=list(MODELS), default=settings_mod.default("model"),
                   help="packaged base model")


def add_adapter(sub) -> None:
    p = sub.add_parser("adapter", help="adapter tools: export a peft LoRA for llama.cpp")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the peft LoRA in FOLDER as a llama.cpp LoRA GGUF")
    export.add_argument("folder", help="peft adapter folder (adapter_config.json + adapter_model.safetensors)")
    add_base_flag(export)
    export.add_argument("-o", "--out", help="output file (default: FOLDER/<base>-lora.gguf)")
    export.set_defaults(func=cmd_adapter_export)


def add_train(sub) -> None:
    methods = get_args(TuningMethod)
    p = sub.add_parser("train", help="tune a LoRA or P-tuning adapter (long: run it in the background)")
    p.add_argument("--method", choices=methods, default=methods[0])
    add_base_flag(p)
    p.add_argument("--recipe", help="JSON recipe (default: assistant/train/recipes/<method>-<base>.json)")
    p.add_argument("--out", default="runs/train", help="run folder: logs, checkpoints, adapter/")
    p.add_argument("--max-steps", dest="max_steps", type=int)
    p.add_argument("--no-resume", dest="no_resume", action="store_true", help="ignore existing checkpoints")
    p.set_defaults(func=cmd_train)


def add_train_retriever(sub) -> None:
    p = sub.add_parser("train-retriever", help="train the query adapter on LeCoQA (a few minutes); options: "
                       "legal-assistant train-retriever --help", add_help=False)
    p.set_defaults(func=cmd_train_retriever, rest=[])


def add_eval(sub) -> None:
    from inspect import signature

    from assistant.evaluate.run import run_eval

    default = {name: param.default for name, param in signature(run_eval).parameters.items()}
    p = sub.add_parser("eval", help="compare zero-shot, few-shot, LoRA and P-tuning on held-out questions")
    p.add_argument("--settings", nargs="+", default=["zero-shot", "lora"],
                   help="zero-shot | few-shot[:k] | lora[:adapter folder] | ptuning:<adapter folder>")
    add_base_flag(p)
    p.add_argument("--n", dest="n_questions", type=int, default=default["n_questions"],
                   help="dev questions, about a quarter with evidence withheld (default: %(default)s)")
    p.add_argument("--max-new-tokens", dest="max_new_tokens", type=int, default=default["max_new_tokens"],
                   help="longest answer (default: %(default)s)")
    p.add_argument("-k", type=int, default=default["k"], help="passages per question (default: %(default)s)")
    p.add_argument("--out", dest="out_dir", default=str(default["out_dir"]), help="results folder (default: %(default)s)")
    p.set_defaults(func=cmd_eval)


def add_bench(sub) -> None:
    p = sub.add_parser("bench", help="run the benchmarks (python -m bench), write bench/RESULTS.md; options "
                       "such as --quick, --only retrieval: legal-assistant bench --help", add_help=False)
    p.set_defaults(func=cmd_bench, rest=[])


def add_ui(sub) -> None:
    p = sub.add_parser("ui", help="open the Streamlit page")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_ui)


COMMANDS = (add_ingest, add_index, add_search, add_show, add_ask, add_replay, add_impact, add_faq, add_train,
            add_train_retriever, add_adapter, add_eval, add_bench, add_ui)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="legal-assistant", description="Private, local legal research assistant.")
    sub = top.add_subparsers(required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return top


if __name__ == "__main__":
    sys.exit(main())
