"""Latent traversal of a 2-D VAE: smooth, organised, both units active."""

from __future__ import annotations

import pytest
import torch

from models import get_spec
from models.base import execute
from models.latent_traversal.run import GRID, grid_points, smoothness


def test_smoothness_is_small_for_a_gradient_and_about_one_for_noise():
    points = grid_points(2.0, torch.device("cpu"))
    ramp = points.sum(-1, keepdim=True).expand(-1, 64).unsqueeze(0)
    noise = torch.rand(1, GRID * GRID, 64, generator=torch.Generator().manual_seed(0))
    assert float(smoothness(ramp)) < 0.4
    assert float(smoothness(noise)) > 0.9


def test_verdict_traversal_is_smooth():
    result = execute(get_spec("latent-traversal"), steps=400, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    assert result.metrics["active_units"] == 2
    assert result.metrics["smoothness"] < 0.5
    assert result.answer == 0
    snap = result.snapshot
    assert snap is not None and len(snap) == GRID
    assert all(v.shape == (GRID, 8, 8) for v in snap.values())


def test_huge_beta_collapses_the_posterior_and_fails():
    result = execute(get_spec("latent-traversal"), {"beta": 20.0}, steps=300, seeds=(0,))
    assert not result.verdict.passed
    assert result.metrics["active_units"] == 0
    assert result.answer == 2


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("latent-traversal"), steps=600, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
