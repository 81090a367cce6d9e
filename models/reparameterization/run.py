"""Two SGD runs on a VAE-style objective, one per gradient estimator, with measured variance."""

from __future__ import annotations

import math
from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import (
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    small_model_threads,
)

REPEATS = 64
"""Independent gradient estimates drawn each step to measure an estimator's variance."""
BOX, LOG_SIGMA_BOX = 20.0, 3.0
"""Parameter bounds (|mu| <= 20, |log sigma| <= 3), the same for both runs."""
KINDS = ("reparam", "score", "score_baseline")


def exact_loss(mu: torch.Tensor, rho: torch.Tensor, target: float) -> torch.Tensor:
    """E_{z~N(mu, e^{2 rho})} ||z - t||^2 + KL(N(mu, e^{2 rho}) || N(0, I)), summed over dims."""
    var = torch.exp(2 * rho)
    expected = (mu - target).pow(2) + var
    kl = 0.5 * (var + mu.pow(2) - 1 - 2 * rho)
    return (expected + kl).sum(-1)


def optimal_loss(dim: int, target: float) -> float:
    """The minimum of :func:`exact_loss`: mu = 2t/3, sigma^2 = 1/3 in every dimension."""
    mu = torch.full((dim,), 2 * target / 3, dtype=torch.float64)
    rho = torch.full((dim,), 0.5 * math.log(1 / 3), dtype=torch.float64)
    return float(exact_loss(mu, rho, target))


def gradient_estimates(
    mu: torch.Tensor, rho: torch.Tensor, eps: torch.Tensor, target: float, kind: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """One gradient estimate per row: ``mu, rho`` are ``[..., R, D]``, ``eps`` ``[..., R, n, D]``.

    The expectation term is estimated from the ``n`` samples; the KL term's gradient is exact
    (as in a VAE). ``kind``: ``reparam`` differentiates through ``z = mu + sigma * eps``;
    ``score`` weights grad log q(z) by f(z); ``score_baseline`` subtracts a leave-one-out mean.
    """
    mu = mu.detach().clone().requires_grad_(True)
    rho = rho.detach().clone().requires_grad_(True)
    sigma = torch.exp(rho)
    z = mu.unsqueeze(-2) + sigma.unsqueeze(-2) * eps
    if kind == "reparam":
        f = (z - target).pow(2).sum(-1)
        surrogate = f.mean(-1)
    else:
        z = z.detach()
        f = (z - target).pow(2).sum(-1)
        std = (z - mu.unsqueeze(-2)) / sigma.unsqueeze(-2)
        log_q = (-0.5 * std.pow(2) - rho.unsqueeze(-2)).sum(-1)
        weight = f
        n = f.shape[-1]
        if kind == "score_baseline" and n > 1:
            weight = f - (f.sum(-1, keepdim=True) - f) / (n - 1)
        surrogate = (weight * log_q).mean(-1)
    var = torch.exp(2 * rho)
    kl = 0.5 * (var + mu.pow(2) - 1 - 2 * rho).sum(-1)
    (surrogate + kl).sum().backward()
    assert mu.grad is not None and rho.grad is not None
    return mu.grad, rho.grad


def total_variance(grad_mu: torch.Tensor, grad_rho: torch.Tensor) -> torch.Tensor:
    """Trace of the covariance of the estimates over the repeat axis (-2): ``[...]``."""
    both = torch.cat([grad_mu, grad_rho], dim=-1)
    return both.var(dim=-2).sum(-1)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    dim, n = int(cfg.params["dim"]), int(cfg.params["samples"])
    lr, target = float(cfg.params["lr"]), float(cfg.params["target"])
    rival = str(cfg.params["rival"])  # the second run's estimator; "reparam" is a null control
    kinds = {"reparam": "reparam", "score": rival}
    measured = {"reparam": "reparam", "score": rival, "score_baseline": "score_baseline"}
    if rival == "reparam":
        measured["score_baseline"] = "reparam"
    device = pick_device(cfg.device)
    small_model_threads(device)
    noise = SeedNoise(cfg.seeds, device)
    k = noise.k
    best = optimal_loss(dim, target)
    start_mu = torch.zeros(k, 1, dim, device=device)
    start_rho = torch.zeros(k, 1, dim, device=device)
    params = {kind: (start_mu.clone(), start_rho.clone()) for kind in ("reparam", "score")}
    variances: dict[str, list[torch.Tensor]] = {kind: [] for kind in KINDS}
    for step in range(1, cfg.steps + 1):
        eps = noise.randn(1, n, dim)  # same samples for both runs: only the estimator differs
        for kind, (mu, rho) in params.items():
            g_mu, g_rho = gradient_estimates(mu, rho, eps, target, kinds[kind])
            # A box keeps one wild score-function step from overflowing exp(rho).
            params[kind] = (
                (mu - lr * g_mu).clamp(-BOX, BOX),
                (rho - lr * g_rho).clamp(-LOG_SIGMA_BOX, LOG_SIGMA_BOX),
            )
        # Variance of each estimator at one shared point: the reparameterized run's parameters.
        mu, rho = params["reparam"]
        eps_many = noise.randn(REPEATS, n, dim)
        metrics: dict[str, float] = {}
        for kind in KINDS:
            var = total_variance(
                *gradient_estimates(
                    mu.expand(k, REPEATS, dim),
                    rho.expand(k, REPEATS, dim),
                    eps_many,
                    target,
                    measured[kind],
                )
            )
            variances[kind].append(var)
            metrics[f"var_{kind}"] = float(var.mean())
        for kind, (mu_k, rho_k) in params.items():
            gap = exact_loss(mu_k[:, 0], rho_k[:, 0], target) - best
            metrics[f"loss_{kind}"] = float(gap.mean().clamp(min=1e-12))
        yield Progress(step, cfg.steps, metrics)

    median_var = {kind: torch.stack(v).median(dim=0).values for kind, v in variances.items()}
    ratio = median_var["score"] / median_var["reparam"]
    final = {
        kind: exact_loss(mu[:, 0], rho[:, 0], target) - best for kind, (mu, rho) in params.items()
    }
    noisier = [bool(ratio[i] >= 10) for i in range(k)]
    lower = [bool(final["reparam"][i] <= final["score"][i]) for i in range(k)]
    flags = [a and b for a, b in zip(noisier, lower, strict=True)]
    seed_flags = [bool(f) for f in flags]
    agreed, total = count_agreeing(seed_flags)
    passed = majority(agreed, total)
    r, lr_, ls_ = (
        float(ratio.median()),
        float(final["reparam"].mean()),
        float(final["score"].mean()),
    )
    if passed:
        summary = (
            f"score-function gradients are {r:.0f}x noisier than reparameterized ones "
            f"(median over steps); excess loss after {cfg.steps} steps: "
            f"reparameterized {lr_:.3g} vs score-function {ls_:.3g}"
        )
    else:
        failed = []
        if not all(noisier):
            failed.append(f"variance ratio under 10x on {k - sum(noisier)} of {k} seeds")
        if not all(lower):
            failed.append(f"reparameterized loss not lower on {k - sum(lower)} of {k} seeds")
        summary = (
            f"no clear advantage for the reparameterization trick in this run "
            f"({'; '.join(failed)}): variance ratio {r:.1f}x, "
            f"excess loss {lr_:.3g} vs {ls_:.3g}"
        )
    return Outcome(
        verdict=Verdict.from_seeds(seed_flags, summary),
        metrics={
            "variance_ratio": r,
            "var_reparam": float(median_var["reparam"].mean()),
            "var_score": float(median_var["score"].mean()),
            "var_score_baseline": float(median_var["score_baseline"].mean()),
            "final_loss_reparam": lr_,
            "final_loss_score": ls_,
        },
        answer=(1 if r >= 10 else 0 if r < 0.5 else 2),
    )
