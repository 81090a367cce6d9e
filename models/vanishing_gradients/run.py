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
from models.mode_collapse.mixtures import make_mixture
from models.torchutil import (
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    gradient_penalty,
    majority,
    per_seed_grad_norm,
    pick_device,
    seed_sum,
    small_model_threads,
)

LOSSES = ("saturating", "non_saturating", "wasserstein")


def _grad_norms(
    gen: BatchedMLP, logits: torch.Tensor, critic_out: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Per-seed norm of G's gradient under each loss (``[K]`` each), graph kept between calls."""
    params = list(gen.parameters())
    losses = {
        "saturating": (-F.softplus(logits)).mean(dim=1),  # log(1 - sigmoid(l)) = -softplus(l)
        "non_saturating": F.softplus(-logits).mean(dim=1),  # -log sigmoid(l)
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
    gen = BatchedMLP([z_dim, 64, 64, 2], seeds, device=device, salt=11)
    gen.requires_grad_(True)  # frozen: never updated, only differentiated
    disc = BatchedMLP(
        [2, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=12
    )
    critic = BatchedMLP(
        [2, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=13
    )
    lr = float(p["lr_d"])
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_c = torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
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
        d_loss = (F.softplus(-l_real) + F.softplus(l_fake)).mean(dim=1)
        opt_d.zero_grad(set_to_none=True)
        seed_sum(d_loss).backward()
        opt_d.step()
        acc = 0.5 * ((l_real > 0).float().mean(dim=1) + (l_fake < 0).float().mean(dim=1))
        # Wasserstein critic with gradient penalty (Gulrajani et al. 2017).
        alpha = noise.rand(batch, 1)
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        c_loss = (critic(fake) - critic(real)).squeeze(-1).mean(dim=1)
        c_loss = c_loss + gp_weight * gradient_penalty(critic, mixed)
        opt_c.zero_grad(set_to_none=True)
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
    ratio = {
        k: torch.stack(last[k]).median(dim=0).values / peak[k].clamp(min=1e-30) for k in LOSSES
    }
    sat_fell = ratio["saturating"] <= 1 / factor
    ns_held = ratio["non_saturating"] > 1 / factor
    d_good = acc >= 0.99
    per_seed = (sat_fell & ns_held & d_good).tolist()
    seed_flags = [bool(f) for f in per_seed]
    agreed, total = count_agreeing(seed_flags)
    passed = majority(agreed, total)

    def orders(r: torch.Tensor) -> float:
        """Median log10 ratio, rounded to 0.1 (and -0.0 to 0.0) for the text."""
        return round(float(torch.log10(r.clamp(min=1e-30)).median()), 1) + 0.0

    o_sat, o_ns, o_w = (orders(ratio[k]) for k in LOSSES)
    seeds_note = f" on {agreed} of {total} seeds" if total > 1 else ""
    measured = (
        f"with D's accuracy at {float(acc.min()):.2f}, G's gradient norm ended 10^{o_sat:.1f} "
        f"times its peak under the saturating loss, 10^{o_ns:.1f} under the non-saturating loss "
        f"and 10^{o_w:.1f} under the Wasserstein critic"
    )
    if passed:
        summary = f"vanishing gradient shown{seeds_note}: {measured}"
    else:
        summary = (
            f"no vanishing gradient in this run{seeds_note} (needed D accuracy >= 0.99 and a "
            f"saturating norm <= 10^-{math.log10(factor):.1f} of its peak): {measured}"
        )
    if o_sat <= -math.log10(factor):
        answer = 0
    elif o_sat >= math.log10(factor):
        answer = 2
    else:
        answer = 1
    metrics = {
        "d_accuracy": float(acc.mean()),
        "log10_change_saturating": o_sat,
        "log10_change_non_saturating": o_ns,
        "log10_change_wasserstein": o_w,
    }
    return Outcome(Verdict.from_seeds(seed_flags, summary), metrics, answer=answer)
