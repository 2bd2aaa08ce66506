"""Train an adapter from the command line: the same command as `legal-assistant train`.

    .venv/bin/python -m assistant.train --method lora --base qwen-0.5b \
        --recipe assistant/train/recipes/lora-qwen-0.5b.json --out runs/qwen-lora [--max-steps N] [--no-resume]
"""
import sys

from assistant.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    """The same parser as `legal-assistant train`, so its choices and defaults are written once."""
    return cli_main(["train", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
