"""The saturating loss's gradient vanishes as D wins; the non-saturating one does not."""

from __future__ import annotations

import pytest

from models.base import Control
from tests.models.controls import check_control, check_default, control_cases

ID = "vanishing-gradients"


def test_default_saturating_vanishes_non_saturating_holds() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["d_accuracy"] >= 0.99
    assert m["log10_change_saturating"] <= -2.0  # two orders of magnitude below its peak
    assert m["log10_change_non_saturating"] > -1.0
    assert m["log10_change_wasserstein"] > -1.0
    assert result.answer == 0  # "It collapses by orders of magnitude"
    sat, ns = result.history["grad_saturating"], result.history["grad_non_saturating"]
    assert sat[-1] < ns[-1] / 100  # equal-ish at the start, orders apart at the end


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    assert result.metrics["log10_change_saturating"] > -2.0  # no vanishing
