"""CycleGAN stand-in: the cycle loss makes F undo G; adversarial losses alone do not."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_cycle_loss_closes_the_loop():
    result = execute(get_spec("cycle-consistency"), steps=400, seeds=(1,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["cycle_error_cycle"] * 20 <= m["cycle_error_plain"]
    assert m["spread_error_cycle"] <= 0.15
    assert result.answer == 1
    snap = result.snapshot
    assert snap is not None and snap["samples"].shape == snap["data"].shape == (300, 2)


def test_before_training_neither_run_matches_domain_y():
    result = execute(get_spec("cycle-consistency"), steps=2, seeds=(0,))
    assert not result.verdict.passed
    assert "did not both close the loop and match Y" in result.verdict.summary


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("cycle-consistency"), steps=600, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
