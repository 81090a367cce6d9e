"""VAEs on scikit-learn's 8x8 digits: a beta sweep plus one KL-annealed model, trained at once.

Every model (one per beta, plus the annealed one, times the seeds) is a row of the stacked
weights of :class:`models.torchutil.BatchedMLP`, so the whole sweep is one set of tensor ops.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import (
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    seed_sum,
    small_model_threads,
    to_numpy,
)

ACTIVE_VAR = 0.01
"""A latent unit is active when Var_x(E[z|x]) exceeds this (Burda et al. 2016)."""


SWEEP = (0.5, 1.0, 1.5)
"""The fixed part of the beta sweep; ``beta_max`` is its last point."""

CURVE_DIGITS = 512
"""Digits encoded for the curves during training; the final measurement uses all 1,797."""

ANNEAL_BETA = 1.5
"""The annealed model warms its KL weight up to this beta (compared with the constant one)."""


def load_digits_tensor(device: torch.device) -> torch.Tensor:
    """The 1,797 digits as ``[N, 64]`` floats in [0, 1] (shipped with scikit-learn, offline)."""
    from sklearn.datasets import load_digits

    data = load_digits().data / 16.0
    return torch.tensor(data, dtype=torch.float32, device=device)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    betas = [*SWEEP, float(p["beta_max"])]
    device = pick_device(cfg.device)
    small_model_threads(device)
    x_all = load_digits_tensor(device)
    n, latent, hidden, batch = x_all.shape[0], int(p["latent"]), int(p["hidden"]), int(p["batch"])
    k = len(cfg.seeds)
    # Model rows: for each config (each beta, then the annealed one), every seed.
    configs = [*betas, ANNEAL_BETA]
    c = len(configs)
    row_seeds = [s for _ in configs for s in cfg.seeds]
    enc = BatchedMLP([64, hidden, 2 * latent], row_seeds, activation="elu", device=device, salt=21)
    dec = BatchedMLP([latent, hidden, 64], row_seeds, activation="elu", device=device, salt=22)
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr"]))
    noise = SeedNoise(row_seeds, device)
    target_beta = torch.tensor(configs, device=device).repeat_interleave(k)  # [C*K]
    annealed = torch.zeros(c * k, dtype=torch.bool, device=device)
    annealed[(c - 1) * k :] = True
    warmup = max(1, int(float(p["anneal_fraction"]) * cfg.steps))
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
        weight = torch.where(annealed, target_beta * min(1.0, step / warmup), target_beta)
        opt.zero_grad(set_to_none=True)
        seed_sum(rec + weight * kl_b).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            # Curves use the first 512 digits (cheap); the final point and verdict use all.
            recon, kl, active = evaluate(x_all if step == cfg.steps else x_all[:CURVE_DIGITS])
            metrics = _metrics(recon, kl, active, k)
            snapshot = _snapshot(x_all, enc, dec, c, k) if step == cfg.steps else None
            yield Progress(step, cfg.steps, metrics, snapshot)

    snapshot = _snapshot(x_all, enc, dec, c, k)
    return _verdict(betas, recon, kl, active, k, snapshot, latent)


def _names() -> list[str]:
    """Metric-name suffixes: ``beta_0_5``, ``beta_1``, ``beta_1_5``, ``beta_max``, ``annealed``."""
    return [*(f"beta_{b:g}".replace(".", "_") for b in SWEEP), "beta_max", "annealed"]


def _metrics(
    recon: torch.Tensor, kl: torch.Tensor, active: torch.Tensor, k: int
) -> dict[str, float]:
    """Seed-averaged curves: ``kl_beta_1``, ``recon_beta_1``, ..., ``active_annealed``."""
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
) -> Outcome:
    """Per seed: KL falls as beta grows, 0 active units at the largest beta, and the annealed
    model keeps more active units than the constant model at the same beta (1.5)."""
    nb = len(betas)
    kl_s = kl.reshape(nb + 1, k)
    act_s = active.reshape(nb + 1, k)
    ref = betas.index(ANNEAL_BETA)
    kl_falls = (kl_s[1:nb] <= kl_s[: nb - 1] + 0.05).all(dim=0).tolist()
    collapsed = (act_s[nb - 1] == 0).tolist()
    helped = (act_s[nb] > act_s[ref]).tolist()
    per_seed = [a and b and c for a, b, c in zip(kl_falls, collapsed, helped, strict=True)]
    agreed, total = count_agreeing(per_seed)
    passed = majority(agreed, total)

    def mean(t: torch.Tensor) -> float:
        return float(t.float().mean())

    kl_text = ", ".join(f"{mean(kl_s[i]):.1f}" for i in range(nb))
    units = ", ".join(f"{mean(act_s[i]):g}" for i in range(nb))
    seeds_note = f" on {agreed} of {total} seeds" if total > 1 else ""
    measured = (
        f"KL (nats) for beta {', '.join(f'{b:g}' for b in betas)}: {kl_text}; active units: "
        f"{units}; annealing to beta {ANNEAL_BETA:g} kept {mean(act_s[nb]):g} units active vs "
        f"{mean(act_s[ref]):g} without"
    )
    head = "KL term behaves as expected" if passed else "not all three effects held"
    checks = (
        f"KL falls with beta on {sum(kl_falls)}/{k}, posterior collapse at beta {betas[-1]:g} "
        f"on {sum(collapsed)}/{k}, annealing helped on {sum(helped)}/{k} seeds"
    )
    summary = f"{head}{seeds_note}: {measured} ({checks})"
    # The prediction asks how many units survive at the largest beta: none, some, or all.
    at_max = sorted(act_s[nb - 1].tolist())[k // 2]  # median over seeds
    answer = 0 if at_max == 0 else 2 if at_max >= latent else 1
    return Outcome(
        Verdict(passed, summary, agreed, total),
        _metrics(recon, kl, active, k),
        answer=answer,
        snapshot=snapshot,
    )
