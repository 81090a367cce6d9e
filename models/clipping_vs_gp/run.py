"""Two WGAN critics on 8 Gaussians vs blurred 8 Gaussians: how much of W each one captures.

Capacity use of a critic f is ``(E_real f - E_fake f) / (L * W)``: its Wasserstein estimate,
divided by its own Lipschitz constant L (so the scale that c fixes cancels out), as a share
of the true W between the two held-out sample sets (exact optimal transport). 1.0 is the
optimal critic's shape; a critic that keeps improving gets closer to it.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from models.base import Outcome, Progress, RunConfig, Verdict
from models.pictures import bar_image
from models.torchutil import (
    Adam,
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
MIN_USE_GP = 0.45
"""The penalised critic must capture at least this share of W per unit Lipschitz (seeds 0-9
at 1000 steps: 0.60-0.80; without the penalty 0.25-0.41) ..."""
MIN_GAP = 0.15
"""... and at least this much more than the clipped critic (seeds 0-9: 0.31 or more; two
clipped critics differ by up to 0.13, the unconstrained one scores at most 0.09 above)."""
AT_BOUND = 0.99
MIN_AT_CLIP = 0.2
"""The clip binds when at least this share of the clipped critic's weights sit at +-c
(seeds 0-9: 0.24-0.43 at c = 0.01; 0.10-0.12 at c = 10 with a 10x learning rate)."""
SECOND_SALT = 999_331
"""Offsets the second critic's batch stream when the critics draw independent streams."""
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


def histogram(weights: torch.Tensor, bins: int = 41) -> np.ndarray:
    """Share of weights per bin of weight / largest |weight| over [-1, 1]: ``[bins]``."""
    scaled = weights / weights.abs().max().clamp(min=1e-12)
    counts = torch.histc(scaled, bins=bins, min=-1.0, max=1.0)
    return to_numpy(counts / counts.sum())


class RMSprop:
    """RMSprop as ``torch.optim.RMSprop`` (alpha 0.99, eps 1e-8, no momentum) computes it,
    without ``torch.optim``, whose first optimizer costs a ~2 s import of ``torch._dynamo``."""

    def __init__(self, params: Iterable[torch.Tensor], lr: float, alpha: float = 0.99) -> None:
        self.params = list(params)
        self.lr, self.alpha = lr, alpha
        self.square = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p, sq in zip(self.params, self.square, strict=True):
            if p.grad is None:
                continue
            sq.mul_(self.alpha).addcmul_(p.grad, p.grad, value=1 - self.alpha)
            p.addcdiv_(p.grad, sq.sqrt().add_(1e-8), value=-self.lr)


class Critic:
    """One batched critic with its constraint: weights clipped to [-c, c] (RMSprop, as in
    Arjovsky et al.) or a gradient penalty (Adam, as in Gulrajani et al.)."""

    def __init__(self, kind: str, seeds: tuple[int, ...], salt: int, p: Mapping, device) -> None:
        hidden = int(p["hidden"])
        self.kind, self.c, self.penalty = kind, float(p["clip"]), float(p["penalty"])
        self.net = BatchedMLP([2, hidden, hidden, hidden, 1], seeds, device=device, salt=salt)
        self.opt: Adam | RMSprop
        if kind == "clip":
            with torch.no_grad():  # start uniform in [-c, c], not already clipped
                for layer in linear_layers(self.net):
                    scale = self.c * math.sqrt(layer.weight.shape[1])
                    layer.weight.mul_(scale)
                    layer.bias.mul_(scale)
            self.opt = RMSprop(self.net.parameters(), lr=float(p["lr_clip"]))
        else:
            self.opt = Adam(self.net.parameters(), lr=float(p["lr_gp"]), betas=(0.5, 0.9))

    def step(self, real: torch.Tensor, fake: torch.Tensor, mix: torch.Tensor) -> None:
        loss = self.net(fake).mean((1, 2)) - self.net(real).mean((1, 2))
        if self.kind == "gp":
            mid = (mix * real + (1 - mix) * fake).requires_grad_(True)
            loss = loss + self.penalty * gradient_penalty(self.net, mid)
        self.opt.zero_grad()
        loss.sum().backward()
        self.opt.step()
        if self.kind == "clip":
            with torch.no_grad():
                for param in self.net.parameters():
                    param.clamp_(-self.c, self.c)


def draw(noise: SeedNoise, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One step's samples: real points, fake points, and the mixing weights for the penalty."""
    real, fake = ring_of_gaussians(noise, n), blurred(noise, n)
    return real, fake, noise.rand(n, 1)


def linear_layers(net: torch.nn.Module) -> list[BatchedLinear]:
    return [m for m in net.modules() if isinstance(m, BatchedLinear)]


def at_clip(net: torch.nn.Module, c: float) -> torch.Tensor:
    """Per seed, the share of weights at +-c (within 1%): how much the clip binds."""
    return (layer_weights(net).abs() >= AT_BOUND * c).float().mean(dim=1)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    c, batch, every = float(p["clip"]), int(p["batch"]), int(p["eval_every"])
    second = str(p["second"])
    independent = str(p["streams"]) == "independent"
    device = pick_device(cfg.device)
    small_model_threads(device)
    noise = SeedNoise(cfg.seeds, device)
    second_noise = SeedNoise([s + SECOND_SALT for s in cfg.seeds], device)
    clipped = Critic("clip", cfg.seeds, 1, p, device)
    other = Critic(second, cfg.seeds, 2, p, device)
    ref = reference(cfg.seeds, device)

    def measure() -> dict[str, torch.Tensor]:
        use_clip, lip_clip = capacity_use(clipped.net, ref)
        use_gp, lip_gp = capacity_use(other.net, ref)
        return {
            "use_clip": use_clip,
            "use_gp": use_gp,
            "lipschitz_clip": lip_clip,
            "lipschitz_gp": lip_gp,
            "clip_at_bound": at_clip(clipped.net, c),
        }

    at_init = measure()["clip_at_bound"]
    for step in range(1, cfg.steps + 1):
        draws = [draw(stream, batch) for stream in (noise, second_noise)[: 1 + independent]]
        clipped.step(*draws[0])
        other.step(*draws[-1])
        if step % every == 0 or step == cfg.steps:
            yield Progress(step, cfg.steps, {k: float(v.mean()) for k, v in measure().items()})

    final = measure()
    use_clip, use_gp, binds = final["use_clip"], final["use_gp"], final["clip_at_bound"]
    per_seed = [
        {key: float(value[i]) for key, value in final.items()} for i in range(len(cfg.seeds))
    ]
    checks = {
        "binds": (binds >= MIN_AT_CLIP).tolist(),
        "uses": (use_gp >= MIN_USE_GP).tolist(),
        "gap": (use_gp - use_clip >= MIN_GAP).tolist(),
    }
    flags = [all(t) for t in zip(*checks.values(), strict=True)]
    verdict = Verdict.from_seeds(flags, "")
    m = {k: float(v.mean()) for k, v in final.items()}
    total = len(flags)

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    name = "penalised" if second == "gp" else "second clipped"
    detail = (
        f"share of W captured per unit of the critic's own Lipschitz constant: clipped "
        f"(c={c:g}) {listing(use_clip)}, {name} {listing(use_gp)} (true W "
        f"{float(ref.w.mean()):.3f}); {listing(binds)} of the clipped critic's weights sit at "
        f"+-c. Bars: clip binds (>= {MIN_AT_CLIP:.0%} at +-c) on {sum(checks['binds'])}/"
        f"{total}, {name} >= {MIN_USE_GP:g} on {sum(checks['uses'])}/{total}, >= "
        f"{MIN_GAP:g} above the clipped on {sum(checks['gap'])}/{total}"
    )
    if verdict.passed:
        verdict.summary = f"the penalised critic captures more of W than the clipped one: {detail}"
        verdict.plain = (
            "The critic trained with a gradient penalty came much closer to the best possible "
            "critic's shape than the critic whose weights were clipped."
        )
    elif sum(checks["binds"]) * 2 < total:
        verdict.summary = f"the clip hardly binds, so no verdict on clipping: {detail}"
        verdict.plain = (
            "The clipping bound hardly ever held the critic's weights back here, so this run "
            "says nothing about what clipping does."
        )
    else:
        verdict.summary = f"no clear gap between the critics here: {detail}"
        verdict.plain = (
            "The two critics ended up about equally close to the best critic's shape, so "
            "this run shows no advantage for the gradient penalty."
        )
    axis = torch.linspace(-3, 3, SURFACE, device=device)
    grid = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), dim=-1).view(1, -1, 2)
    with torch.no_grad():
        surfaces = torch.stack(
            [net(grid.expand(len(cfg.seeds), -1, -1))[0, :, 0] for net in (clipped.net, other.net)]
        ).view(2, SURFACE, SURFACE)
        low = surfaces.amin(dim=(1, 2), keepdim=True)
        high = surfaces.amax(dim=(1, 2), keepdim=True)
        surfaces = (surfaces - low) / (high - low).clamp(min=1e-12)
    snapshot = {
        "clipped_weights_histogram": bar_image(histogram(layer_weights(clipped.net)[0])),
        "penalised_weights_histogram": bar_image(histogram(layer_weights(other.net)[0])),
        "critic_surfaces_clipped_penalised": to_numpy(surfaces),
    }
    near_zero = float((layer_weights(clipped.net).abs() < 0.5 * c).float().mean())
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
    }
    return Outcome(verdict, metrics, answer, snapshot, per_seed)
