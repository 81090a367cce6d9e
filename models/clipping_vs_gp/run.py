"""Two WGAN critics on 8 Gaussians vs blurred 8 Gaussians: how much of W each one captures.

Capacity use of a critic f is ``(E_real f - E_fake f) / (L * W)``: its Wasserstein estimate,
divided by its own Lipschitz constant L (so the scale that c fixes cancels out), as a share
of the true W between the two held-out sample sets (exact optimal transport). 1.0 is the
optimal critic's shape; a critic that keeps improving gets closer to it.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from models.base import Outcome, Progress, RunConfig, Verdict
from models.pictures import bar_image
from models.torchutil import (
    BatchedLinear,
    BatchedMLP,
    SeedNoise,
    gradient_penalty,
    pick_device,
    small_model_threads,
    to_numpy,
)

EVAL_SAMPLES = 512
"""Held-out real and fake samples per seed; W between them is solved exactly."""
SEGMENT_POINTS = 9
"""Points on each optimal-transport segment where the critic's gradient is measured."""
EVAL_SALT = 7_919
"""Offsets the held-out samples' seeds from the training stream's."""
MIN_USE_GP = 0.35
"""The penalised critic must capture at least this share of W (per unit Lipschitz)."""
MIN_GAP = 0.13
"""...and at least this much more than the clipped critic (calibrated on seeds 0-9)."""
AT_BOUND = 0.99
SURFACE = 32


def ring_of_gaussians(
    noise: SeedNoise, n: int, modes: int = 8, radius: float = 2.0
) -> torch.Tensor:
    """``[K, n, 2]`` samples from ``modes`` Gaussians (std 0.02) evenly spaced on a circle."""
    angle = noise.randint(modes, n).float() * (2 * math.pi / modes)
    centres = torch.stack([angle.cos(), angle.sin()], dim=-1) * radius
    return centres + 0.02 * noise.randn(n, 2)


def blurred(noise: SeedNoise, n: int) -> torch.Tensor:
    """The fake distribution of Gulrajani et al.'s Figure 1: real samples plus N(0, I)."""
    return ring_of_gaussians(noise, n) + noise.randn(n, 2)


@dataclass
class Reference:
    """Held-out samples, their exact W (``[K]``) and points along the optimal matching."""

    real: torch.Tensor
    fake: torch.Tensor
    w: torch.Tensor
    segments: torch.Tensor


def reference(seeds: tuple[int, ...], device: torch.device) -> Reference:
    """Per seed, W between ``EVAL_SAMPLES`` real and fake points by an exact assignment."""
    noise = SeedNoise([s + EVAL_SALT for s in seeds], device)
    real, fake = ring_of_gaussians(noise, EVAL_SAMPLES), blurred(noise, EVAL_SAMPLES)
    w, matched = [], []
    for k in range(len(seeds)):
        cost = torch.cdist(real[k], fake[k]).cpu().numpy().astype(np.float64)
        rows, cols = linear_sum_assignment(cost)
        w.append(float(cost[rows, cols].mean()))
        matched.append(fake[k, torch.as_tensor(cols, device=device)])
    pairs = torch.stack(matched)
    t = torch.linspace(0, 1, SEGMENT_POINTS, device=device).view(1, -1, 1, 1)
    segments = (t * real.unsqueeze(1) + (1 - t) * pairs.unsqueeze(1)).flatten(1, 2)
    return Reference(real, fake, torch.tensor(w, device=device), segments)


def capacity_use(critic: torch.nn.Module, ref: Reference) -> tuple[torch.Tensor, torch.Tensor]:
    """Per seed: ``(E_real f - E_fake f) / (L W)`` and L, the largest ||grad_x f|| measured
    along the optimal-transport segments (the only pairs the duality bound needs)."""
    x = ref.segments.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    lipschitz = grad.norm(dim=-1).amax(dim=1)
    with torch.no_grad():
        gap = critic(ref.real).mean((1, 2)) - critic(ref.fake).mean((1, 2))
    return gap / (lipschitz.clamp(min=1e-30) * ref.w), lipschitz


def layer_weights(critic: torch.nn.Module) -> torch.Tensor:
    """All weight matrices of a batched critic, flattened per seed: ``[K, n_weights]``."""
    layers = [m for m in critic.modules() if isinstance(m, BatchedLinear)]
    return torch.cat([m.weight.detach().flatten(1) for m in layers], dim=1)


def at_extremes(critic: torch.nn.Module) -> torch.Tensor:
    """Per seed, the share of weights within 1% of that seed's largest |weight|."""
    w = layer_weights(critic).abs()
    return (w >= AT_BOUND * w.amax(dim=1, keepdim=True)).float().mean(dim=1)


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
    ref = reference(cfg.seeds, device)

    def measure() -> dict[str, torch.Tensor]:
        use_clip, lip_clip = capacity_use(clipped, ref)
        use_gp, lip_gp = capacity_use(penalised, ref)
        return {
            "use_clip": use_clip,
            "use_gp": use_gp,
            "lipschitz_clip": lip_clip,
            "lipschitz_gp": lip_gp,
            "clip_at_bound": at_extremes(clipped),
        }

    at_init = measure()["clip_at_bound"]
    for step in range(1, cfg.steps + 1):
        real, fake = ring_of_gaussians(noise, batch), blurred(noise, batch)
        loss_clip = clipped(fake).mean((1, 2)) - clipped(real).mean((1, 2))
        opt_clip.zero_grad()
        loss_clip.sum().backward()
        opt_clip.step()
        with torch.no_grad():
            for param in clipped.parameters():
                param.clamp_(-c, c)
        mix = noise.rand(batch, 1)
        mid = (mix * real + (1 - mix) * fake).requires_grad_(True)
        gp = gradient_penalty(penalised, mid)
        loss_gp = penalised(fake).mean((1, 2)) - penalised(real).mean((1, 2)) + penalty * gp
        opt_gp.zero_grad()
        loss_gp.sum().backward()
        opt_gp.step()
        if step % every == 0 or step == cfg.steps:
            yield Progress(step, cfg.steps, {k: float(v.mean()) for k, v in measure().items()})

    final = measure()
    use_clip, use_gp = final["use_clip"], final["use_gp"]
    flags = (use_gp >= MIN_USE_GP) & (use_gp - use_clip >= MIN_GAP)
    verdict = Verdict.from_seeds(flags.tolist(), "")
    m = {k: float(v.mean()) for k, v in final.items()}

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    detail = (
        f"share of W captured per unit of the critic's own Lipschitz constant: clipped "
        f"(c={c:g}) {listing(use_clip)}, penalised {listing(use_gp)} (true W "
        f"{float(ref.w.mean()):.3f}; bar: penalised >= {MIN_USE_GP:g} and >= {MIN_GAP:g} above "
        f"clipped); the clipped critic's Lipschitz constant is {m['lipschitz_clip']:.1e}, "
        f"set by c; {m['clip_at_bound']:.0%} of its weights sit at +-c"
    )
    if verdict.passed:
        verdict.summary = f"the clipped critic uses less of its capacity: {detail}"
    else:
        verdict.summary = f"no clear capacity gap between the critics here: {detail}"
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
    near_zero = float((layer_weights(clipped).abs() < 0.5 * c).float().mean())
    if m["clip_at_bound"] >= 10 * float(at_init.mean()):
        answer = 1
    elif near_zero > 0.5:
        answer = 2
    else:
        answer = 0
    metrics = m | {
        "true_w": float(ref.w.mean()),
        "clip_at_bound_init": float(at_init.mean()),
        "clip_near_zero": near_zero,
        "use_clip_per_seed": use_clip.tolist(),
        "use_gp_per_seed": use_gp.tolist(),
    }
    return Outcome(verdict, metrics, answer, snapshot)
