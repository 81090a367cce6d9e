"""A 2-D VAE and a plain autoencoder (beta = 0) on digits, trained side by side from the same
init and noise; both decode samples of the prior N(0, I), scored against the data."""

from __future__ import annotations

from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split
from models.torchutil import BatchedMLP, SeedNoise, pick_device, small_model_threads

GRID = 8
PRIOR_SAMPLES = 500
MAX_PRIOR_GAP = 1.25
"""Prior decodes may sit at most this many times as far from the data as test digits do."""
MIN_CLASSES = 6.5
"""The prior decodes must cover at least this many digit classes (exp of the label entropy)."""


def grid_points(span: float, device: torch.device) -> torch.Tensor:
    """``[GRID * GRID, 2]`` latent points; index r * GRID + c has z1 = row r, z2 = column c."""
    axis = torch.linspace(-span, span, GRID, device=device)
    return torch.stack(torch.meshgrid(axis, axis, indexing="ij"), dim=-1).view(-1, 2)


def grid_snapshot(images: torch.Tensor, span: float) -> dict[str, object]:
    """One labelled row of decoded digits per z1 value (columns walk z2 from -span to span)."""
    rows = as_images(images).reshape(GRID, GRID, 8, 8)
    values = torch.linspace(-span, span, GRID).tolist()
    return {f"z1={v:+.2f}": rows[r] for r, v in enumerate(values)}


def prior_scores(
    images: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor, data_nn: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per row of ``images`` ``[R, N, 64]``: the mean distance to the nearest training digit
    divided by ``data_nn`` (test digits' own mean), and how many digit classes the nearest
    digits cover (exp of the entropy of their labels: 10 = all classes evenly, 1 = one)."""
    dist, index = torch.cdist(images, train_x.expand(len(images), -1, -1)).min(-1)
    gap = dist.mean(-1) / data_nn
    counts = F.one_hot(train_y[index], 10).float().mean(1)
    entropy = -(counts * counts.clamp(min=1e-12).log()).sum(-1)
    return gap, entropy.exp()


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    hidden, lr, batch = int(p["hidden"]), float(p["lr"]), int(p["batch"])
    beta, span, every = float(p["beta"]), float(p["span"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    rows = cfg.seeds + cfg.seeds  # rows 0..k-1: the VAE at beta; rows k..2k-1: the AE, beta = 0
    betas = torch.tensor([beta] * k + [0.0] * k, device=device)
    enc = BatchedMLP([64, hidden, 4], rows, device=device, salt=1)  # mean and log-variance
    dec = BatchedMLP([2, hidden, 64], rows, device=device, salt=2)  # Bernoulli logits
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(rows, device)
    grid = grid_points(span, device).expand(2 * k, -1, -1)
    with torch.no_grad():
        data_nn = float(torch.cdist(data.test_x, data.train_x).min(-1).values.mean())

    def evaluate() -> dict[str, torch.Tensor]:
        with torch.no_grad():
            prior = torch.sigmoid(dec(noise.randn(PRIOR_SAMPLES, 2)))
            gap, classes = prior_scores(prior, data.train_x, data.train_y, data_nn)
            images = torch.sigmoid(dec(grid))
            return {"gap": gap, "classes": classes, "prior": prior, "grid": images}

    recon = kl = torch.zeros(2 * k, device=device)
    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        out = enc(x)
        mu, logvar = out[..., :2], out[..., 2:]
        z = mu + torch.exp(0.5 * logvar) * noise.randn(batch, 2)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(-1)
        kl = (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).sum(-1).mean(-1)
        opt.zero_grad()
        (recon + betas * kl).sum().backward()
        opt.step()
        recon, kl = recon.detach(), kl.detach()
        if step % every == 0 or step == cfg.steps:
            ev = evaluate()
            gap, classes = ev["gap"], ev["classes"]
            yield Progress(
                step,
                cfg.steps,
                {
                    "recon": float(recon[:k].mean()),
                    "kl": float(kl[:k].mean()),
                    "prior_gap": float(gap[:k].mean()),
                    "prior_gap_ae": float(gap[k:].mean()),
                    "prior_classes": float(classes[:k].mean()),
                    "prior_classes_ae": float(classes[k:].mean()),
                },
                grid_snapshot(ev["grid"][0], span),
            )

    ev = evaluate()
    gaps: list[float] = ev["gap"].tolist()
    covered: list[float] = ev["classes"].tolist()
    usable = [g < MAX_PRIOR_GAP and c >= MIN_CLASSES for g, c in zip(gaps, covered, strict=True)]
    vae_gap, ae_gap = sum(gaps[:k]) / k, sum(gaps[k:]) / k
    vae_cls, ae_cls = sum(covered[:k]) / k, sum(covered[k:]) / k
    detail = (
        f"decodes of z ~ N(0, I) sit {vae_gap:.2f}x as far from the nearest training digit as "
        f"test digits do and cover {vae_cls:.1f} digit classes at beta={beta:g}; the plain "
        f"autoencoder (beta=0) from the same start: {ae_gap:.2f}x, {ae_cls:.1f} classes "
        f"(bars: below {MAX_PRIOR_GAP}x, at least {MIN_CLASSES:g} classes)"
    )
    verdict = Verdict.from_seeds(usable[:k], "")
    if verdict.passed:
        verdict.summary = f"the prior is a usable generator: {detail}"
    else:
        verdict.summary = f"sampling the prior does not give varied, digit-like images: {detail}"
    ae_usable = Verdict.from_seeds(usable[k:], "").passed
    answer = {(True, False): 0, (True, True): 1, (False, True): 2}.get(
        (verdict.passed, ae_usable), 3
    )
    snapshot = grid_snapshot(ev["grid"][0], span) | {
        "prior, VAE": as_images(ev["prior"][0, :GRID]),
        "prior, AE": as_images(ev["prior"][k, :GRID]),
    }
    return Outcome(
        verdict,
        {
            "prior_gap": vae_gap,
            "prior_gap_ae": ae_gap,
            "prior_classes": vae_cls,
            "prior_classes_ae": ae_cls,
            "recon": float(recon[:k].mean()),
            "kl": float(kl[:k].mean()),
        },
        answer,
        snapshot,
    )
