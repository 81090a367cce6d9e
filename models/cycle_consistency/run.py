"""Two 2-D CycleGANs (cycle weight 0 and lambda) trained at once, batched over seeds."""

from __future__ import annotations

from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    small_model_threads,
    to_numpy,
)

Y_STD = (2.0, 0.5)
EVAL_SAMPLES = 2048
MIN_RATIO, MAX_SPREAD_ERROR = 20.0, 0.15


def theta_shape(device: torch.device, points: int = 300) -> torch.Tensor:
    """``[1, points, 2]`` points on a circle of radius 1.2 and its horizontal diameter: a
    recognisable shape in X whose round trip F(G(x)) shows whether the translation undoes."""
    ring = points * 2 // 3
    angle = torch.linspace(0, 2 * torch.pi, ring, device=device)
    circle = torch.stack([angle.cos(), angle.sin()], dim=-1) * 1.2
    bar = torch.linspace(-1.2, 1.2, points - ring, device=device)
    line = torch.stack([bar, torch.zeros_like(bar)], dim=-1)
    return torch.cat([circle, line]).unsqueeze(0)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    lam, lam_base, hidden = float(p["cycle"]), float(p["baseline_cycle"]), int(p["hidden"])
    lr, batch, every = float(p["lr"]), int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    n = len(cfg.seeds)
    # Copies 0..n-1: the baseline (adversarial losses only, unless 'baseline_cycle' > 0);
    # copies n..2n-1: plus the cycle loss. Each copy has its own init and sample streams.
    ids = [*cfg.seeds, *(s + 100_003 for s in cfg.seeds)]
    weight = torch.tensor([lam_base] * n + [lam] * n, device=device)
    noise = SeedNoise(ids, device)
    y_std = torch.tensor(Y_STD, device=device)

    def mlp(out: int, salt: int, activation: str = "relu") -> BatchedMLP:
        sizes = [2, hidden, hidden, out]
        return BatchedMLP(sizes, ids, activation=activation, device=device, salt=salt)

    g, f = mlp(2, 1), mlp(2, 2)  # G: X -> Y, F: Y -> X
    d_x, d_y = mlp(1, 3, "leaky_relu"), mlp(1, 4, "leaky_relu")
    betas = (0.5, 0.999)
    opt_gen = Adam([*g.parameters(), *f.parameters()], lr=lr, betas=betas)
    opt_disc = Adam([*d_x.parameters(), *d_y.parameters()], lr=lr, betas=betas)

    def sample_x(size: int) -> torch.Tensor:
        return noise.randn(size, 2)

    def sample_y(size: int) -> torch.Tensor:
        return noise.randn(size, 2) * y_std

    def measure() -> tuple[torch.Tensor, torch.Tensor]:
        """Per copy: mean ||F(G(x)) - x||^2 and the largest relative error of G(x)'s stds."""
        with torch.no_grad():
            x = sample_x(EVAL_SAMPLES)
            gx = g(x)
            cycle = (f(gx) - x).pow(2).sum(-1).mean(-1)
            spread = ((gx.std(dim=1) - y_std).abs() / y_std).amax(dim=-1)
        return cycle, spread

    for step in range(1, cfg.steps + 1):
        x, y = sample_x(batch), sample_y(batch)
        gx, fy = g(x), f(y)
        loss_disc = (
            (d_y(y) - 1).pow(2).mean((1, 2))
            + d_y(gx.detach()).pow(2).mean((1, 2))
            + (d_x(x) - 1).pow(2).mean((1, 2))
            + d_x(fy.detach()).pow(2).mean((1, 2))
        )
        opt_disc.zero_grad()
        loss_disc.sum().backward()
        opt_disc.step()
        adversarial = (d_y(gx) - 1).pow(2).mean((1, 2)) + (d_x(fy) - 1).pow(2).mean((1, 2))
        cycle = (f(gx) - x).abs().sum(-1).mean(-1) + (g(fy) - y).abs().sum(-1).mean(-1)
        opt_gen.zero_grad()
        (adversarial + weight * cycle).sum().backward()
        opt_gen.step()
        if step % every == 0 or step == cfg.steps:
            cyc, spread = measure()
            yield Progress(
                step,
                cfg.steps,
                {
                    "cycle_error_plain": float(cyc[:n].mean()),
                    "cycle_error_cycle": float(cyc[n:].mean()),
                    "spread_error_plain": float(spread[:n].mean()),
                    "spread_error_cycle": float(spread[n:].mean()),
                },
            )

    cyc, spread = measure()
    plain, with_cycle = cyc[:n], cyc[n:]
    flags = (plain >= MIN_RATIO * with_cycle) & (spread[n:] <= MAX_SPREAD_ERROR)
    seed_flags = [bool(f) for f in flags.tolist()]
    agreed, total = count_agreeing(seed_flags)
    passed = majority(agreed, total)
    ratio = float(plain.mean() / with_cycle.mean().clamp(min=1e-12))
    detail = (
        f"round-trip error {float(plain.mean()):.3g} without the cycle loss vs "
        f"{float(with_cycle.mean()):.3g} with lambda = {lam:g} ({ratio:.0f}x); G(x) spread off by "
        f"{float(spread[n:].mean()):.0%} with it, {float(spread[:n].mean()):.0%} without"
    )
    if passed:
        summary = f"the cycle loss makes F undo G: {detail}"
    else:
        summary = f"the cycle loss did not both close the loop and match Y in this run: {detail}"
    shape = theta_shape(device)
    with torch.no_grad():
        back = f(g(shape.expand(2 * n, -1, -1)))
    snapshot = {
        "samples": to_numpy(back[0]),  # F(G(x)) without the cycle loss, seed 0
        "data": to_numpy(shape[0]),
        "samples_cycle": to_numpy(back[n]),
        "labels": {"samples": "F(G(x)), adversarial only", "samples_cycle": "F(G(x)), cycle"},
    }
    per_seed = [
        {
            "cycle_error_plain": float(plain[i]),
            "cycle_error_cycle": float(with_cycle[i]),
            "cycle_ratio": float(plain[i] / with_cycle[i].clamp(min=1e-12)),
            "spread_error_plain": float(spread[i]),
            "spread_error_cycle": float(spread[n + i]),
        }
        for i in range(n)
    ]
    return Outcome(
        Verdict.from_seeds(seed_flags, summary),
        {
            "cycle_error_plain": float(plain.mean()),
            "cycle_error_cycle": float(with_cycle.mean()),
            "cycle_ratio": ratio,
            "spread_error_plain": float(spread[:n].mean()),
            "spread_error_cycle": float(spread[n:].mean()),
        },
        0 if float(plain.mean()) < 0.1 else 1,
        snapshot,
        per_seed,
    )
