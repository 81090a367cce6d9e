"""Freeze G, train D towards optimal, and measure G's gradient under three generator losses.

Arjovsky & Bottou (2017), section 2.2: with the generator fixed, a discriminator trained from
scratch soon separates real from fake; the saturating loss log(1 - D(G(z))) then gives G a
vanishing gradient, the non-saturating -log D(G(z)) does not, and a Wasserstein critic
(trained here with a gradient penalty) keeps a gradient of order one.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.mode_collapse.mixtures import Mixture, make_mixture
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    gradient_penalty,
    per_seed_grad_norm,
    pick_device,
    seed_sum,
    seedwise,
    small_model_threads,
)

LOSSES = ("saturating", "non_saturating", "wasserstein")
ACCURATE = 0.99
"""D has won when it classifies at least 99% of real and fake points correctly."""


class DataGenerator(torch.nn.Module):
    """A frozen G whose samples follow the data: ``scale * x + shift`` with ``x`` a mixture
    sample picked by the latent (``z = (mode index, noise)``) and ``scale`` = 1, ``shift`` =
    0 per seed, so its gradient is taken w.r.t. those two. Its support is the data's: no
    discriminator can separate the two (the control)."""

    def __init__(self, mix: Mixture, seeds: tuple[int, ...], device: torch.device) -> None:
        super().__init__()
        self.mix = mix
        self.z_dim = 3
        self.scale = torch.nn.Parameter(torch.ones(len(seeds), 1, 1, device=device))
        self.shift = torch.nn.Parameter(torch.zeros(len(seeds), 1, 2, device=device))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``z`` ``[K, B, 3]``: a uniform number picking the mode, then standard noise."""
        idx = (
            (torch.special.ndtr(z[..., 0]) * self.mix.n_modes)
            .long()
            .clamp(max=self.mix.n_modes - 1)
        )
        x = self.mix.centers[idx] + self.mix.std * z[..., 1:]
        return self.scale * x + self.shift


def _grad_norms(
    gen: torch.nn.Module, logits: torch.Tensor, critic_out: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Per-seed norm of G's gradient under each loss (``[K]`` each), graph kept between calls."""
    params = list(gen.parameters())
    losses = {
        "saturating": (-seedwise(F.softplus, logits)).mean(
            dim=1
        ),  # log(1 - sigmoid(l)) = -softplus(l)
        "non_saturating": seedwise(F.softplus, -logits).mean(dim=1),  # -log sigmoid(l)
        "wasserstein": (-critic_out).mean(dim=1),
    }
    norms = {}
    for i, (name, loss) in enumerate(losses.items()):
        grads = torch.autograd.grad(seed_sum(loss), params, retain_graph=i < len(losses) - 1)
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        norms[name] = per_seed_grad_norm(params)
    for p in params:
        p.grad = None
    return norms


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    device = pick_device(cfg.device)
    small_model_threads(device)
    seeds = cfg.seeds
    noise = SeedNoise(seeds, device)
    mix = make_mixture(str(p["data"]), device=str(device))
    z_dim, hidden = 2, int(p["hidden"])
    gen: torch.nn.Module
    if str(p["generator"]) == "data":
        gen = DataGenerator(mix, seeds, device)
        z_dim = gen.z_dim
    else:
        gen = BatchedMLP([z_dim, 64, 64, 2], seeds, device=device, salt=11)
    gen.requires_grad_(True)  # frozen: never updated, only differentiated
    disc = BatchedMLP(
        [2, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=12
    )
    critic = BatchedMLP(
        [2, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=13
    )
    lr = float(p["lr_d"])
    opt_d = Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_c = Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    batch = int(p["batch"])
    z_eval = noise.randn(512, z_dim)
    peak: dict[str, torch.Tensor] = {}
    last: dict[str, list[torch.Tensor]] = {name: [] for name in LOSSES}
    acc = torch.zeros(len(seeds), device=device)
    tail_from = cfg.steps - max(1, cfg.steps // 10)
    gp_weight = 10.0

    for step in range(1, cfg.steps + 1):
        real = mix.sample(noise, batch)
        with torch.no_grad():
            fake = gen(noise.randn(batch, z_dim))
        # Discriminator: logistic loss.
        l_real, l_fake = disc(real).squeeze(-1), disc(fake).squeeze(-1)
        d_loss = (seedwise(F.softplus, -l_real) + seedwise(F.softplus, l_fake)).mean(dim=1)
        opt_d.zero_grad()
        seed_sum(d_loss).backward()
        opt_d.step()
        acc = 0.5 * ((l_real > 0).float().mean(dim=1) + (l_fake < 0).float().mean(dim=1))
        # Wasserstein critic with gradient penalty (Gulrajani et al. 2017).
        alpha = noise.rand(batch, 1)
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        c_loss = (critic(fake) - critic(real)).squeeze(-1).mean(dim=1)
        c_loss = c_loss + gp_weight * gradient_penalty(critic, mixed)
        opt_c.zero_grad()
        seed_sum(c_loss).backward()
        opt_c.step()

        x = gen(z_eval)
        norms = _grad_norms(gen, disc(x).squeeze(-1), critic(x).squeeze(-1))
        peak = {k: torch.maximum(peak[k], v) if peak else v for k, v in norms.items()}
        if step > tail_from:
            for name in LOSSES:
                last[name].append(norms[name])
        yield Progress(
            step,
            cfg.steps,
            {
                "d_accuracy": float(acc.mean()),
                "grad_saturating": float(norms["saturating"].mean()),
                "grad_non_saturating": float(norms["non_saturating"].mean()),
                "grad_wasserstein": float(norms["wasserstein"].mean()),
            },
        )

    return _verdict(peak, last, acc, float(p["collapse_factor"]))


def _verdict(
    peak: dict[str, torch.Tensor],
    last: dict[str, list[torch.Tensor]],
    acc: torch.Tensor,
    factor: float,
) -> Outcome:
    """Per seed: D accurate, the saturating norm fell ``factor``-fold from its peak, the
    non-saturating one did not."""
    log_change = {
        k: torch.log10(
            (torch.stack(last[k]).median(dim=0).values / peak[k].clamp(min=1e-30)).clamp(min=1e-30)
        )
        for k in LOSSES
    }
    bar = -math.log10(factor)
    sat_fell = log_change["saturating"] <= bar
    ns_held = log_change["non_saturating"] > bar
    d_won = acc >= ACCURATE
    flags = (sat_fell & ns_held & d_won).tolist()

    def median(t: torch.Tensor) -> float:
        """Median over seeds, rounded to 0.1 (and -0.0 to 0.0) for the text."""
        return round(float(t.median()), 1) + 0.0

    o_sat, o_ns, o_w = (median(log_change[k]) for k in LOSSES)
    k = len(flags)
    listing = ", ".join(f"{v:.2f}" for v in acc.tolist())
    summary = (
        f"D's accuracy {listing}; G's gradient norm ended 10^{o_sat:.1f} times its peak "
        f"under the saturating loss, 10^{o_ns:.1f} under the non-saturating loss and "
        f"10^{o_w:.1f} under the Wasserstein critic (median over seeds; bars: accuracy >= "
        f"{ACCURATE}, saturating <= 10^{bar:.1f}, non-saturating above it; D won on "
        f"{int(d_won.sum())}/{k}, saturating fell on {int(sat_fell.sum())}/{k}, "
        f"non-saturating held on {int(ns_held.sum())}/{k})"
    )
    verdict = Verdict.from_seeds(flags, summary, _plain(acc, o_sat, o_ns, flags, factor))
    answer = 0 if o_sat <= bar else 2 if o_sat >= -bar else 1
    metrics = {
        "d_accuracy": float(acc.mean()),
        "log10_change_saturating": o_sat,
        "log10_change_non_saturating": o_ns,
        "log10_change_wasserstein": o_w,
    }
    per_seed = [
        {
            "d_accuracy": float(acc[i]),
            **{f"log10_change_{name}": float(log_change[name][i]) for name in LOSSES},
        }
        for i in range(k)
    ]
    return Outcome(verdict, metrics, answer=answer, per_seed_metrics=per_seed)


def _plain(acc: torch.Tensor, o_sat: float, o_ns: float, flags: list[bool], factor: float) -> str:
    """One sentence for a student: did the original loss's learning signal fade as D won?"""
    seeds = f" (on {sum(flags)} of {len(flags)} seeds)" if len(flags) > 1 else ""
    if all(flags) or (len(flags) > 1 and Verdict.from_seeds(flags, "").passed):
        return (
            f"Once the discriminator told real from fake almost perfectly, the signal the "
            f"original loss gives the generator shrank about {10**-o_sat:,.0f}-fold, while "
            f"the non-saturating loss kept its signal{seeds}."
        )
    if float(acc.median()) < ACCURATE:
        return (
            f"The discriminator never told real from fake reliably (accuracy "
            f"{float(acc.median()):.0%}), so the generator's signal under the original loss "
            f"did not fade{seeds}."
        )
    return (
        f"The discriminator won, but the signal under the original loss shrank only "
        f"{10**-o_sat:,.0f}-fold (the bar is {factor:,.0f}-fold) while the non-saturating "
        f"loss's changed {10**o_ns:.2g}-fold{seeds}."
    )
