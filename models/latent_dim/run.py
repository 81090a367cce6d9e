"""Six autoencoders (bottlenecks 1..32) trained at once, per seed, against PCA baselines."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split, make_autoencoder, pca_basis, pca_reconstruct
from models.latent_dim import DIMS
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    small_model_threads,
)

SHOWN = (2, 8, 32)
"""Latent sizes whose reconstructions go into the snapshot."""


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    hidden, lr = int(cfg.params["hidden"]), float(cfg.params["lr"])
    batch, every = int(cfg.params["batch"]), int(cfg.params["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    n_seeds, n_dims = len(cfg.seeds), len(DIMS)
    # One model per (seed, latent size); a mask switches off the unused latent units.
    ids = [seed * 1000 + i for seed in cfg.seeds for i in range(n_dims)]
    enc: torch.nn.Module
    dec: torch.nn.Module
    if bool(cfg.params["linear"]):  # the control: the family PCA is already optimal in
        enc = BatchedMLP([64, max(DIMS)], ids, device=device, salt=1)
        dec = BatchedMLP([max(DIMS), 64], ids, device=device, salt=2)
    else:
        enc, dec = make_autoencoder(ids, hidden, max(DIMS), device)
    mask = torch.zeros(len(ids), 1, max(DIMS), device=device)
    for j in range(len(ids)):
        mask[j, 0, : DIMS[j % n_dims]] = 1.0
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(ids, device)
    test = data.test_x.expand(len(ids), -1, -1)
    mean, vh = pca_basis(data.train_x)
    pca = {
        d: float((pca_reconstruct(data.test_x, mean, vh, d) - data.test_x).pow(2).mean())
        for d in DIMS
    }

    def test_error() -> torch.Tensor:
        with torch.no_grad():
            return (dec(enc(test) * mask) - test).pow(2).mean((1, 2)).view(n_seeds, n_dims)

    errors = test_error()
    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        loss = (dec(enc(x) * mask) - x).pow(2).mean((1, 2))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            errors = test_error()
            metrics = {f"ae_d{d}": float(errors[:, i].mean()) for i, d in enumerate(DIMS)}
            metrics |= {f"pca_d{d}": pca[d] for d in DIMS}
            yield Progress(step, cfg.steps, metrics)

    with torch.no_grad():
        shown = data.test_x[:4]
        out = dec(enc(shown.expand(len(ids), -1, -1)) * mask)
    snapshot = {"test_digits": as_images(shown)}
    snapshot |= {f"latent_{d}": as_images(out[DIMS.index(d)]) for d in SHOWN}
    err = errors.cpu().numpy()
    falls = [bool(np.all(np.diff(row) < 0)) for row in err]
    beats_pca = [bool(row[DIMS.index(2)] < pca[2]) for row in err]
    seed_flags = [bool(f) for f in [f and b for f, b in zip(falls, beats_pca, strict=True)]]
    agreed, total = count_agreeing(seed_flags)
    passed = majority(agreed, total)
    mean_err = err.mean(0)
    curve = ", ".join(f"d={d}: {e:.4f}" for d, e in zip(DIMS, mean_err, strict=True))
    ae2 = float(mean_err[DIMS.index(2)])
    if passed:
        summary = (
            f"test error falls with every larger bottleneck ({curve}); at 2 units the "
            f"autoencoder beats PCA ({ae2:.4f} vs {pca[2]:.4f})"
        )
    else:
        problems = []
        if sum(falls) < majority_count(total):
            problems.append("error did not fall with every larger bottleneck")
        if sum(beats_pca) < majority_count(total):
            problems.append(f"autoencoder did not beat PCA at 2 units ({ae2:.4f} vs {pca[2]:.4f})")
        summary = (
            "in this run the "
            + "; ".join(problems or ["pattern held on too few seeds"])
            + f" ({curve})"
        )
    if ae2 < 0.95 * pca[2]:
        answer = 0
    elif ae2 > 1.05 * pca[2]:
        answer = 1
    else:
        answer = 2
    metrics = {f"ae_d{d}": float(e) for d, e in zip(DIMS, mean_err, strict=True)}
    metrics |= {f"pca_d{d}": pca[d] for d in DIMS}
    per_seed = [
        {f"ae_d{d}": float(e) for d, e in zip(DIMS, row, strict=True)}
        | {"pca_d2": pca[2], "ae_over_pca_d2": float(row[DIMS.index(2)] / pca[2])}
        for row in err
    ]
    return Outcome(Verdict.from_seeds(seed_flags, summary), metrics, answer, snapshot, per_seed)


def majority_count(total: int) -> int:
    """How many seeds the 4-of-5 rule needs."""
    return next(n for n in range(total + 1) if majority(n, total))
