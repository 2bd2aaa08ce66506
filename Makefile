# The two commands a newcomer needs:  make demo   and   make test
.PHONY: setup demo ui test test-fast bench

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
	.venv/bin/python -m pytest -q

test-fast: setup
	.venv/bin/python -m pytest -q -m "not integration"

bench: setup
	.venv/bin/python -m bench --quick
