"""Train a collapse-prone GAN and the same GAN with minibatch std side by side; score modes."""

from __future__ import annotations

import math
from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.mode_collapse.gan import Gan
from models.mode_collapse.mixtures import Mixture, make_mixture, score
from models.torchutil import (
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    small_model_threads,
    to_numpy,
)

EVAL_SAMPLES = 2500
"""Samples scored per evaluation, as in the VEEGAN/PacGAN protocol."""

VARIANTS = ("plain", "mbstd")
LABELS = {"plain": "plain GAN", "mbstd": "minibatch std"}


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    device = pick_device(cfg.device)
    small_model_threads(device)
    mix = make_mixture(str(p["data"]), device=str(device))
    k = len(cfg.seeds)
    rows = (*cfg.seeds, *cfg.seeds)  # first K rows plain, last K rows with minibatch std
    mbstd = torch.tensor([False] * k + [True] * k, device=device)
    noise = SeedNoise(rows, device)
    gan = Gan(
        rows,
        mbstd,
        device,
        lr_g=float(p["lr_g"]),
        lr_d=float(p["lr_d"]),
        hidden=int(p["hidden"]),
        z_dim=int(p["z_dim"]),
    )
    batch, min_count = int(p["batch"]), int(p["min_count"])
    every = max(1, cfg.steps // 100)
    snap_every = every * 5
    d_sum = torch.zeros(2 * k, device=device)
    g_sum = torch.zeros(2 * k, device=device)
    modes = torch.zeros(2 * k, device=device)
    for step in range(1, cfg.steps + 1):
        d_loss, g_loss = gan.step(noise, mix, batch)
        d_sum += d_loss
        g_sum += g_loss
        if step % every and step != cfg.steps:
            continue
        n = every if step % every == 0 else step % every
        with torch.no_grad():
            samples = gan.sample(noise, EVAL_SAMPLES)
            scores = score(samples, mix, min_count)
        modes = scores.modes
        metrics: dict[str, float] = {}
        for i, variant in enumerate(VARIANTS):
            part = slice(i * k, (i + 1) * k)
            metrics[f"modes_{variant}"] = float(scores.modes[part].mean())
            metrics[f"high_quality_{variant}"] = float(scores.high_quality[part].mean())
            metrics[f"reverse_kl_{variant}"] = float(scores.reverse_kl[part].mean())
            metrics[f"d_loss_{variant}"] = float(d_sum[part].mean()) / n
            metrics[f"g_loss_{variant}"] = float(g_sum[part].mean()) / n
        d_sum.zero_()
        g_sum.zero_()
        snapshot = None
        if step % snap_every == 0 or step == cfg.steps:
            snapshot = _snapshot(samples, mix, noise, k)
        yield Progress(step, cfg.steps, metrics, snapshot)

    final = metrics
    return _verdict(modes, mix, k, final, _snapshot(samples, mix, noise, k))


def _snapshot(samples: torch.Tensor, mix: Mixture, noise: SeedNoise, k: int) -> dict:
    """Data and both generators' samples for the first seed (``[1000, 2]`` arrays):
    ``samples`` is the plain GAN, ``samples_mbstd`` the fixed one; ``labels`` names them."""
    data = mix.sample(noise, 1000)[0]
    return {
        "data": to_numpy(data),
        "samples": to_numpy(samples[0, :1000]),
        "samples_mbstd": to_numpy(samples[k, :1000]),
        "labels": {"samples": LABELS["plain"], "samples_mbstd": LABELS["mbstd"]},
    }


def _verdict(
    modes: torch.Tensor, mix: Mixture, k: int, final: dict[str, float], snapshot: dict
) -> Outcome:
    """Per seed: the plain GAN covers <= 1/4 of the modes, the fixed one >= 3/4."""
    m = mix.n_modes
    plain, fixed = modes[:k], modes[k:]
    collapsed = plain <= math.floor(m / 4)
    covered = fixed >= math.ceil(3 * m / 4)
    per_seed = (collapsed & covered).tolist()
    agreed, total = count_agreeing(per_seed)
    passed = majority(agreed, total)

    def listing(t: torch.Tensor) -> str:
        return ", ".join(str(int(v)) for v in t.tolist())

    seeds_note = f" on {agreed} of {total} seeds" if total > 1 else ""
    measured = (
        f"of {m} modes ({mix.name}), the plain GAN covered {listing(plain)} and the GAN with "
        f"minibatch std {listing(fixed)}; high-quality samples "
        f"{final['high_quality_plain']:.0%} vs {final['high_quality_mbstd']:.0%}, "
        f"reverse KL {final['reverse_kl_plain']:.2f} vs {final['reverse_kl_mbstd']:.2f}"
    )
    if passed:
        summary = f"mode collapse shown and fixed{seeds_note}: {measured}"
    else:
        summary = (
            f"no clear contrast in this run{seeds_note} (needed plain <= {math.floor(m / 4)} "
            f"and fixed >= {math.ceil(3 * m / 4)} modes): {measured}"
        )
    gap = float(fixed.float().median() - plain.float().median())
    answer = 1 if gap >= m / 4 else 0 if gap <= -m / 4 else 2
    metrics = {
        **final,
        "n_modes": m,
        "modes_plain_per_seed": plain.tolist(),
        "modes_mbstd_per_seed": fixed.tolist(),
    }
    return Outcome(
        Verdict(passed, summary, agreed, total), metrics, answer=answer, snapshot=snapshot
    )
