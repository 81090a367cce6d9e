"""Parallel lines: JS stuck at log 2, the critic's W estimate tracks |theta|."""

from __future__ import annotations

import math

import pytest

from models import get_spec
from models.base import execute
from models.wasserstein_vs_js.run import thetas


def test_theta_sweep_is_symmetric_with_zero_in_the_middle():
    sweep = thetas(1.0, 9)
    assert sweep[0] == -1.0 and sweep[-1] == 1.0 and sweep[4] == 0.0


def test_verdict_js_flat_w_tracks_distance():
    result = execute(get_spec("wasserstein-vs-js"), {"points": 5}, steps=200, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["js_min"] > math.log(2) - 0.03
    for theta, w, js in zip(m["thetas"], m["w_estimates"], m["js_estimates"], strict=True):
        assert abs(w - abs(theta)) <= 0.15 * abs(theta) + 0.03
        if theta == 0:
            assert abs(js) < 0.05
    assert result.answer == 1


def test_too_little_training_fails_plainly():
    result = execute(get_spec("wasserstein-vs-js"), {"points": 3}, steps=5, seeds=(0,))
    assert not result.verdict.passed
    assert result.verdict.summary.startswith("not shown in this run")


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("wasserstein-vs-js"), {"points": 7}, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed


def test_snapshot_pictures():
    result = execute(get_spec("wasserstein-vs-js"), {"points": 3}, steps=5, seeds=(0,))
    assert result.snapshot is not None
    assert all(v.shape == (1, 20, 64) for v in result.snapshot.values())
