#!/usr/bin/env bash
# The whole check: lint, format, types, tests. README's test command and .ci/run call it.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
echo "== mypy";        mypy studyapp models
echo "== pytest";      pytest -q "$@"
