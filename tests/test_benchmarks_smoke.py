"""Every benchmark still runs (tiny sizes) and still prints its figures: a benchmark that
rots silently, or stops measuring what it names, measures nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

SMOKE_ARGS = {
    "bench_parse.py": ["--cards", "300", "--runs", "1"],
    "bench_import.py": ["--notes", "60", "--reviews", "300", "--runs", "1"],
    "bench_startup.py": ["--runs", "1"],
    "bench_store.py": ["--quick", "--answers", "5", "--runs", "1"],
    "bench_review.py": ["--quick", "--answers", "5", "--pg", ""],
    "bench_experiments.py": ["--quick", "--only", "checkerboard", "--repeat", "1"],
    "bench_quiz.py": ["--runs", "1", "--limit", "40"],
    "bench_experiment_ui.py": [
        "--experiment", "checkerboard", "--steps", "50", "--rounds", "1",
        "--backends", "thread",
    ],
}  # fmt: skip

MS = r"(\d+\.\d+) ms"
S = r"(\d+\.\d+) s"
FIGURES = {
    "bench_parse.py": [r"cards/s", rf"median {S} over \d+ runs"],
    "bench_import.py": [rf"ours .*: {S} wall", r"ratio ours/anki: (\d+\.\d+)x"],
    "bench_startup.py": [
        rf"bare Textual, first frame\s+{S}",
        rf"studyapp, first card \(enter\)\s+{S}\s+\S+ goal\s+(\d+\.\d+)x floor",
        rf"studyapp review, first card\s+{S}\s+\S+ goal\s+(\d+\.\d+)x floor",
        r"torch imported: no",
    ],
    "bench_store.py": [rf"answer\(\): wall p50 {MS}, p99 {MS}", r"queue\(\)\s+median (\d+\.\d+)"],
    "bench_review.py": [
        rf"SQLite\s+key -> painted p50\s+{MS}, p99\s+{MS}",
        rf"SQLite, no kept queue\s+key -> painted p50\s+{MS}",
        r"PostgreSQL: skipped",
    ],
    "bench_experiments.py": [r"checkerboard\s+\d+\s+(\d+\.\d+)"],
    "bench_experiment_ui.py": [rf"key->screen while training p50 {MS}, p99 {MS}"],
    "bench_quiz.py": [r"(\d+) grades/s", r"median (\d+) ms"],
}
"""Lines each benchmark must print, with the figures (numbers > 0) they measure."""


def test_every_benchmark_has_smoke_arguments_and_figures() -> None:
    assert sorted(p.name for p in BENCHMARKS.glob("bench_*.py")) == sorted(SMOKE_ARGS)
    assert sorted(FIGURES) == sorted(SMOKE_ARGS)


def missing_figures(script: str, output: str) -> list[str]:
    """The patterns of :data:`FIGURES` that ``output`` lacks (or prints with a 0 figure)."""
    missing = []
    for pattern in FIGURES[script]:
        found = re.search(pattern, output)
        if found is None or any(float(g) <= 0 for g in found.groups() if g is not None):
            missing.append(pattern)
    return missing


def test_a_benchmark_that_stops_measuring_is_caught() -> None:
    figures = "  studyapp answer(): wall p50 0.66 ms, p99 0.88 ms\n  queue()  median 0.9 ms"
    assert missing_figures("bench_store.py", figures) == []
    assert missing_figures("bench_store.py", "1. answer and persist\n") != []
    assert missing_figures("bench_store.py", figures.replace("0.66", "0.00")) != []


@pytest.mark.parametrize("script", sorted(SMOKE_ARGS))
def test_benchmark_runs(script: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *SMOKE_ARGS[script]],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert missing_figures(script, done.stdout) == [], done.stdout[-3000:]
