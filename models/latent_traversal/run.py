"""A 2-D VAE and a plain autoencoder (beta = 0) on digits, trained side by side from the same
init and noise; both decode samples of the prior N(0, I), scored against the data."""

from __future__ import annotations

from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    pick_device,
    seedwise,
    small_model_threads,
)

GRID = 8
PRIOR_SAMPLES = 500
MAX_PRIOR_GAP = 1.25
"""Prior decodes may sit at most this many times as far from the data as test digits do."""
ARMS = ("vae", "ae")
MIN_CLASSES = 6.5
"""The prior decodes must cover at least this many digit classes (exp of the label entropy)."""
MAX_JUMP = 0.5
"""No step between neighbouring points of a walk may change the image by more than half a
test digit's distance to its nearest training digit (seeds 0-9: 0.22-0.27)."""
MIN_WALK_CLASSES = 3.0
"""A walk must pass through at least 3 digit classes on average (seeds 0-9: 3.5-3.9)."""


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


WALK = 32
"""Points along each straight walk through latent space (8 walks along z1, 8 along z2)."""


def walk_points(span: float, device: torch.device) -> torch.Tensor:
    """``[2 * GRID, WALK, 2]``: walks along z1 at each grid value of z2, then along z2."""
    axis = torch.linspace(-span, span, WALK, device=device)
    fixed = torch.linspace(-span, span, GRID, device=device)
    along_z1 = torch.stack(torch.meshgrid(fixed, axis, indexing="ij"), dim=-1).flip(-1)
    along_z2 = torch.stack(torch.meshgrid(fixed, axis, indexing="ij"), dim=-1)
    return torch.cat([along_z1, along_z2])


def walk_scores(
    images: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor, data_nn: float
) -> dict[str, torch.Tensor]:
    """Per row of decoded walks ``[R, W, P, 64]`` (W walks of P points each):

    - ``jump``: the largest change between neighbouring points of any walk, over
      ``data_nn`` (1 = as far apart as a test digit and its nearest training digit);
    - ``walk_gap``: the walk images' mean distance to the nearest training digit / ``data_nn``;
    - ``walk_classes``: digit classes the walk images' nearest digits belong to, on average
      per walk (1 = the walk stays one digit).
    """
    r, w, n = images.shape[:3]
    steps = (images[:, :, 1:] - images[:, :, :-1]).norm(dim=-1)  # [R, W, P-1]
    dist, index = torch.cdist(images.flatten(1, 2), train_x.expand(r, -1, -1)).min(-1)
    labels = F.one_hot(train_y[index], 10).view(r, w, n, 10)
    return {
        "jump": steps.amax((1, 2)) / data_nn,
        "walk_gap": dist.mean(-1) / data_nn,
        "walk_classes": (labels.sum(2) > 0).float().sum(-1).mean(-1),
    }


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
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(rows, device)
    grid = grid_points(span, device).expand(2 * k, -1, -1)
    walks = walk_points(span, device).flatten(0, 1).expand(2 * k, -1, -1)
    with torch.no_grad():
        data_nn = float(torch.cdist(data.test_x, data.train_x).min(-1).values.mean())

    def evaluate() -> dict[str, torch.Tensor]:
        with torch.no_grad():
            prior = seedwise(torch.sigmoid, dec(noise.randn(PRIOR_SAMPLES, 2)))
            gap, classes = prior_scores(prior, data.train_x, data.train_y, data_nn)
            images = seedwise(torch.sigmoid, dec(grid))
            walked = seedwise(torch.sigmoid, dec(walks)).view(2 * k, 2 * GRID, WALK, -1)
            scores = walk_scores(walked, data.train_x, data.train_y, data_nn)
            return {"gap": gap, "classes": classes, "prior": prior, "grid": images} | scores

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
                    "walk_jump": float(ev["jump"][:k].mean()),
                    "walk_jump_ae": float(ev["jump"][k:].mean()),
                    "walk_classes": float(ev["walk_classes"][:k].mean()),
                    "walk_classes_ae": float(ev["walk_classes"][k:].mean()),
                },
                grid_snapshot(ev["grid"][0], span),
            )

    ev = evaluate()
    gaps: list[float] = ev["gap"].tolist()
    covered: list[float] = ev["classes"].tolist()
    usable = [g < MAX_PRIOR_GAP and c >= MIN_CLASSES for g, c in zip(gaps, covered, strict=True)]
    walk_ok = [
        j <= MAX_JUMP and g < MAX_PRIOR_GAP and c >= MIN_WALK_CLASSES
        for j, g, c in zip(
            ev["jump"].tolist(), ev["walk_gap"].tolist(), ev["walk_classes"].tolist(), strict=True
        )
    ]
    vae_gap, ae_gap = sum(gaps[:k]) / k, sum(gaps[k:]) / k
    vae_cls, ae_cls = sum(covered[:k]) / k, sum(covered[k:]) / k
    jump, walk_gap = float(ev["jump"][:k].mean()), float(ev["walk_gap"][:k].mean())
    walk_cls = float(ev["walk_classes"][:k].mean())
    detail = (
        f"decodes of z ~ N(0, I) sit {vae_gap:.2f}x as far from the nearest training digit as "
        f"test digits do and cover {vae_cls:.1f} digit classes at beta={beta:g}; the plain "
        f"autoencoder (beta=0) from the same start: {ae_gap:.2f}x, {ae_cls:.1f} classes "
        f"(bars: below {MAX_PRIOR_GAP}x, at least {MIN_CLASSES:g} classes; met on "
        f"{sum(usable[:k])} of {k}). Straight walks across [-{span:g}, {span:g}]^2: largest "
        f"step between neighbouring points {jump:.2f}x a test digit's distance to its "
        f"nearest training digit (bar: <= {MAX_JUMP:g}), images {walk_gap:.2f}x as far from "
        f"the data (bar: below {MAX_PRIOR_GAP}), {walk_cls:.1f} digit classes per walk (bar: "
        f">= {MIN_WALK_CLASSES:g}); met on {sum(walk_ok[:k])} of {k}"
    )
    flags = [a and b for a, b in zip(usable[:k], walk_ok[:k], strict=True)]
    verdict = Verdict.from_seeds(flags, "")
    if verdict.passed:
        verdict.summary = f"the prior is a usable generator and its walks are gradual: {detail}"
        verdict.plain = (
            "Random points of the VAE's latent space decoded to digits of nearly every "
            "kind, and walking in a straight line through it morphed one digit into the "
            "next in small steps."
        )
    else:
        verdict.summary = f"the latent space is not a varied, walkable space of digits: {detail}"
        verdict.plain = (
            "Random points of this model's latent space did not decode to digits of many "
            "kinds, or a straight walk through it did not pass gradually through digits."
        )
    ae_usable = Verdict.from_seeds(usable[k:], "").passed
    answer = {(True, False): 0, (True, True): 1, (False, True): 2}.get(
        (verdict.passed, ae_usable), 3
    )
    snapshot = grid_snapshot(ev["grid"][0], span) | {
        "prior, VAE": as_images(ev["prior"][0, :GRID]),
        "prior, AE": as_images(ev["prior"][k, :GRID]),
    }
    keys = ("gap", "classes", "jump", "walk_gap", "walk_classes")
    per_seed = [
        {f"{key}_{arm}": float(ev[key][i + j * k]) for key in keys for j, arm in enumerate(ARMS)}
        for i in range(k)
    ]
    return Outcome(
        verdict,
        {
            "prior_gap": vae_gap,
            "prior_gap_ae": ae_gap,
            "prior_classes": vae_cls,
            "prior_classes_ae": ae_cls,
            "recon": float(recon[:k].mean()),
            "kl": float(kl[:k].mean()),
            "walk_jump": jump,
            "walk_gap": walk_gap,
            "walk_classes": walk_cls,
        },
        answer,
        snapshot,
        per_seed,
    )
