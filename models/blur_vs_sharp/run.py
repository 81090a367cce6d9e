"""A VAE and a GAN on 8x8 digits, trained side by side; their prior samples' edge energy.

Rows of the VAE's stacked weights: one per seed (and, when ``second=vae``, a second VAE per
seed with its own initial weights). The GAN (non-saturating, MLPs) has one row per seed.
Samples: decode the same z ~ N(0, I) with each model (the VAE's decoder mean, the GAN's
output) and score their high-frequency energy: the mean squared 3x3 Laplacian response of
the 6x6 interior, relative to the training digits'.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split, nearest_digits, test_digit_distance
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    pick_device,
    seed_sum,
    seedwise,
    small_model_threads,
)

SAMPLES = 500
"""Prior samples per model for the scores."""
BLURRY = 0.7
"""The VAE's samples are blurry when their Laplacian energy is <= 0.7x the data's."""
SHARP = (0.75, 1.5)
"""The other model's samples are sharp when their energy is 0.75-1.5x the data's: close to
the digits', not far above them (far above is pixel noise, not sharpness)."""
GAP = 1.5
"""... and at least 1.5x the VAE's."""
DIGIT_LIKE = 1.8
"""Both models' samples must look like digits: the median distance to the nearest training
digit is at most 1.8x a held-out test digit's own (blur is only judged on digits)."""
EVAL_SALT = 6_007
"""Seed offset of the fixed prior latents used for scoring, apart from training's streams."""
SECOND_VAE_OFFSET = 100_003
"""Init-seed offset of the second VAE (``second=vae``), so it starts from other weights."""


def laplacian_energy(images: torch.Tensor) -> torch.Tensor:
    """Mean squared 3x3 Laplacian of each 8x8 image's interior: ``[..., 64] -> [...]``."""
    kernel = torch.tensor(
        [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]], device=images.device
    ).view(1, 1, 3, 3)
    lap = F.conv2d(images.reshape(-1, 1, 8, 8), kernel)
    return lap.pow(2).mean((1, 2, 3)).reshape(images.shape[:-1])


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    latent, hidden, batch = int(p["latent"]), int(p["hidden"]), int(p["batch"])
    beta, gan_arm = float(p["beta"]), str(p["second"]) == "gan"
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    rows = cfg.seeds if gan_arm else (*cfg.seeds, *(s + SECOND_VAE_OFFSET for s in cfg.seeds))
    enc = BatchedMLP([64, hidden, 2 * latent], rows, activation="elu", device=device, salt=71)
    dec = BatchedMLP([latent, hidden, 64], rows, activation="elu", device=device, salt=72)
    opt_vae = Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr_vae"]))
    gen_sizes = [latent, 2 * hidden, 2 * hidden, 64]
    gen = BatchedMLP(gen_sizes, cfg.seeds, activation="leaky_relu", device=device, salt=73)
    disc_sizes = [64, 2 * hidden, 2 * hidden, 1]
    disc = BatchedMLP(disc_sizes, cfg.seeds, activation="leaky_relu", device=device, salt=74)
    gan_lr, betas = float(p["lr_gan"]), (0.5, 0.999)
    opt_g = Adam(gen.parameters(), lr=gan_lr, betas=betas)
    opt_d = Adam(disc.parameters(), lr=gan_lr, betas=betas)
    noise, gan_noise = SeedNoise(rows, device), SeedNoise(cfg.seeds, device)
    data_energy = float(laplacian_energy(data.train_x).mean())
    z_eval = SeedNoise([s + EVAL_SALT for s in cfg.seeds], device).randn(SAMPLES, latent)
    every = max(1, cfg.steps // 50)
    d_loss = g_loss = torch.zeros(k, device=device)

    def samples() -> tuple[torch.Tensor, torch.Tensor]:
        """The VAE's and the other model's decoded prior samples, ``[K, N, 64]`` each."""
        with torch.no_grad():
            z = z_eval if gan_arm else torch.cat([z_eval, z_eval])
            vae = torch.sigmoid(dec(z))
            other = torch.sigmoid(gen(z_eval)) if gan_arm else vae[k:]
            return vae[:k], other

    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        mu, logvar = enc(x).chunk(2, dim=-1)
        z = mu + (0.5 * logvar).exp() * noise.randn(batch, latent)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1).mean(-1)
        opt_vae.zero_grad()
        seed_sum(recon + beta * kl).backward()
        opt_vae.step()
        if gan_arm:
            d_loss, g_loss = _gan_step(gen, disc, opt_g, opt_d, x[:k], gan_noise, latent)
        if step % every == 0 or step == cfg.steps:
            vae_images, other_images = samples()
            metrics = {
                "energy_vae": float(laplacian_energy(vae_images).mean()) / data_energy,
                "energy_second": float(laplacian_energy(other_images).mean()) / data_energy,
                "energy_data": 1.0,
                "recon_vae": float(recon[:k].detach().mean()),
                "d_loss": float(d_loss.mean()),
                "g_loss": float(g_loss.mean()),
            }
            yield Progress(step, cfg.steps, metrics)
    reference = test_digit_distance(data)
    scores = {
        "energy_vae": laplacian_energy(vae_images).mean(-1) / data_energy,
        "energy_second": laplacian_energy(other_images).mean(-1) / data_energy,
        "distance_vae": nearest_digits(vae_images, data.train_x, data.train_y)[0] / reference,
        "distance_second": nearest_digits(other_images, data.train_x, data.train_y)[0] / reference,
    }
    snapshot: dict[str, Any] = {
        "test digits": as_images(data.test_x[:8]),
        "vae samples": as_images(vae_images[0, :8]),
        f"{'gan' if gan_arm else 'second vae'} samples": as_images(other_images[0, :8]),
    }
    return _verdict(scores, "GAN" if gan_arm else "second VAE", metrics, snapshot)


def _gan_step(
    gen: BatchedMLP,
    disc: BatchedMLP,
    opt_g: Adam,
    opt_d: Adam,
    real: torch.Tensor,
    noise: SeedNoise,
    latent: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One D step and one non-saturating G step (Goodfellow et al. 2014 §3); losses ``[K]``."""
    fake = torch.sigmoid(gen(noise.randn(real.shape[1], latent)))
    d_loss = (seedwise(F.softplus, -disc(real)) + seedwise(F.softplus, disc(fake.detach()))).mean(
        (1, 2)
    )
    opt_d.zero_grad()
    seed_sum(d_loss).backward()
    opt_d.step()
    g_loss = seedwise(F.softplus, -disc(fake)).mean((1, 2))
    opt_g.zero_grad()
    seed_sum(g_loss).backward()
    opt_g.step()
    return d_loss.detach(), g_loss.detach()


def _verdict(scores: dict[str, torch.Tensor], name: str, final: dict, snapshot: dict) -> Outcome:
    """Per seed: both models' samples look like digits; the VAE's are blurry, the other
    model's as sharp as the data (not far above: that is pixel noise) and sharper."""
    vae, other = scores["energy_vae"], scores["energy_second"]
    digit_like = (scores["distance_vae"] <= DIGIT_LIKE) & (scores["distance_second"] <= DIGIT_LIKE)
    blurry = vae <= BLURRY
    sharp = (other >= SHARP[0]) & (other <= SHARP[1]) & (other >= GAP * vae)
    flags = (digit_like & blurry & sharp).tolist()

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    k = len(flags)
    summary = (
        f"edge (Laplacian) energy of prior samples / the digits': VAE {listing(vae)}, {name} "
        f"{listing(other)}; nearest-digit distance / a test digit's: VAE "
        f"{listing(scores['distance_vae'])}, {name} {listing(scores['distance_second'])} "
        f"(bars: both digit-like, distance <= {DIGIT_LIKE:g}, on {int(digit_like.sum())}/{k}; "
        f"VAE <= {BLURRY:g} on {int(blurry.sum())}/{k}; {name} in [{SHARP[0]:g}, "
        f"{SHARP[1]:g}] and >= {GAP:g}x the VAE on {int(sharp.sum())}/{k})"
    )
    verdict = Verdict.from_seeds(flags, summary, _plain(scores, name, flags))
    ratio = float((other / vae).median())
    answer = 1 if ratio >= GAP else 0 if ratio <= 1 / GAP else 2
    per_seed = [{key: float(value[i]) for key, value in scores.items()} for i in range(k)]
    metrics = {**final, **{f"{key}_per_seed": value.tolist() for key, value in scores.items()}}
    return Outcome(verdict, metrics, answer, snapshot, per_seed_metrics=per_seed)


def _plain(scores: dict[str, torch.Tensor], name: str, flags: list[bool]) -> str:
    """One sentence for a student: the first seed alone, or the seeds' medians."""
    n = len(flags)
    if n > 1 and Verdict.from_seeds(flags, "").passed:
        return (
            f"On {sum(flags)} of {n} seeds the VAE's digits came out blurry and the {name}'s "
            f"as crisp as real ones."
        )
    med = {key: float(value.median()) for key, value in scores.items()}
    vae, other = med["energy_vae"], med["energy_second"]
    tail = f" ({sum(flags)} of {n} seeds met the bars)" if n > 1 else ""
    if n == 1 and flags[0]:
        return (
            f"The VAE's digits had {vae:.0%} of the edge contrast of real digits, the "
            f"{name}'s {other:.0%}: the VAE's are blurry, the {name}'s crisp."
        )
    far = max(med["distance_vae"], med["distance_second"])
    if far > DIGIT_LIKE:
        which = "VAE's" if med["distance_vae"] > DIGIT_LIKE else f"{name}'s"
        return (
            f"The {which} samples do not look like digits (they sit {far:.1f} times farther "
            f"from any digit than a real new digit does), so their sharpness says nothing"
            f"{tail}."
        )
    return (
        f"The VAE's digits had {vae:.0%} of the edge contrast of real digits and the "
        f"{name}'s {other:.0%}, so this run shows no clear blur gap{tail}."
    )
