"""CycleGAN stand-in: the cycle loss makes F undo G; adversarial losses alone do not."""

from __future__ import annotations

import pytest

from models.base import Control
from models.cycle_consistency.run import MAX_SPREAD_ERROR, MIN_RATIO
from tests.models.controls import check_control, check_default, control_cases

ID = "cycle-consistency"


def test_default_cycle_loss_closes_the_loop() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["cycle_error_cycle"] * MIN_RATIO <= m["cycle_error_plain"]
    assert m["spread_error_cycle"] <= MAX_SPREAD_ERROR
    assert result.answer == 1  # without the cycle loss F(G(x)) lands elsewhere
    per_seed = result.per_seed_metrics
    assert len(per_seed) == len(result.seeds)
    for seed_metrics, ok in zip(per_seed, result.verdict.per_seed, strict=True):
        closed = seed_metrics["cycle_ratio"] >= MIN_RATIO
        assert ok == (closed and seed_metrics["spread_error_cycle"] <= MAX_SPREAD_ERROR)
    snap = result.snapshot
    assert snap is not None and snap["samples"].shape == snap["data"].shape == (300, 2)
    assert set(result.history) >= {"cycle_error_plain", "cycle_error_cycle"}


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    # Two runs of one setting: their round-trip errors stay within seed noise of each other.
    assert result.metrics["cycle_ratio"] < MIN_RATIO
