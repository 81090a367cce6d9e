"""The default verdict passes and every control fails, on held-out seeds 11-15."""

from __future__ import annotations

from models import get_spec
from models.base import execute

HELD_OUT = (11, 12, 13, 14, 15)
"""Thresholds were calibrated on seeds 0-9; these seeds were not used."""


def test_verdict_holds_on_held_out_seeds() -> None:
    spec = get_spec("posterior-collapse")
    result = execute(spec, seeds=HELD_OUT)
    assert result.status == "completed"
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed, result.verdict.summary
    assert spec.prediction is not None and result.answer is not None
    assert 0 <= result.answer < len(spec.prediction.choices)


def test_every_control_fails_on_held_out_seeds() -> None:
    spec = get_spec("posterior-collapse")
    assert spec.controls
    for control in spec.controls:
        params = {k: v for k, v in control.set.items() if k != "steps"}
        steps = control.set.get("steps")
        result = execute(spec, params, steps=None if steps is None else int(steps), seeds=HELD_OUT)
        failed = result.verdict.seeds_total - result.verdict.seeds_agreed
        assert failed >= 4 and not result.verdict.passed, (control, result.verdict.summary)
