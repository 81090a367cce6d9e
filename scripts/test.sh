#!/usr/bin/env bash
# The whole check: lint, format, types, tests. README's test command and .ci/run call it.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
echo "== mypy";        mypy studyapp models
# One pytest worker per core (pytest-xdist), a test file per worker at a time; pass
# -n 0 to run in one process.
echo "== pytest";      pytest -q -n "${STUDYAPP_TEST_WORKERS:-2}" --dist loadfile "$@"
