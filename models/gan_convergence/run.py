"""The Dirac-GAN (Mescheder et al. 2018): three update rules on one two-parameter game.

Data is a point mass at 0; the generator is ``G = theta`` (a point mass at theta) and the
discriminator ``D(x) = psi * x``. The game is ``L(theta, psi) = f(psi * theta) + f(0)`` with
``f(t) = -log(1 + exp(-t))``: D ascends L, G descends it. Its only equilibrium is (0, 0).
Every seed starts on the unit circle at its own angle; the three rules run side by side.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import SeedNoise, pick_device, to_numpy

RULES = ("simultaneous", "alternating", "r1")
LABELS = {
    "simultaneous": "simultaneous steps",
    "alternating": "alternating steps",
    "r1": "simultaneous + R1 penalty",
}
SPIRAL_OUT = 1.5
"""Simultaneous steps diverge: the final distance is at least 1.5x the initial one."""
CIRCLE = (0.5, 1.5)
"""Alternating steps circle: the final distance stays within these multiples of the initial."""
CONVERGED = 0.1
"""The penalised game converges: its final distance is at most 0.1x the initial one."""


def penalty_grad(psi: torch.Tensor, gamma: float, centre: float) -> torch.Tensor:
    """d/dpsi of D's penalty gamma/2 * (|grad_x D| - centre)^2 for D(x) = psi * x, where
    |grad_x D| = |psi|: R1 (Mescheder et al. 2018, eq. 9) is ``centre = 0``, giving
    gamma * psi; WGAN-GP's penalty (Gulrajani et al. 2017) is ``centre = 1``."""
    return gamma * (psi.abs() - centre) * psi.sign()


def game_grads(theta: torch.Tensor, psi: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(dL/dtheta, dL/dpsi)`` by autograd, elementwise over any batch of games."""
    theta = theta.detach().requires_grad_(True)
    psi = psi.detach().requires_grad_(True)
    loss = -F.softplus(-psi * theta)  # f(psi * theta); f(0) is a constant
    g_theta, g_psi = torch.autograd.grad(loss.sum(), (theta, psi))
    return g_theta, g_psi


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    lr, gamma, centre = float(p["lr"]), float(p["gamma"]), float(p["centre"])
    device = pick_device(cfg.device)
    k = len(cfg.seeds)
    angle = SeedNoise(cfg.seeds, device).rand(1).view(k) * 2 * math.pi
    start = torch.stack([angle.cos(), angle.sin()], dim=1)  # [K, 2]: (theta, psi)
    # Rows: the three rules, each over every seed.
    theta = start[:, 0].repeat(len(RULES))
    psi = start[:, 1].repeat(len(RULES))
    sim = slice(0, k)
    alt = slice(k, 2 * k)
    pen = slice(2 * k, 3 * k)
    every = max(1, cfg.steps // 200)
    paths: list[torch.Tensor] = [torch.stack([theta, psi], dim=1)]
    for step in range(1, cfg.steps + 1):
        g_theta, g_psi = game_grads(theta, psi)
        new_theta = theta - lr * g_theta
        new_psi = psi + lr * g_psi
        # The third game's D also descends its gradient penalty (R1 at the default centre 0).
        new_psi[pen] = new_psi[pen] - lr * penalty_grad(psi[pen], gamma, centre)
        # Alternating: D steps first, then G steps against the updated D.
        g_theta_alt, _ = game_grads(theta[alt], new_psi[alt])
        new_theta[alt] = theta[alt] - lr * g_theta_alt
        theta, psi = new_theta, new_psi
        if step % every == 0 or step == cfg.steps:
            paths.append(torch.stack([theta, psi], dim=1))
            dist = torch.stack([theta, psi], dim=1).norm(dim=1)
            metrics = {
                f"distance_{rule}": float(dist[i * k : (i + 1) * k].mean())
                for i, rule in enumerate(RULES)
            }
            yield Progress(step, cfg.steps, metrics)
    dist = torch.stack([theta, psi], dim=1).norm(dim=1)  # start radius is 1
    path = torch.stack(paths)  # [T, 3K, 2]
    snapshot = {
        "data": to_numpy(torch.zeros(1, 2)),
        **{
            ("samples" if i == 0 else f"samples_{rule}"): to_numpy(path[:, i * k])
            for i, rule in enumerate(RULES)
        },
        "labels": {
            ("samples" if i == 0 else f"samples_{rule}"): LABELS[rule]
            if rule != "r1" or centre == 0
            else f"simultaneous + penalty centred at {centre:g}"
            for i, rule in enumerate(RULES)
        },
    }
    return _verdict(dist[sim], dist[alt], dist[pen], metrics, snapshot)


def _verdict(
    sim: torch.Tensor, alt: torch.Tensor, pen: torch.Tensor, final: dict, snapshot: dict
) -> Outcome:
    """Per seed: simultaneous spirals out, alternating circles, the penalised game converges."""
    out = sim >= SPIRAL_OUT
    circles = (alt >= CIRCLE[0]) & (alt <= CIRCLE[1])
    converges = pen <= CONVERGED
    flags = (out & circles & converges).tolist()
    total = len(flags)

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    measured = (
        f"distance to the equilibrium, starting at 1: simultaneous {listing(sim)}, "
        f"alternating {listing(alt)}, simultaneous + penalty {listing(pen)}"
    )
    checks = (
        f"spiralled out (>= {SPIRAL_OUT:g}) on {int(out.sum())}/{total}, circled "
        f"({CIRCLE[0]:g}-{CIRCLE[1]:g}) on {int(circles.sum())}/{total}, converged "
        f"(<= {CONVERGED:g}) on {int(converges.sum())}/{total}"
    )
    verdict = Verdict.from_seeds(flags, "")
    seeds_note = f" on {verdict.seeds_agreed} of {total} seeds" if total > 1 else ""
    head = "all three behaviours shown" if verdict.passed else "not all three behaviours held"
    verdict.summary = f"{head}{seeds_note}: {measured} ({checks})"
    if verdict.passed:
        verdict.plain = (
            "Plain gradient steps never settled at the equilibrium (simultaneous steps "
            "spiralled away, alternating ones circled it); only the game with the penalty "
            "on D reached it."
        )
    elif bool(converges.float().mean() < 0.5):
        verdict.plain = (
            "None of the three update rules brought the game to its equilibrium: without a "
            "penalty pulling D's slope to 0, nothing damped the circling."
        )
    else:
        verdict.plain = "The three update rules did not behave as the theory predicts here."
    medians = [float(t.median()) for t in (sim, alt, pen)]
    close = [i for i, m in enumerate(medians) if m <= CONVERGED]
    answer = close[0] if len(close) == 1 else 3
    metrics = {
        **final,
        "distance_simultaneous_per_seed": sim.tolist(),
        "distance_alternating_per_seed": alt.tolist(),
        "distance_r1_per_seed": pen.tolist(),
    }
    per_seed = [
        {"distance_simultaneous": a, "distance_alternating": b, "distance_penalised": c}
        for a, b, c in zip(sim.tolist(), alt.tolist(), pen.tolist(), strict=True)
    ]
    return Outcome(verdict, metrics, answer, snapshot, per_seed)
