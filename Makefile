# The two commands a newcomer needs:  make demo   and   make test
.PHONY: setup demo ui test test-fast lint bench screenshot adapter query-adapter

QUESTION ?= What does Article 21 of the Constitution protect?

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/legal-assistant index build india
	.venv/bin/legal-assistant search "$(QUESTION)" -k 5
	.venv/bin/legal-assistant ask "$(QUESTION)"

ui: setup
	.venv/bin/legal-assistant ui

test:
	bash scripts/setup.sh --browser
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -q

lint: setup
	.venv/bin/ruff check .

test-fast: setup
	.venv/bin/python -m pytest -q -m "not integration"

bench: setup
	.venv/bin/python -m bench --quick

# README's picture: the default model answering over index/india (run `make demo` first) in headless Chromium
screenshot: setup
	.venv/bin/python scripts/screenshot.py --out docs/screenshot.png

# Rebuild the shipped adapter from scratch (about an hour on a 2-core CPU: run it in the background with a log)
adapter: setup
	.venv/bin/legal-assistant train --method lora --base qwen-0.5b --out runs/qwen-lora
	.venv/bin/python -m assistant.train.card --run runs/qwen-lora --dest assistant/adapters/qwen-0.5b
	.venv/bin/legal-assistant eval --settings zero-shot few-shot:1 lora
	.venv/bin/python -m assistant.train.card --run runs/qwen-lora --dest assistant/adapters/qwen-0.5b --eval runs/eval

# Retrain the shipped query adapter (about 10 minutes: 8 to embed its corpus once, seconds to train)
query-adapter: setup
	.venv/bin/legal-assistant train-retriever --out runs/query-adapter
	rm -rf assistant/adapters/e5-lecoqa-query && cp -r runs/query-adapter/adapter assistant/adapters/e5-lecoqa-query
