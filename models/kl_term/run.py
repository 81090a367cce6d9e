"""VAEs on scikit-learn's 8x8 digits: a beta sweep (0.5, 1, 1.5, beta_max), trained at once.

Every model (one per beta, times the seeds) is a row of the stacked
weights of :class:`models.torchutil.BatchedMLP`, so the whole sweep is one set of tensor ops.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import load_all_digits
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    pick_device,
    seed_sum,
    small_model_threads,
    to_numpy,
)

ACTIVE_VAR = 0.01
"""A latent unit is active when Var_x(E[z|x]) exceeds this (Burda et al. 2016)."""


SWEEP = (0.5, 1.0, 1.5)
"""The fixed part of the beta sweep; ``beta_max`` is its last point."""

ZERO_RATE = 0.1
"""KL (nats per digit) below which a model is said to transmit nothing through z."""

FALL_SLACK = 0.05
"""Nats by which a larger beta's KL may exceed a smaller one's and still count as falling."""

CURVE_DIGITS = 512
"""Digits encoded for the curves during training; the final measurement uses all 1,797."""


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    scale = float(p["kl_scale"])  # 0: the control, no KL term in any model
    betas = [*SWEEP, float(p["beta_max"])]
    device = pick_device(cfg.device)
    small_model_threads(device)
    x_all = load_all_digits(device)
    n, latent, hidden, batch = x_all.shape[0], int(p["latent"]), int(p["hidden"]), int(p["batch"])
    k = len(cfg.seeds)
    # Model rows: for each beta, every seed.
    c = len(betas)
    row_seeds = [s for _ in betas for s in cfg.seeds]
    enc = BatchedMLP([64, hidden, 2 * latent], row_seeds, activation="elu", device=device, salt=21)
    dec = BatchedMLP([latent, hidden, 64], row_seeds, activation="elu", device=device, salt=22)
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr"]))
    noise = SeedNoise(row_seeds, device)
    weight = scale * torch.tensor(betas, device=device).repeat_interleave(k)  # [C*K]
    every = max(1, cfg.steps // 100)

    def evaluate(x_eval: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per model over ``x_eval``: reconstruction (nats), KL (nats), active units."""
        with torch.no_grad():
            xs = x_eval.expand(c * k, -1, -1)
            mu, logvar = enc(xs).chunk(2, dim=-1)
            recon = F.binary_cross_entropy_with_logits(dec(mu), xs, reduction="none")
            kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)
            active = (mu.var(dim=1) > ACTIVE_VAR).sum(dim=1)
            return recon.sum(-1).mean(1), kl.sum(-1).mean(1), active

    recon = kl = active = torch.zeros(c * k)
    for step in range(1, cfg.steps + 1):
        idx = noise.randint(n, batch)  # [C*K, B]
        x = x_all[idx]
        mu, logvar = enc(x).chunk(2, dim=-1)
        z = mu + (0.5 * logvar).exp() * noise.randn(batch, latent)
        rec = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(1)
        kl_b = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1).mean(1)
        opt.zero_grad()
        seed_sum(rec + weight * kl_b).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            # Curves use the first 512 digits (cheap); the final point and verdict use all.
            recon, kl, active = evaluate(x_all if step == cfg.steps else x_all[:CURVE_DIGITS])
            metrics = _metrics(recon, kl, active, k)
            # Pictures every tenth point so they show live; no RNG, so training is unchanged.
            live = step == cfg.steps or step % (every * 10) == 0
            snapshot = _snapshot(x_all, enc, dec, c, k) if live else None
            yield Progress(step, cfg.steps, metrics, snapshot)

    snapshot = _snapshot(x_all, enc, dec, c, k)
    return _verdict(betas, recon, kl, active, k, snapshot, latent, scale)


def _names() -> list[str]:
    """Metric-name suffixes: ``beta_0_5``, ``beta_1``, ``beta_1_5``, ``beta_max``."""
    return [*(f"beta_{b:g}".replace(".", "_") for b in SWEEP), "beta_max"]


def _metrics(
    recon: torch.Tensor, kl: torch.Tensor, active: torch.Tensor, k: int
) -> dict[str, float]:
    """Seed-averaged curves: ``kl_beta_1``, ``recon_beta_1``, ..., ``active_beta_max``."""
    out: dict[str, float] = {}
    for i, name in enumerate(_names()):
        rows = slice(i * k, (i + 1) * k)
        out[f"kl_{name}"] = float(kl[rows].mean())
        out[f"recon_{name}"] = float(recon[rows].mean())
        out[f"active_{name}"] = float(active[rows].float().mean())
    return out


def _snapshot(
    x_all: torch.Tensor, enc: BatchedMLP, dec: BatchedMLP, c: int, k: int
) -> dict[str, Any]:
    """Eight digits and their reconstructions (from E[z|x]) by each model of the first seed."""
    with torch.no_grad():
        x = x_all[:8]
        mu, _ = enc(x.expand(c * k, -1, -1)).chunk(2, dim=-1)
        recon = torch.sigmoid(dec(mu)).reshape(c * k, 8, 8, 8)
    snapshot = {"digits": to_numpy(x.reshape(8, 8, 8))}
    for i, name in enumerate(_names()):
        snapshot[f"recon_{name}"] = to_numpy(recon[i * k])
    return snapshot


def _verdict(
    betas: list[float],
    recon: torch.Tensor,
    kl: torch.Tensor,
    active: torch.Tensor,
    k: int,
    snapshot: dict[str, Any],
    latent: int,
    scale: float,
) -> Outcome:
    """Per seed: the KL falls as beta grows and, at the largest beta, the rate is zero (KL
    under ZERO_RATE nats and no active unit) while the smallest beta keeps units active."""
    nb = len(betas)
    kl_s, act_s, rec_s = kl.reshape(nb, k), active.reshape(nb, k), recon.reshape(nb, k)
    kl_falls = (kl_s[1:] <= kl_s[:-1] + FALL_SLACK).all(dim=0).tolist()
    zero_rate = ((act_s[-1] == 0) & (kl_s[-1] < ZERO_RATE)).tolist()
    informative = (act_s[0] > 0).tolist()
    flags = [a and b and c for a, b, c in zip(kl_falls, zero_rate, informative, strict=True)]

    def mean(t: torch.Tensor) -> float:
        return float(t.float().mean())

    shown = ", ".join(f"{scale * b:g}" for b in betas)
    kl_text = ", ".join(f"{mean(kl_s[i]):.1f}" for i in range(nb))
    units = ", ".join(f"{mean(act_s[i]):g}" for i in range(nb))
    top = scale * betas[-1]
    summary = (
        f"KL (nats per digit) for beta {shown}: {kl_text}; active units: {units} (mean over "
        f"seeds; bars: KL does not grow with beta, {FALL_SLACK:g} nats of slack, on "
        f"{sum(kl_falls)}/{k}; zero rate at beta {top:g} (KL < {ZERO_RATE:g}, no active unit) "
        f"on {sum(zero_rate)}/{k}; at least one active unit at beta {scale * betas[0]:g} on "
        f"{sum(informative)}/{k} seeds)"
    )
    verdict = Verdict.from_seeds(flags, summary, _plain(kl_s, act_s, top, latent, flags))
    # The prediction asks how many units survive at the largest beta: none, some, or all.
    at_max = sorted(act_s[-1].tolist())[k // 2]  # median over seeds
    answer = 0 if at_max == 0 else 2 if at_max >= latent else 1
    names = _names()
    per_seed = [
        {
            **{f"kl_{name}": float(kl_s[i, j]) for i, name in enumerate(names)},
            **{f"active_{name}": float(act_s[i, j]) for i, name in enumerate(names)},
            **{f"recon_{name}": float(rec_s[i, j]) for i, name in enumerate(names)},
        }
        for j in range(k)
    ]
    return Outcome(
        verdict,
        _metrics(recon, kl, active, k),
        answer=answer,
        snapshot=snapshot,
        per_seed_metrics=per_seed,
    )


def _plain(
    kl_s: torch.Tensor, act_s: torch.Tensor, top: float, latent: int, flags: list[bool]
) -> str:
    """One sentence for a student about the largest KL weight (first seed, or the seeds)."""
    if len(flags) > 1:
        if Verdict.from_seeds(flags, "").passed:
            return (
                f"On {sum(flags)} of {len(flags)} seeds, the larger the KL weight the less the "
                f"code carried, and at weight {top:g} it carried nothing."
            )
        return (
            f"At KL weight {top:g} the code still carried something about each digit on "
            f"{int((act_s[-1] > 0).sum())} of {len(flags)} seeds (mean "
            f"{float(kl_s[-1].mean()):.1f} nats), so the weight did not shut it off."
        )
    units, nats = int(act_s[-1, 0]), float(kl_s[-1, 0])
    if flags[0]:
        return (
            f"The larger the KL weight, the less the code told the decoder about each digit; "
            f"at weight {top:g} it told nothing (0 of {latent} units in use), so the decoder "
            f"drew the same average digit for every input."
        )
    return (
        f"At KL weight {top:g} the code still carried {nats:.1f} nats about each digit "
        f"({units} of {latent} units in use), so the weight was not high enough to shut it off."
    )
