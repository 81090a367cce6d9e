"""Parallel lines: JS stuck at log 2, the critic's W estimate tracks |theta|."""

from __future__ import annotations

import math

import pytest

from models.base import Control
from models.wasserstein_vs_js.run import JS_TOLERANCE, thetas, true_js
from tests.models.controls import check_control, check_default, control_cases

ID = "wasserstein-vs-js"


def test_theta_sweep_is_symmetric_with_zero_in_the_middle() -> None:
    sweep = thetas(1.0, 9)
    assert sweep[0] == -1.0 and sweep[-1] == 1.0 and sweep[4] == 0.0


def test_true_js_of_lines_and_strips() -> None:
    assert true_js(0.5, 0.0) == pytest.approx(math.log(2)) and true_js(0.0, 0.0) == 0.0
    assert true_js(0.5, 1.0) == pytest.approx(0.5 * math.log(2))  # half the mass overlaps


def test_default_js_flat_w_tracks_distance() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["js_min"] > math.log(2) - JS_TOLERANCE
    for theta, w, js in zip(m["thetas"], m["w_estimates"], m["js_estimates"], strict=True):
        assert abs(w - abs(theta)) <= 0.15 * abs(theta) + 0.03
        if theta == 0:
            assert abs(js) < 0.05
    assert m["g_slope_through_d"] > 0.01  # a flat JS, yet G gets a gradient through D
    assert result.answer == 1
    assert len(result.per_seed_metrics) == len(result.seeds)
    for seed_metrics, ok in zip(result.per_seed_metrics, result.verdict.per_seed, strict=True):
        assert ok == (seed_metrics["js_miss"] < 1 and seed_metrics["w_miss"] <= 1)
    assert result.snapshot is not None
    assert all(v.shape == (1, 20, 64) for v in result.snapshot.values())


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    misses = result.per_seed_metrics
    if "width" in control.params:  # overlap: the JS estimate follows the true JS down
        assert all(m["js_miss"] >= 1 for m in misses) and result.metrics["js_min"] < 0.4
    else:  # no penalty: the critic's estimate runs away from |theta|
        assert all(m["w_miss"] > 1 for m in misses)
