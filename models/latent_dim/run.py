"""Six autoencoders (bottlenecks 1..32) trained at once, per seed, against PCA baselines."""

from __future__ import annotations

from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict, seeds_pass
from models.digits import as_images, load_digits_split, make_autoencoder, pca_basis, pca_reconstruct
from models.latent_dim import DIMS
from models.torchutil import (
    Adam,
    BatchedMLP,
    SeedNoise,
    pick_device,
    small_model_threads,
)

MAX_FALL_RATIO = 0.9
"""Every doubling of the latent size must cut the test error to at most 0.9x (by 10%)."""
MAX_PCA_RATIO = 0.9
"""At 2 units the autoencoder's test error must be at most 0.9x PCA's: a linear autoencoder
can at best match PCA (1.0x), so the bar sits clear of the linear case."""
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
    same = int(cfg.params["same_size"])  # the null control: six arms of one size
    sizes = [same or DIMS[j % n_dims] for j in range(len(ids))]
    mask = torch.zeros(len(ids), 1, max(DIMS), device=device)
    for j, size in enumerate(sizes):
        mask[j, 0, :size] = 1.0
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
    worst_fall = (err[:, 1:] / err[:, :-1]).max(axis=1)  # the smallest drop per doubling
    vs_pca = err[:, DIMS.index(2)] / pca[2]
    falls = [bool(r <= MAX_FALL_RATIO) for r in worst_fall]
    beats_pca = [bool(r <= MAX_PCA_RATIO) for r in vs_pca]
    seed_flags = [f and b for f, b in zip(falls, beats_pca, strict=True)]
    mean_err = err.mean(0)
    curve = ", ".join(f"d={d}: {e:.4f}" for d, e in zip(DIMS, mean_err, strict=True))
    ae2 = float(mean_err[DIMS.index(2)])
    arms = f"all six with {same} units; " if same else ""
    summary = (
        f"test error by latent size ({arms}seed means): {curve}; each doubling cut it to at "
        f"most {float(worst_fall.mean()):.2f}x; at 2 units the autoencoder {ae2:.4f} vs PCA "
        f"{pca[2]:.4f} ({float(vs_pca.mean()):.2f}x). Bar per seed: every doubling cuts the "
        f"error to <= {MAX_FALL_RATIO:g}x (met on {sum(falls)}/{len(falls)}) and the "
        f"autoencoder at 2 units <= {MAX_PCA_RATIO:g}x PCA's (met on {sum(beats_pca)}/"
        f"{len(beats_pca)})"
    )
    if seeds_pass(seed_flags):
        plain = (
            "Each doubling of the code gave clearly better copies of the digits, and with just "
            "2 numbers per digit the autoencoder beat PCA, the best linear compression."
        )
    elif not seeds_pass(falls):
        plain = "A larger code did not reliably give better reconstructions in this run."
    else:
        plain = "With 2 numbers per digit the autoencoder did no better than PCA."
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
        | {"worst_fall": float(fall), "ae_over_pca_d2": float(ratio)}
        for row, fall, ratio in zip(err, worst_fall, vs_pca, strict=True)
    ]
    verdict = Verdict.from_seeds(seed_flags, summary, plain)
    return Outcome(verdict, metrics, answer, snapshot, per_seed)
