"""Every benchmark still runs (tiny sizes): a benchmark that rots silently measures nothing."""

from __future__ import annotations

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
    "bench_experiments.py": ["--quick", "--only", "checkerboard", "--repeat", "1"],
    "bench_quiz.py": ["--runs", "1", "--limit", "40"],
    "bench_experiment_ui.py": [
        "--experiment", "checkerboard", "--steps", "50", "--rounds", "1",
        "--backends", "thread",
    ],
}  # fmt: skip


def test_every_benchmark_has_smoke_arguments() -> None:
    assert sorted(p.name for p in BENCHMARKS.glob("bench_*.py")) == sorted(SMOKE_ARGS)


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
    assert done.stdout.strip(), "a benchmark prints its figures"
