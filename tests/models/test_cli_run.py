"""`studyapp experiments` and `studyapp run`: output shapes, clear errors, Ctrl-C, figures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from models import all_specs
from studyapp.cli import main


def test_experiments_lists_every_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiments", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    by_id = {item["id"]: item for item in listing}
    assert {"mode-collapse", "vanishing-gradients", "kl-term"} <= set(by_id)
    assert "mode collapse" in by_id["mode-collapse"]["concepts"]
    assert by_id["kl-term"]["cost_seconds"] > 0
    assert main(["experiments"]) == 0
    assert "vanishing-gradients" in capsys.readouterr().out


def test_run_json_prints_exactly_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "vanishing-gradients", "--steps", "30", "--seeds", "2", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    payload = json.loads(out)
    assert payload["experiment"] == "vanishing-gradients" and payload["seeds"] == [0, 1]
    assert payload["status"] == "completed" and payload["steps_done"] == 30
    assert set(payload["verdict"]) >= {"passed", "summary", "seeds_agreed", "seeds_total"}
    assert payload["verdict"]["seeds_total"] == 2
    assert len(payload["history"]["grad_saturating"]) == 30


@pytest.mark.parametrize("spec_id", [s.id for s in all_specs()])
def test_run_json_reports_each_seeds_metrics_aligned_with_seeds(
    spec_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", spec_id, "--steps", "2", "--seed", "5", "--seeds", "2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["seeds"] == [5, 6]
    per_seed = payload["per_seed_metrics"]
    assert isinstance(per_seed, list) and len(per_seed) == 2, f"{spec_id}: {per_seed!r}"
    assert all(isinstance(row, dict) and row for row in per_seed), spec_id
    assert per_seed[0].keys() == per_seed[1].keys(), spec_id


def test_run_report_and_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "kl.png"  # its folder must exist (issue 19, item 11)
    code = main(["run", "kl-term", "--steps", "40", "--set", "beta_max=8", "--png", str(png)])
    captured = capsys.readouterr()
    assert code == 0
    assert "kl-term: completed, 40 steps" in captured.out and "verdict:" in captured.out
    assert "  measured: KL (nats per digit)" in captured.out  # numbers after the plain line
    assert "steps/s" in captured.err  # the progress bar
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "nope"], "unknown experiment 'nope'; valid: "),
        (["run", "kl-term", "--set", "nope=1"], "valid: beta_max=4.0"),
        (["run", "kl-term", "--set", "lr=fast"], "bad value 'fast' for lr="),
        (["run", "kl-term", "--set", "lr=5"], "out of range for lr="),
        (["run", "kl-term", "--set", "lr"], "--set expects KEY=VALUE"),
        (["run", "kl-term", "--steps", "0"], "steps must be in [1, "),
        (["run", "kl-term", "--seeds", "0"], "--seeds must be at least 1"),
    ],
)
def test_bad_input_is_one_clear_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyapp: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cuda_asked_without_a_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert main(["run", "kl-term", "--device", "cuda"]) == 1
    assert "no CUDA GPU" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly_with_a_partial_result() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "studyapp", "run", "vanishing-gradients", "--steps", "20000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the bar's first line: training has started
    assert "steps/s" in first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "vanishing-gradients: cancelled" in out
    assert "verdict: CANCELLED: cancelled at step" in out
    assert "Traceback" not in err


def test_divergence_ends_with_a_result_that_says_where(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import types

    import models
    from models.base import ExperimentSpec, Progress

    def nan_run(cfg):  # type: ignore[no-untyped-def]
        for step in range(1, cfg.steps + 1):
            yield Progress(step, cfg.steps, {"loss": float("nan") if step == 3 else 1.0})

    module = types.ModuleType("fake_nan_runner")
    module.run = nan_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_nan_runner", module)
    spec = ExperimentSpec(
        id="nan-fake",
        title="diverges",
        concepts=("nan",),
        summary="",
        explanation="",
        params=(),
        default_steps=10,
        cost_seconds=0.0,
        runner="fake_nan_runner:run",
    )
    monkeypatch.setattr(models, "get_spec", lambda _id: spec)
    assert main(["run", "nan-fake", "--device", "cpu"]) == 1
    out = capsys.readouterr().out
    assert "nan-fake: diverged, 3 steps" in out
    assert "diverged at step 3: loss became NaN or infinite" in out
