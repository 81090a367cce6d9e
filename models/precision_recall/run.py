"""A GAN on a ring of Gaussians; its samples scored by k-NN precision and recall.

After training, four sample sets per seed are scored against fresh data: the GAN's own
samples; the same samples restricted to the modes on one half of the ring (resampled to
the same count: a generator that dropped modes); the same samples plus Gaussian noise (a
generator that covers every mode but misses them); and a low-temperature sampler, G(t z).
Precision and recall follow Kynkäänniemi et al. 2019 §2: each point's neighbourhood is the
ball reaching its k-th nearest neighbour in its own set.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    pick_device,
    seed_sum,
    seedwise,
    small_model_threads,
)

SAMPLES = 1000
"""Real and generated points per scored set."""
SETS = ("gan", "dropped", "noisy", "cold")
"""The GAN's samples, half its modes, its samples plus noise, and G(t z)."""
LABELS = {"dropped": "half the modes", "noisy": "GAN + noise", "cold": "G(t z)"}
HEALTHY = (0.2, 0.5)
"""The GAN must first reach the data, precision >= 0.2 and recall >= 0.5 (seeds 0-9 score
0.25-0.81 and 0.54-0.83): degrading a generator that is already off the data (an untrained
one scores 0 and 0) shows nothing."""
FALL = 0.7
"""A degradation counts when the number it targets falls to at most 0.7x the GAN's ..."""
KEEP = 0.1
"""... while the other number falls by less than 0.1."""
RADIUS = 2.0
"""Radius of the ring of mixture centres."""
EVAL_SALT = 7_919
"""Seed offset of the fixed evaluation streams (real points, z), apart from training's."""


def ring(modes: int, device: torch.device) -> torch.Tensor:
    """``modes`` centres evenly spaced on a circle of radius 2: ``[modes, 2]``."""
    angle = torch.arange(modes, device=device) * 2 * math.pi / modes
    return RADIUS * torch.stack([angle.cos(), angle.sin()], -1)


def knn_radius(points: torch.Tensor, k: int) -> torch.Tensor:
    """Each point's distance to its k-th nearest other point in the same set: ``[R, N]``."""
    return torch.cdist(points, points).kthvalue(k + 1, dim=-1).values


def precision_recall(
    real: torch.Tensor, fake: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Kynkäänniemi et al. 2019: precision is the share of ``fake`` inside the real k-NN
    manifold, recall the share of ``real`` inside the fake one; ``[R, N, 2]`` -> ``[R]``."""
    dist = torch.cdist(fake, real)  # [R, fake, real]
    precision = (dist <= knn_radius(real, k).unsqueeze(1)).any(-1).float().mean(-1)
    recall = (dist.transpose(1, 2) <= knn_radius(fake, k).unsqueeze(1)).any(-1)
    return precision, recall.float().mean(-1)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    modes, std, k_nn = int(p["modes"]), float(p["std"]), int(p["k"])
    hidden, z_dim, batch = int(p["hidden"]), int(p["z_dim"]), int(p["batch"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    centres = ring(modes, device)
    gen = BatchedMLP([z_dim, hidden, hidden, 2], cfg.seeds, device=device, salt=81)
    disc_sizes = [2, hidden, hidden, 1]
    disc = BatchedMLP(disc_sizes, cfg.seeds, activation="leaky_relu", device=device, salt=82)
    lr, betas = float(p["lr"]), (0.5, 0.999)
    opt_g = Adam(gen.parameters(), lr=lr, betas=betas)
    opt_d = Adam(disc.parameters(), lr=lr, betas=betas)
    noise = SeedNoise(cfg.seeds, device)
    fixed = SeedNoise([s + EVAL_SALT for s in cfg.seeds], device)
    real = centres[fixed.randint(modes, SAMPLES)] + std * fixed.randn(SAMPLES, 2)
    z_eval = fixed.randn(SAMPLES, z_dim)
    every = max(1, cfg.steps // 40)
    for step in range(1, cfg.steps + 1):
        x = centres[noise.randint(modes, batch)] + std * noise.randn(batch, 2)
        fake = gen(noise.randn(batch, z_dim))
        d_loss = (seedwise(F.softplus, -disc(x)) + seedwise(F.softplus, disc(fake.detach()))).mean(
            (1, 2)
        )
        opt_d.zero_grad()
        seed_sum(d_loss).backward()
        opt_d.step()
        g_loss = seedwise(F.softplus, -disc(fake)).mean((1, 2))  # non-saturating
        opt_g.zero_grad()
        seed_sum(g_loss).backward()
        opt_g.step()
        if step % every == 0 or step == cfg.steps:
            with torch.no_grad():
                samples = gen(z_eval)
                precision, recall = precision_recall(real, samples, k_nn)
            metrics = {
                "precision": float(precision.mean()),
                "recall": float(recall.mean()),
                "d_loss": float(d_loss.detach().mean()),
                "g_loss": float(g_loss.detach().mean()),
            }
            yield Progress(step, cfg.steps, metrics, _snapshot(samples, real))
    with torch.no_grad():
        sets = {
            "gan": samples,
            "dropped": _drop_modes(samples, centres, fixed),
            "noisy": samples + float(p["noise"]) * fixed.randn(SAMPLES, 2),
            "cold": gen(float(p["temperature"]) * z_eval),
        }
        scores = {name: precision_recall(real, points, k_nn) for name, points in sets.items()}
    snapshot = _snapshot(samples, real)
    snapshot.update({f"samples_{name}": sets[name][0].cpu().numpy() for name in SETS[1:]})
    snapshot["labels"] = {"samples": "GAN", **{f"samples_{n}": LABELS[n] for n in SETS[1:]}}
    return _verdict(scores, k_nn, metrics, snapshot)


def _drop_modes(samples: torch.Tensor, centres: torch.Tensor, noise: SeedNoise) -> torch.Tensor:
    """The samples whose nearest centre lies on the upper half of the ring (angle in [0, pi)),
    resampled with replacement to the same count: a generator that dropped the other modes."""
    nearest = torch.cdist(samples, centres.expand(samples.shape[0], -1, -1)).argmin(-1)
    keep = nearest < centres.shape[0] // 2  # [R, N]: the modes at angles 0, 45, 90, 135 deg
    weights = keep.float() + 1e-9  # a seed that kept nothing still draws (and is scored)
    picks = torch.stack(
        [
            torch.multinomial(w, samples.shape[1], replacement=True, generator=g)
            for w, g in zip(weights, noise.generators, strict=True)
        ]
    )
    return torch.gather(samples, 1, picks.unsqueeze(-1).expand(-1, -1, 2))


def _snapshot(samples: torch.Tensor, real: torch.Tensor) -> dict[str, Any]:
    return {"samples": samples[0].cpu().numpy(), "data": real[0].cpu().numpy()}


def _verdict(
    scores: dict[str, tuple[torch.Tensor, torch.Tensor]], k_nn: int, final: dict, snapshot: dict
) -> Outcome:
    """Per seed: the GAN is healthy; dropping modes costs recall but not precision; noise
    costs precision but not recall."""
    (p0, r0), (pd, rd), (pn, rn) = scores["gan"], scores["dropped"], scores["noisy"]
    healthy = (p0 >= HEALTHY[0]) & (r0 >= HEALTHY[1])
    coverage_only = (rd <= FALL * r0) & (p0 - pd < KEEP)
    quality_only = (pn <= FALL * p0) & (r0 - rn < KEEP)
    flags = (healthy & coverage_only & quality_only).tolist()

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    total = len(flags)
    measured = "; ".join(
        f"{name}: precision {listing(scores[name][0])}, recall {listing(scores[name][1])}"
        for name in SETS
    )
    summary = (
        f"k = {k_nn}; {measured} (bars: the GAN healthy, precision >= {HEALTHY[0]:g} and "
        f"recall >= {HEALTHY[1]:g}, on {int(healthy.sum())}/{total}; dropping modes cut "
        f"recall to <= {FALL:g}x and precision by < {KEEP:g} on {int(coverage_only.sum())}/"
        f"{total}; noise cut precision to <= {FALL:g}x and recall by < {KEEP:g} on "
        f"{int(quality_only.sum())}/{total})"
    )
    verdict = Verdict.from_seeds(flags, summary, _plain(scores, healthy, flags))
    recall_kept = float((rd / r0.clamp(min=1e-9)).median())
    precision_lost = float((p0 - pd).median())
    if not bool(healthy.float().median() > 0):
        answer = 2
    elif recall_kept <= FALL and precision_lost < KEEP:
        answer = 1
    elif float((pd / p0.clamp(min=1e-9)).median()) <= FALL and float((r0 - rd).median()) < KEEP:
        answer = 0
    else:
        answer = 2
    metrics: dict[str, Any] = dict(final)
    for name in SETS:
        metrics[f"precision_{name}_per_seed"] = scores[name][0].tolist()
        metrics[f"recall_{name}_per_seed"] = scores[name][1].tolist()
    per_seed = [
        {
            f"{what}_{name}": float(scores[name][j][i])
            for name in SETS
            for j, what in enumerate(("precision", "recall"))
        }
        for i in range(total)
    ]
    return Outcome(verdict, metrics, answer, snapshot, per_seed_metrics=per_seed)


def _plain(
    scores: dict[str, tuple[torch.Tensor, torch.Tensor]], healthy: torch.Tensor, flags: list[bool]
) -> str:
    """One sentence for a student: the first seed alone, or the seeds' medians."""
    n = len(flags)
    if n > 1 and Verdict.from_seeds(flags, "").passed:
        return (
            f"On {sum(flags)} of {n} seeds, dropping half the clusters lowered only the "
            f"coverage score and jittering the samples with noise lowered only the quality "
            f"score."
        )
    (p0, r0), (_, rd), (pn, _) = (
        (float(p.median()), float(r.median())) for p, r in (scores[s] for s in SETS[:3])
    )
    tail = f" ({sum(flags)} of {n} seeds met the bars)" if n > 1 else ""
    if n == 1 and flags[0]:
        return (
            f"Dropping half the clusters cut coverage from {r0:.0%} to {rd:.0%} but kept "
            f"quality, while noise cut quality from {p0:.0%} to {pn:.0%} but kept coverage: "
            f"each score caught its own failure."
        )
    if float(healthy.float().mean()) < 0.5:
        return (
            f"The trained generator itself was poor (quality {p0:.0%}, coverage {r0:.0%}), so "
            f"there was no good baseline to spoil{tail}."
        )
    return (
        f"Dropping clusters and adding noise did not each lower just its own score (coverage "
        f"{r0:.0%} to {rd:.0%}, quality {p0:.0%} to {pn:.0%}), so here the two scores do not "
        f"tell quality from coverage{tail}."
    )
