"""Evaluate answering settings from the command line (`legal-assistant eval` wraps the same call).

    .venv/bin/python -m assistant.evaluate --settings zero-shot few-shot:1 lora:assistant/adapters/qwen-0.5b \
        ptuning:runs/qwen-ptuning/adapter --base qwen-0.5b --n 32 --max-new-tokens 128 --out runs/eval
"""
import argparse

from assistant.evaluate.run import run_eval


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m assistant.evaluate")
    ap.add_argument("--settings", nargs="+", default=["zero-shot", "lora"],
                    help="zero-shot | few-shot[:k] | lora[:adapter folder] | ptuning:<adapter folder>")
    ap.add_argument("--base", default="qwen-0.5b")
    ap.add_argument("--n", type=int, default=32, help="dev questions (about a quarter withheld-evidence)")
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--out", default="runs/eval")
    args = ap.parse_args(argv)
    run_eval(args.settings, base=args.base, n_questions=args.n, max_new_tokens=args.max_new_tokens,
             out_dir=args.out, k=args.k)


if __name__ == "__main__":
    main()
