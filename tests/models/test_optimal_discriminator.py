"""A trained discriminator reaches D* = p_data / (p_data + p_g); V(D*) = -log 4 + 2 JSD."""

from __future__ import annotations

import math

import pytest
import torch

from models.base import Control
from models.optimal_discriminator.run import MAX_ERROR, MAX_VALUE_GAP, jsd, normal_pdf
from tests.models.controls import check_control, check_default, control_cases

ID = "optimal-discriminator"


def test_jsd_bounds_and_value_identity() -> None:
    x = torch.linspace(-12, 24, 30001, dtype=torch.float64)
    dx = float(x[1] - x[0])
    p = normal_pdf(x, 0.0, 1.0)
    assert jsd(p, p, dx) == pytest.approx(0.0, abs=1e-9)
    assert jsd(p, normal_pdf(x, 12.0, 1.0), dx) == pytest.approx(math.log(2), abs=1e-6)
    q = normal_pdf(x, 1.5, 0.6)
    d_star, one_minus = p / (p + q), q / (p + q)  # 1 - D* without cancellation
    value = float(((torch.xlogy(p, d_star) + torch.xlogy(q, one_minus)) * dx).sum())
    assert value == pytest.approx(-math.log(4) + 2 * jsd(p, q, dx), abs=1e-6)


def test_default_trained_d_matches_the_optimum() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["d_error"] < MAX_ERROR
    assert abs(m["value_trained"] - m["value_optimal"]) < MAX_VALUE_GAP
    assert m["value_optimal"] > -math.log(4) + 0.1  # the distributions differ: JSD > 0
    assert result.answer == 1 and abs(m["d_at_crossing"] - 0.5) < 0.1
    assert len(result.per_seed_metrics) == len(result.seeds)
    for seed_metrics, ok in zip(result.per_seed_metrics, result.verdict.per_seed, strict=True):
        assert ok == (
            seed_metrics["d_error"] < MAX_ERROR and seed_metrics["value_gap"] < MAX_VALUE_GAP
        )
    assert result.snapshot is not None
    (picture,) = result.snapshot.values()
    assert picture.shape == (1, 20, 64) and picture.max() == 1.0


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    assert result.metrics["d_error"] >= MAX_ERROR or (
        abs(result.metrics["value_trained"] - result.metrics["value_optimal"]) >= MAX_VALUE_GAP
    )
    if control.params.get("fake_weight"):  # D lands on p_data / (p_data + 3 p_g) instead
        assert abs(result.metrics["d_at_crossing"] - 0.25) < 0.08
