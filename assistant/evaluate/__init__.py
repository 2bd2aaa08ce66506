"""Answer evaluation: metrics (`metrics`), settings comparison (`run.run_eval`), reports (`report`).

    .venv/bin/python -m assistant.evaluate --settings zero-shot lora --n 24 --out runs/eval
"""


def run_eval(*args, **kwargs):
    from assistant.evaluate.run import run_eval as _run

    return _run(*args, **kwargs)


__all__ = ["run_eval"]
