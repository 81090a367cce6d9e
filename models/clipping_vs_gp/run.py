"""Two WGAN critics on 8 Gaussians vs blurred 8 Gaussians: clipped weights vs gradient penalty."""

from __future__ import annotations

import math
from collections.abc import Generator

import numpy as np
import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.pictures import bar_image
from models.torchutil import (
    BatchedLinear,
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    gradient_penalty,
    majority,
    pick_device,
    small_model_threads,
    to_numpy,
)

AT_BOUND = 0.99
MIN_AT_BOUND = 0.2
SURFACE = 32


def ring_of_gaussians(
    noise: SeedNoise, n: int, modes: int = 8, radius: float = 2.0
) -> torch.Tensor:
    """``[K, n, 2]`` samples from ``modes`` Gaussians (std 0.02) evenly spaced on a circle."""
    angle = noise.randint(modes, n).float() * (2 * math.pi / modes)
    centres = torch.stack([angle.cos(), angle.sin()], dim=-1) * radius
    return centres + 0.02 * noise.randn(n, 2)


def layer_weights(critic: torch.nn.Module) -> torch.Tensor:
    """All weight matrices of a batched critic, flattened per seed: ``[K, n_weights]``."""
    layers = [m for m in critic.modules() if isinstance(m, BatchedLinear)]
    return torch.cat([m.weight.detach().flatten(1) for m in layers], dim=1)


def at_extremes(critic: torch.nn.Module) -> torch.Tensor:
    """Per seed, the share of weights within 1% of that seed's largest |weight|."""
    w = layer_weights(critic).abs()
    return (w >= AT_BOUND * w.amax(dim=1, keepdim=True)).float().mean(dim=1)


def input_grad_norm(critic: torch.nn.Module, points: torch.Tensor) -> torch.Tensor:
    """Per seed, the mean ||grad_x f(x)|| over ``points`` ``[K, n, 2]``."""
    x = points.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    return grad.norm(dim=-1).mean(dim=1)


def histogram(weights: torch.Tensor, bins: int = 41) -> np.ndarray:
    """Share of weights per bin of weight / largest |weight| over [-1, 1]: ``[bins]``."""
    scaled = weights / weights.abs().max().clamp(min=1e-12)
    counts = torch.histc(scaled, bins=bins, min=-1.0, max=1.0)
    return to_numpy(counts / counts.sum())


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    c, penalty, hidden = float(p["clip"]), float(p["penalty"]), int(p["hidden"])
    batch, every = int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    noise = SeedNoise(cfg.seeds, device)
    sizes = [2, hidden, hidden, hidden, 1]
    clipped = BatchedMLP(sizes, cfg.seeds, device=device, salt=1)
    penalised = BatchedMLP(sizes, cfg.seeds, device=device, salt=2)
    with torch.no_grad():  # start the clipped critic uniform in [-c, c], not already clipped
        for layer in (m for m in clipped.modules() if isinstance(m, BatchedLinear)):
            scale = c * math.sqrt(layer.weight.shape[1])
            layer.weight.mul_(scale)
            layer.bias.mul_(scale)
    opt_clip = torch.optim.RMSprop(clipped.parameters(), lr=float(p["lr_clip"]))
    opt_gp = torch.optim.Adam(penalised.parameters(), lr=float(p["lr_gp"]), betas=(0.5, 0.9))

    def between(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        mix = noise.rand(real.shape[1], 1)
        return mix * real + (1 - mix) * fake

    def measure() -> dict[str, torch.Tensor]:
        real = ring_of_gaussians(noise, 1024)
        fake = ring_of_gaussians(noise, 1024) + noise.randn(1024, 2)
        mid = between(real, fake)
        with torch.no_grad():
            w_clip = clipped(real).mean((1, 2)) - clipped(fake).mean((1, 2))
            w_gp = penalised(real).mean((1, 2)) - penalised(fake).mean((1, 2))
        return {
            "clip_at_bound": at_extremes(clipped),
            "gp_at_bound": at_extremes(penalised),
            "clip_grad_norm": input_grad_norm(clipped, mid),
            "gp_grad_norm": input_grad_norm(penalised, mid),
            "w_clip": w_clip,
            "w_gp": w_gp,
        }

    at_init = measure()["clip_at_bound"]
    for step in range(1, cfg.steps + 1):
        real = ring_of_gaussians(noise, batch)
        fake = ring_of_gaussians(noise, batch) + noise.randn(batch, 2)
        loss_clip = clipped(fake).mean((1, 2)) - clipped(real).mean((1, 2))
        opt_clip.zero_grad()
        loss_clip.sum().backward()
        opt_clip.step()
        with torch.no_grad():
            for param in clipped.parameters():
                param.clamp_(-c, c)
        mid = between(real, fake).requires_grad_(True)
        gp = gradient_penalty(penalised, mid)
        loss_gp = penalised(fake).mean((1, 2)) - penalised(real).mean((1, 2)) + penalty * gp
        opt_gp.zero_grad()
        loss_gp.sum().backward()
        opt_gp.step()
        if step % every == 0 or step == cfg.steps:
            yield Progress(step, cfg.steps, {k: float(v.mean()) for k, v in measure().items()})

    final = measure()
    flags = [
        bool(cb >= MIN_AT_BOUND and gb < 0.05 and 0.8 <= gn <= 1.2 and cn < 0.01)
        for cb, gb, gn, cn in zip(
            final["clip_at_bound"].tolist(),
            final["gp_at_bound"].tolist(),
            final["gp_grad_norm"].tolist(),
            final["clip_grad_norm"].tolist(),
            strict=True,
        )
    ]
    agreed, total = count_agreeing(flags)
    passed = majority(agreed, total)
    m = {k: float(v.mean()) for k, v in final.items()}
    detail = (
        f"{m['clip_at_bound']:.0%} of clipped weights at +-{c:g} (from "
        f"{float(at_init.mean()):.0%} at init) vs {m['gp_at_bound']:.1%} of the penalised "
        f"critic's at its extremes; ||grad_x f|| = {m['gp_grad_norm']:.2f} with the penalty, "
        f"{m['clip_grad_norm']:.1e} with clipping"
    )
    if passed:
        summary = f"clipping piles weights at +-c and flattens the critic: {detail}"
    else:
        summary = f"the clipping pathology did not show in this run: {detail}"
    axis = torch.linspace(-3, 3, SURFACE, device=device)
    grid = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), dim=-1).view(1, -1, 2)
    with torch.no_grad():
        surfaces = torch.stack(
            [net(grid.expand(len(cfg.seeds), -1, -1))[0, :, 0] for net in (clipped, penalised)]
        ).view(2, SURFACE, SURFACE)
        low = surfaces.amin(dim=(1, 2), keepdim=True)
        high = surfaces.amax(dim=(1, 2), keepdim=True)
        surfaces = (surfaces - low) / (high - low).clamp(min=1e-12)
    snapshot = {
        "clipped_weights_histogram": bar_image(histogram(layer_weights(clipped)[0])),
        "penalised_weights_histogram": bar_image(histogram(layer_weights(penalised)[0])),
        "critic_surfaces_clipped_penalised": to_numpy(surfaces),
    }
    middle = float(
        (layer_weights(clipped).abs() < 0.5 * c).float().mean()
    )  # share of weights near 0
    if m["clip_at_bound"] >= MIN_AT_BOUND:
        answer = 1
    elif middle > 0.5:
        answer = 2
    else:
        answer = 0
    return Outcome(
        Verdict(passed, summary, agreed, total),
        m | {"clip_at_bound_init": float(at_init.mean()), "clip_near_zero": middle},
        answer,
        snapshot,
    )
