"""The saturating loss's gradient vanishes as D wins; the non-saturating one does not."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_saturating_vanishes_non_saturating_holds() -> None:
    result = execute(get_spec("vanishing-gradients"), seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["d_accuracy"] >= 0.99
    assert m["log10_change_saturating"] <= -2.0  # two orders of magnitude below its peak
    assert m["log10_change_non_saturating"] > -1.0
    assert m["log10_change_wasserstein"] > -1.0
    assert result.answer == 0  # "It collapses by orders of magnitude"
    sat, ns = result.history["grad_saturating"], result.history["grad_non_saturating"]
    assert sat[-1] < ns[-1] / 100  # equal-ish at the start, orders apart at the end
    assert result.history["d_accuracy"][-1] >= 0.99


def test_overlapping_supports_give_an_honest_negative_verdict() -> None:
    # On the 5x5 grid a mode sits where the frozen G puts its samples: D cannot be perfect.
    result = execute(get_spec("vanishing-gradients"), {"data": "grid25"}, steps=200)
    assert not result.verdict.passed
    assert result.verdict.summary.startswith("no vanishing gradient in this run")


@pytest.mark.slow
def test_holds_on_four_of_five_seeds() -> None:
    result = execute(get_spec("vanishing-gradients"), seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed, result.verdict.summary
