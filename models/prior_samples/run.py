"""An autoencoder and a VAE on 8x8 digits, then both used as generators: decode z ~ N(0, I).

Rows of the stacked weights: the AE for every seed, then the VAE for every seed; both arms
start from the same weights and noise. The AE's latent code is the encoder's mean (no noise,
no KL); the VAE samples z with the reparameterisation trick and pays beta * KL.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split
from models.torchutil import (
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    seed_sum,
    small_model_threads,
)

ARMS = ("ae", "vae")
SAMPLES = 500
"""Prior samples decoded per model for the score."""
GOOD = 1.5
"""A generator is good when its samples' median nearest-digit distance is <= 1.5x the test
digits' own (a held-out digit's distance to its nearest training digit)."""
GAP = 1.25
"""... and the AE's score is at least 1.25x the VAE's."""


def nearest_distance(samples: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Per row: the median over ``samples`` ``[R, N, 64]`` of the L2 distance to the nearest
    of ``reference`` ``[M, 64]``."""
    return (
        torch.cdist(samples, reference.expand(samples.shape[0], -1, -1))
        .min(-1)
        .values.median(-1)
        .values
    )


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    latent, hidden, batch = int(p["latent"]), int(p["hidden"]), int(p["batch"])
    beta = float(p["beta"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    rows = (*cfg.seeds, *cfg.seeds)
    is_vae = torch.tensor([False] * k + [True] * k, device=device).view(-1, 1, 1)
    enc = BatchedMLP([64, hidden, 2 * latent], rows, activation="elu", device=device, salt=51)
    dec = BatchedMLP([latent, hidden, 64], rows, activation="elu", device=device, salt=52)
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr"]))
    noise = SeedNoise(rows, device)
    # The data's own scale: each test digit's distance to its nearest training digit.
    reference = float(nearest_distance(data.test_x.unsqueeze(0), data.train_x).squeeze())
    weight = torch.tensor([0.0] * k + [beta] * k, device=device)
    every = max(1, cfg.steps // 50)

    def prior_score() -> tuple[torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            images = torch.sigmoid(dec(noise.randn(SAMPLES, latent)))
            return nearest_distance(images, data.train_x) / reference, images

    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        mu, logvar = enc(x).chunk(2, dim=-1)
        eps = noise.randn(batch, latent)
        z = torch.where(is_vae, mu + (0.5 * logvar).exp() * eps, mu)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1).mean(-1)
        opt.zero_grad(set_to_none=True)
        seed_sum(recon + weight * kl).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            score, images = prior_score()
            metrics = {}
            for i, arm in enumerate(ARMS):
                part = slice(i * k, (i + 1) * k)
                metrics[f"prior_distance_{arm}"] = float(score[part].mean())
                metrics[f"recon_{arm}"] = float(recon[part].detach().mean())
            yield Progress(step, cfg.steps, metrics)
    snapshot: dict[str, Any] = {
        "test digits": as_images(data.test_x[:8]),
        "prior samples ae": as_images(images[0, :8]),
        "prior samples vae": as_images(images[k, :8]),
    }
    return _verdict(score[:k], score[k:], metrics, snapshot)


def _verdict(ae: torch.Tensor, vae: torch.Tensor, final: dict, snapshot: dict) -> Outcome:
    """Per seed: the VAE's prior samples lie near the digits, the AE's at least 1.25x farther."""
    good = vae <= GOOD
    gap = ae >= GAP * vae
    flags = (good & gap).tolist()
    agreed, total = count_agreeing(flags)
    passed = majority(agreed, total)

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    seeds_note = f" on {agreed} of {total} seeds" if total > 1 else ""
    measured = (
        f"decoded from z ~ N(0, I), the median distance to the nearest training digit, in "
        f"units of a test digit's own: AE {listing(ae)}, VAE {listing(vae)}"
    )
    checks = (
        f"VAE <= {GOOD:g} on {int(good.sum())}/{total}, AE >= {GAP:g}x the VAE on "
        f"{int(gap.sum())}/{total}"
    )
    head = "the VAE generates, the AE does not" if passed else "no clear AE/VAE contrast"
    summary = f"{head}{seeds_note}: {measured} ({checks})"
    ratio = float((ae / vae).median())
    answer = 1 if ratio >= GAP else 0 if ratio <= 1 / GAP else 2
    metrics = {
        **final,
        "prior_distance_ae_per_seed": ae.tolist(),
        "prior_distance_vae_per_seed": vae.tolist(),
    }
    return Outcome(Verdict.from_seeds(flags, summary), metrics, answer, snapshot)
