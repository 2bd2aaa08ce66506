"""Train an adapter from the command line (the `legal-assistant train` command wraps the same call).

    .venv/bin/python -m assistant.train --method lora --base qwen-0.5b \
        --recipe assistant/train/recipes/lora-qwen-0.5b.json --out runs/qwen-lora [--max-steps N] [--no-resume]
"""
import argparse

from assistant.train.lora import run_training


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m assistant.train")
    ap.add_argument("--method", choices=["lora", "ptuning"], default="lora")
    ap.add_argument("--base", default="qwen-0.5b")
    ap.add_argument("--recipe", default=None, help="JSON recipe; default recipes/<method>-<base>.json")
    ap.add_argument("--out", required=True, help="run folder (logs, checkpoints, adapter/)")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--no-resume", action="store_true")
    args = ap.parse_args(argv)
    adapter = run_training(args.method, args.base, args.recipe, args.out, resume=not args.no_resume,
                           max_steps=args.max_steps)
    print(adapter)


if __name__ == "__main__":
    main()
