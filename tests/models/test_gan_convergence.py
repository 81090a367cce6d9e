"""gan-convergence: simultaneous steps spiral out, alternating ones circle, and only the
zero-centred penalty converges; a penalty centred at slope 1 (WGAN-GP's) does not."""

from __future__ import annotations

import pytest
import torch

from models import get_spec
from models.base import Control
from models.gan_convergence.run import CONVERGED, penalty_grad
from tests.models.controls import check_control, check_default, control_cases

ID = "gan-convergence"


def test_penalty_gradient_pulls_the_slope_to_its_centre() -> None:
    psi = torch.tensor([-2.0, -0.5, 0.5, 2.0])
    assert torch.equal(penalty_grad(psi, 1.0, 0.0), psi)  # R1: d/dpsi psi^2 / 2
    # Centred at 1: pushes |psi| up below 1 and down above it.
    assert penalty_grad(psi, 1.0, 1.0).tolist() == [-1.0, 0.5, -0.5, 1.0]


def test_verdict_holds_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    assert spec.prediction is not None and result.answer == 2
    assert all(s["distance_penalised"] <= CONVERGED for s in result.per_seed_metrics)
    assert result.verdict.plain


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    result = check_control(ID, control)
    assert all(s["distance_penalised"] > 1.0 for s in result.per_seed_metrics)
