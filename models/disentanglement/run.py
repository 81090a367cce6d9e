"""A beta-VAE and a plain VAE (beta = 1) on squares with known independent factors.

The data are every 12x12 image of a filled square with x-position and y-position in 0-7
and side 2-5 (256 images, the three factors independent and uniform), generated in the run.
Rows of the stacked weights: the chosen beta for every seed, then the reference beta
(default 1: a plain VAE) for every seed; both arms start from the same weights and noise
unless ``streams=independent``. Scores on all 256 images: the nats the code carries, the
mean |correlation| between used latents' means, and the mutual information gap (MIG)
against the true factors.
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

CANVAS = 12
POSITIONS = 8
SIDES = (2, 3, 4, 5)
FACTORS = ("x", "y", "size")
ARMS = ("beta", "ref")
BINS = 20
"""Latent means are discretised into 20 equal-width bins to estimate mutual information
(the histogram estimator of Chen et al. 2018 §4.1 as implemented by Locatello et al. 2019)."""
MAX_RATE_RATIO = 0.7
"""The code at beta carries at most 0.7x the nats per image of the reference beta's (seeds
0-9, beta 4 vs 1: 0.44-0.49; two beta = 1 arms with independent streams: 0.90-1.11), ..."""
UNCORRELATED = 0.15
"""... its used latents' mean |correlation| is <= 0.15 (beta 4: 0.02-0.09; beta 0: 0.24-0.45),
..."""
MIN_USED = 2
"""... with at least 2 latents in use (no used pair would be trivially uncorrelated)."""
ALIGNED = 0.3
"""MIG at or above 0.3 counts as latents that follow the factors (for the answer only)."""
ACTIVE_STD = 0.1
"""A latent unit counts as used when its mean's std over the images exceeds 0.1."""


REF_SALT = 7_919_000
"""Offsets the reference arm's seeds (init and batches) when the arms' streams are independent."""


def bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per row ``[R]``: the Bernoulli negative log-likelihood summed over pixels, batch mean.
    ``log(1 + e^l) - x l`` through :func:`seedwise`, so a seed's bits do not depend on the
    rows beside it."""
    return (seedwise(F.softplus, logits) - x * logits).sum(-1).mean(-1)


def squares(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Every square image ``[256, 144]`` in {0, 1} and its factor indices ``[256, 3]``."""
    grid = torch.meshgrid(
        torch.arange(POSITIONS), torch.arange(POSITIONS), torch.arange(len(SIDES)), indexing="ij"
    )
    factors = torch.stack([g.flatten() for g in grid], -1).to(device)
    side = torch.tensor(SIDES, device=device)[factors[:, 2]].unsqueeze(1)
    pixel = torch.arange(CANVAS, device=device).unsqueeze(0)
    in_x = (pixel >= factors[:, :1]) & (pixel < factors[:, :1] + side)
    in_y = (pixel >= factors[:, 1:2]) & (pixel < factors[:, 1:2] + side)
    images = (in_y.unsqueeze(2) & in_x.unsqueeze(1)).float().flatten(1)
    return images, factors


def factor_sizes() -> tuple[int, ...]:
    return (POSITIONS, POSITIONS, len(SIDES))


def mutual_information(codes: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """I(z_j; v_f) in nats for binned ``codes`` ``[R, N, L]`` and discrete ``factors``
    ``[N, F]``: ``[R, F, L]``."""
    low = codes.min(1, keepdim=True).values
    high = codes.max(1, keepdim=True).values
    bins = ((codes - low) / (high - low + 1e-9) * BINS).long().clamp(max=BINS - 1)
    onehot_z = F.one_hot(bins, BINS).float()  # [R, N, L, B]
    n = codes.shape[1]
    out = []
    for f, size in enumerate(factor_sizes()):
        onehot_v = F.one_hot(factors[:, f], size).float()  # [N, V]
        joint = torch.einsum("rnlb,nv->rlbv", onehot_z, onehot_v) / n
        p_z = joint.sum(-1, keepdim=True)
        p_v = joint.sum(-2, keepdim=True)
        ratio = torch.where(joint > 0, joint / (p_z * p_v).clamp(min=1e-12), 1.0)
        out.append((joint * ratio.log()).sum((-1, -2)))
    return torch.stack(out, 1)


def mig(codes: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """Mutual information gap (Chen et al. 2018 §4.1): per factor, the gap between the two
    latents most informative about it, over the factor's entropy; mean over factors ``[R]``."""
    info = mutual_information(codes, factors)  # [R, F, L]
    top = info.topk(2, dim=-1).values
    entropy = torch.tensor([math.log(s) for s in factor_sizes()], device=codes.device)
    return ((top[..., 0] - top[..., 1]) / entropy).mean(-1)


def latent_correlation(codes: torch.Tensor) -> torch.Tensor:
    """Mean |Pearson correlation| between pairs of used latents' means (0 if < 2 used): ``[R]``."""
    centred = codes - codes.mean(1, keepdim=True)
    cov = centred.transpose(1, 2) @ centred / codes.shape[1]
    std = cov.diagonal(dim1=1, dim2=2).sqrt()
    corr = cov / (std.unsqueeze(2) * std.unsqueeze(1) + 1e-9)
    used = (std > ACTIVE_STD).float()
    off = 1 - torch.eye(codes.shape[2], device=codes.device)
    pairs = used.unsqueeze(2) * used.unsqueeze(1) * off
    return (corr.abs() * pairs).sum((1, 2)) / pairs.sum((1, 2)).clamp(min=1)


def kl_per_image(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Per row ``[R]``: KL(q(z|x) || N(0, I)) averaged over the images, in nats: how much
    information the code carries about an image (the 'rate')."""
    var = seedwise(torch.exp, logvar)
    return 0.5 * (mu.pow(2) + var - 1 - logvar).sum(-1).mean(-1)


def gaussian_tc(codes: torch.Tensor) -> torch.Tensor:
    """Total correlation of the used latents' means under a Gaussian fit, in nats: ``[R]``.

    ``-1/2 log det R`` for their correlation matrix R: 0 when they are uncorrelated, growing
    as any of them becomes predictable from the others (linearly); 0 if fewer than 2 used.
    """
    out = []
    for row in codes:
        used = row[:, row.std(0) > ACTIVE_STD]
        if used.shape[1] < 2:
            out.append(torch.zeros((), device=codes.device))
            continue
        corr = torch.corrcoef(used.T)
        out.append(-0.5 * torch.linalg.slogdet(corr.double()).logabsdet.float())
    return torch.stack(out)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    latent, hidden, batch = int(p["latent"]), int(p["hidden"]), int(p["batch"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    images, factors = squares(device)
    k = len(cfg.seeds)
    independent = str(p["streams"]) == "independent"
    ref_rows = [s + REF_SALT for s in cfg.seeds] if independent else cfg.seeds
    rows = (*cfg.seeds, *ref_rows)
    beta = torch.tensor([float(p["beta"])] * k + [float(p["beta_ref"])] * k, device=device)
    pixels = images.shape[1]
    enc_sizes = [pixels, hidden, hidden, 2 * latent]
    enc = BatchedMLP(enc_sizes, rows, activation="elu", device=device, salt=91)
    dec = BatchedMLP(
        [latent, hidden, hidden, pixels], rows, activation="elu", device=device, salt=92
    )
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=float(p["lr"]))
    noise = SeedNoise(rows, device)
    every = max(1, cfg.steps // 40)
    everything = images.expand(len(rows), -1, -1)
    for step in range(1, cfg.steps + 1):
        x = images[noise.randint(len(images), batch)]
        mu, logvar = enc(x).chunk(2, dim=-1)
        z = mu + seedwise(torch.exp, 0.5 * logvar) * noise.randn(batch, latent)
        recon = bernoulli_nll(dec(z), x)
        kl = 0.5 * (mu.pow(2) + seedwise(torch.exp, logvar) - 1 - logvar).sum(-1).mean(-1)
        opt.zero_grad(set_to_none=True)
        seed_sum(recon + beta * kl).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            with torch.no_grad():
                codes, code_logvar = enc(everything).chunk(2, dim=-1)
                rate = kl_per_image(codes, code_logvar)
                scores = {
                    "mig": mig(codes, factors),
                    "correlation": latent_correlation(codes),
                    "tc": gaussian_tc(codes),
                    "used": (codes.std(1) > ACTIVE_STD).sum(-1).float(),
                    "recon": recon.detach(),
                    "rate": rate,
                }
            metrics = {
                f"{key}_{arm}": float(value[i * k : (i + 1) * k].mean())
                for key, value in scores.items()
                for i, arm in enumerate(ARMS)
            }
            yield Progress(step, cfg.steps, metrics)
    snapshot = _snapshot(dec, codes, images, k, factors)
    return _verdict(scores, k, (float(p["beta"]), float(p["beta_ref"])), metrics, snapshot)


def _snapshot(
    dec: BatchedMLP, codes: torch.Tensor, images: torch.Tensor, k: int, factors: torch.Tensor
) -> dict[str, Any]:
    """First seed: traversals of the latent most informative about each factor, both arms."""
    info = mutual_information(codes, factors)  # [R, F, L]
    out: dict[str, Any] = {"squares": images[:: len(images) // 8][:8].reshape(-1, CANVAS, CANVAS)}
    with torch.no_grad():
        for row, arm in ((0, "beta"), (k, "ref")):
            for f, name in enumerate(FACTORS):
                j = int(info[row, f].argmax())
                z = codes[row].mean(0).repeat(8, 1)
                z[:, j] = torch.linspace(-2.0, 2.0, 8, device=z.device)
                pictures = torch.sigmoid(dec(z.expand(len(codes), -1, -1))[row])
                out[f"{arm}: z{j} (most about {name})"] = pictures.reshape(-1, CANVAS, CANVAS)
    return {key: value.cpu().numpy() for key, value in out.items()}


def _verdict(
    scores: dict[str, torch.Tensor],
    k: int,
    betas: tuple[float, float],
    final: dict,
    snapshot: dict,
) -> Outcome:
    """Per seed: at beta the code carries fewer nats than at the reference beta, and its used
    latents are uncorrelated."""
    corr, used, rate = scores["correlation"], scores["used"], scores["rate"]
    info_gap = scores["mig"]
    squeezed = rate[:k] <= MAX_RATE_RATIO * rate[k:]
    low = corr[:k] <= UNCORRELATED
    in_use = used[:k] >= MIN_USED
    verdict = Verdict.from_seeds((squeezed & low & in_use).tolist(), "")

    def listing(t: torch.Tensor, fmt: str = ".2f") -> str:
        return ", ".join(format(v, fmt) for v in t.tolist())

    total = verdict.seeds_total
    beta, ref = betas
    measured = (
        f"nats per image in the code at beta {beta:g}: {listing(rate[:k], '.1f')}; at beta "
        f"{ref:g}: {listing(rate[k:], '.1f')}; latents in use {listing(used[:k], 'g')} vs "
        f"{listing(used[k:], 'g')}; their mean |correlation| {listing(corr[:k])} vs "
        f"{listing(corr[k:])}; MIG {listing(info_gap[:k])} vs {listing(info_gap[k:])}"
    )
    checks = (
        f"nats <= {MAX_RATE_RATIO:g}x the reference's on {int(squeezed.sum())}/{total}, "
        f"|correlation| <= {UNCORRELATED:g} on {int(low.sum())}/{total}, >= {MIN_USED} "
        f"latents used on {int(in_use.sum())}/{total}"
    )
    seeds_note = f" on {verdict.seeds_agreed} of {total} seeds" if total > 1 else ""
    aligned = float(info_gap[:k].median()) >= ALIGNED
    if verdict.passed:
        head = f"beta {beta:g} squeezes the code and keeps its latents uncorrelated"
        verdict.plain = (
            f"Pressed harder towards the prior (beta {beta:g} instead of {ref:g}), the VAE "
            f"squeezed each image into less information, held in latents that do not move "
            f"together; {'each latent' if aligned else 'but each latent still'} "
            f"{'follows one factor' if aligned else 'mixes position and size'}."
        )
    else:
        head = f"beta {beta:g} does not give a smaller, uncorrelated code than beta {ref:g}"
        verdict.plain = (
            f"At beta {beta:g} the VAE did not squeeze its code clearly below beta {ref:g}'s "
            f"while keeping its latents uncorrelated."
        )
    verdict.summary = f"{head}{seeds_note}: {measured} ({checks})"
    answer = 2 if float(corr[:k].median()) > UNCORRELATED else 0 if aligned else 1
    metrics: dict[str, Any] = dict(final)
    per_seed = [
        {
            f"{key}_{arm}": float(scores[key][i + j * k])
            for key in ("rate", "correlation", "tc", "used", "mig", "recon")
            for j, arm in enumerate(ARMS)
        }
        for i in range(k)
    ]
    return Outcome(verdict, metrics, answer, snapshot, per_seed)
