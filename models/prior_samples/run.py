"""An autoencoder and a VAE on 8x8 digits, then both used as generators: decode z ~ N(0, I).

Rows of the stacked weights: the rival (the AE, or a second VAE for the null control) for
every seed, then the VAE for every seed. With ``rival=ae`` both arms start from the same
weights and see the same batches and latents; the AE's code is the encoder's mean (no noise,
no KL), the VAE samples z with the reparameterisation trick and pays beta * KL. With
``rival=vae`` the first arm is a VAE too, from other weights and other batches.
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
    small_model_threads,
)

SAMPLES = 500
"""Prior samples decoded per model for the score."""
GOOD = 1.5
"""A generator is good when its samples' median nearest-digit distance is <= 1.5x the test
digits' own (a held-out digit's distance to its nearest training digit) ..."""
DIVERSE = 7.0
"""... and the digits nearest its samples span at least 7 classes (exp of their label
entropy): a decoder that draws one average digit for every z is not a generator."""
GAP = 1.25
"""The rival's score must be at least 1.25x the VAE's."""
RIVAL_OFFSET = 500_009
"""Init and stream seed offset of the second VAE (``rival=vae``)."""
EVAL_SALT = 7_907
"""Seed offset of the fixed prior latents used for scoring, apart from training's streams."""


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    latent, hidden, batch = int(p["latent"]), int(p["hidden"]), int(p["batch"])
    beta, rival = float(p["beta"]), str(p["rival"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    offset = RIVAL_OFFSET if rival == "vae" else 0
    rows = (*(s + offset for s in cfg.seeds), *cfg.seeds)
    is_vae = torch.tensor([rival == "vae"] * k + [True] * k, device=device).view(-1, 1, 1)
    enc = BatchedMLP([64, hidden, 2 * latent], rows, activation="elu", device=device, salt=51)
    dec = BatchedMLP([latent, hidden, 64], rows, activation="elu", device=device, salt=52)
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr"]))
    noise = SeedNoise(rows, device)
    z_prior = SeedNoise([s + EVAL_SALT for s in cfg.seeds], device).randn(SAMPLES, latent)
    z_prior = z_prior.repeat(2, 1, 1)  # both arms decode the same latents
    reference = test_digit_distance(data)
    weight = torch.where(is_vae.view(-1), beta, 0.0)
    every = max(1, cfg.steps // 50)

    def prior_scores() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per row: nearest-digit distance / a test digit's, classes covered, the images."""
        with torch.no_grad():
            images = torch.sigmoid(dec(z_prior))
            distance, classes = nearest_digits(images, data.train_x, data.train_y)
            return distance / reference, classes, images

    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        mu, logvar = enc(x).chunk(2, dim=-1)
        eps = noise.randn(batch, latent)
        z = torch.where(is_vae, mu + (0.5 * logvar).exp() * eps, mu)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1).mean(-1)
        opt.zero_grad()
        seed_sum(recon + weight * kl).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            distance, classes, images = prior_scores()
            metrics = {}
            for i, arm in enumerate(("rival", "vae")):
                part = slice(i * k, (i + 1) * k)
                metrics[f"prior_distance_{arm}"] = float(distance[part].mean())
                metrics[f"prior_classes_{arm}"] = float(classes[part].mean())
                metrics[f"recon_{arm}"] = float(recon[part].detach().mean())
            yield Progress(step, cfg.steps, metrics)
    snapshot: dict[str, Any] = {
        "test digits": as_images(data.test_x[:8]),
        f"prior samples {rival}": as_images(images[0, :8]),
        "prior samples vae": as_images(images[k, :8]),
    }
    scores = {
        "distance_rival": distance[:k],
        "distance_vae": distance[k:],
        "classes_rival": classes[:k],
        "classes_vae": classes[k:],
    }
    return _verdict(scores, rival, beta, metrics, snapshot)


def _verdict(
    scores: dict[str, torch.Tensor], rival: str, beta: float, final: dict, snapshot: dict
) -> Outcome:
    """Per seed: the VAE's prior samples lie near the digits and span the classes, and the
    rival's lie at least 1.25x farther away."""
    vae, other = scores["distance_vae"], scores["distance_rival"]
    near = vae <= GOOD
    diverse = scores["classes_vae"] >= DIVERSE
    gap = other >= GAP * vae
    flags = (near & diverse & gap).tolist()
    name = "AE" if rival == "ae" else "second VAE"

    def listing(t: torch.Tensor) -> str:
        return ", ".join(f"{v:.2f}" for v in t.tolist())

    k = len(flags)
    summary = (
        f"decoded from z ~ N(0, I), median distance to the nearest training digit in units of "
        f"a test digit's own: {name} {listing(other)}, VAE {listing(vae)}; digit classes the "
        f"VAE's samples resemble: {listing(scores['classes_vae'])} (bars: VAE <= {GOOD:g} on "
        f"{int(near.sum())}/{k}, VAE classes >= {DIVERSE:g} on {int(diverse.sum())}/{k}, "
        f"{name} >= {GAP:g}x the VAE on {int(gap.sum())}/{k})"
    )
    verdict = Verdict.from_seeds(flags, summary, _plain(scores, name, beta, flags))
    ratio = float((other / vae).median())
    answer = 1 if ratio >= GAP else 0 if ratio <= 1 / GAP else 2
    per_seed = [{key: float(value[i]) for key, value in scores.items()} for i in range(k)]
    metrics = {
        **final,
        "prior_distance_rival_per_seed": other.tolist(),
        "prior_distance_vae_per_seed": vae.tolist(),
        "prior_classes_vae_per_seed": scores["classes_vae"].tolist(),
    }
    return Outcome(verdict, metrics, answer, snapshot, per_seed_metrics=per_seed)


def _plain(scores: dict[str, torch.Tensor], name: str, beta: float, flags: list[bool]) -> str:
    """One sentence for a student: the first seed alone, or the seeds' medians."""
    n = len(flags)
    if n > 1 and Verdict.from_seeds(flags, "").passed:
        return (
            f"On {sum(flags)} of {n} seeds the VAE's random codes decoded to varied, "
            f"digit-like images and the {name}'s did not."
        )
    vae, other = (float(scores[key].median()) for key in ("distance_vae", "distance_rival"))
    classes = float(scores["classes_vae"].median())
    tail = f" ({sum(flags)} of {n} seeds met the bars)" if n > 1 else ""
    if flags[0] and n == 1:
        return (
            f"Random codes decoded by the VAE looked like real digits of about {classes:.0f} "
            f"kinds, while the {name}'s were {other / vae:.1f} times farther from any digit."
        )
    if vae > GOOD:
        return (
            f"The VAE's random codes (KL weight {beta:g}) decoded to images {vae:.1f} times "
            f"farther from any digit than a real new digit is: they do not look like digits"
            f"{tail}."
        )
    if classes < DIVERSE:
        return (
            f"The VAE (KL weight {beta:g}) drew nearly the same image for every random code, "
            f"resembling only about {classes:.0f} kind(s) of digit: close to the data, but "
            f"not a generator{tail}."
        )
    return (
        f"The VAE's and the {name}'s random codes decoded to images about equally close to "
        f"real digits ({vae:.2f} and {other:.2f} times a real new digit's distance), so "
        f"this run shows no difference between them{tail}."
    )
