"""Reparameterization vs score-function gradients: unbiased both, far less variance for one."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.reparameterization.run import exact_loss, gradient_estimates, optimal_loss
from tests.models.controls import check_control, check_default, control_cases

ID = "reparameterization"


@pytest.mark.parametrize("kind", ["reparam", "score", "score_baseline"])
def test_every_estimator_is_unbiased(kind: str) -> None:
    gen = torch.Generator().manual_seed(0)
    dim, repeats, target = 3, 20_000, 1.5
    mu = torch.tensor([0.3, -0.5, 1.0]).expand(repeats, dim)
    rho = torch.tensor([0.0, -0.3, 0.2]).expand(repeats, dim)
    eps = torch.randn(repeats, 4, dim, generator=gen)
    g_mu, g_rho = gradient_estimates(mu, rho, eps, target, kind)
    exact_mu = mu[:1].clone().requires_grad_(True)
    exact_rho = rho[:1].clone().requires_grad_(True)
    exact_loss(exact_mu, exact_rho, target).sum().backward()
    for estimate, exact in ((g_mu, exact_mu.grad), (g_rho, exact_rho.grad)):
        stderr = estimate.std(0) / repeats**0.5
        assert torch.all((estimate.mean(0) - exact[0]).abs() < 5 * stderr + 1e-3)


def test_optimum_is_where_the_gradient_vanishes() -> None:
    dim, target = 4, 1.5
    mu = torch.full((dim,), 2 * target / 3, requires_grad=True)
    rho = torch.full((dim,), 0.5 * torch.log(torch.tensor(1 / 3)).item(), requires_grad=True)
    exact_loss(mu, rho, target).backward()
    assert mu.grad.abs().max() < 1e-5 and rho.grad.abs().max() < 1e-5
    assert exact_loss(mu, rho, target).item() == pytest.approx(optimal_loss(dim, target), 1e-5)


def test_default_reparameterization_has_lower_variance() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["variance_ratio"] > 10
    assert m["final_loss_reparam"] < m["final_loss_score"]
    assert m["var_reparam"] < m["var_score_baseline"] < m["var_score"]
    assert result.answer == 1
    assert len(result.per_seed_metrics) == 5 and result.verdict.plain


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    # One estimator in both runs, each with its own draws: the ratio is noise around 1.
    assert all(0.8 < s["variance_ratio"] < 1.25 for s in result.per_seed_metrics)
