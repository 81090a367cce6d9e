"""A trained discriminator reaches D* = p_data / (p_data + p_g); V(D*) = -log 4 + 2 JSD."""

from __future__ import annotations

import math

import pytest
import torch

from models import get_spec
from models.base import execute
from models.optimal_discriminator.run import jsd, normal_pdf


def test_jsd_bounds_and_value_identity():
    x = torch.linspace(-12, 24, 30001, dtype=torch.float64)
    dx = float(x[1] - x[0])
    p = normal_pdf(x, 0.0, 1.0)
    assert jsd(p, p, dx) == pytest.approx(0.0, abs=1e-9)
    assert jsd(p, normal_pdf(x, 12.0, 1.0), dx) == pytest.approx(math.log(2), abs=1e-6)
    q = normal_pdf(x, 1.5, 0.6)
    d_star, one_minus = p / (p + q), q / (p + q)  # 1 - D* without cancellation
    value = float(((torch.xlogy(p, d_star) + torch.xlogy(q, one_minus)) * dx).sum())
    assert value == pytest.approx(-math.log(4) + 2 * jsd(p, q, dx), abs=1e-6)


def test_verdict_trained_d_matches_the_optimum():
    result = execute(get_spec("optimal-discriminator"), steps=300, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["d_error"] < 0.05
    assert abs(m["value_trained"] - m["value_optimal"]) < 0.02
    assert m["value_optimal"] > -math.log(4) + 0.1  # the distributions differ: JSD > 0
    assert result.answer == 1 and abs(m["d_at_crossing"] - 0.5) < 0.1
    assert result.snapshot is not None
    (picture,) = result.snapshot.values()
    assert picture.shape == (1, 20, 64) and picture.max() == 1.0


def test_an_untrained_discriminator_fails_the_verdict():
    result = execute(get_spec("optimal-discriminator"), steps=3, seeds=(0,))
    assert not result.verdict.passed
    assert "did not reach D*" in result.verdict.summary


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("optimal-discriminator"), steps=400, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
