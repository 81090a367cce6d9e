"""A denoising and a plain autoencoder trained side by side (batched over seeds)."""

from __future__ import annotations

from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split, make_autoencoder
from models.torchutil import (
    Adam,
    SeedNoise,
    count_agreeing,
    majority,
    make_generator,
    pick_device,
    small_model_threads,
)

TEST_NOISE_SEED = 99


def corrupt(x: torch.Tensor, noise: torch.Tensor, std: float | torch.Tensor) -> torch.Tensor:
    """Gaussian noise of ``std`` added to pixels, clipped back to [0, 1]."""
    return (x + std * noise).clamp(0.0, 1.0)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    std, latent, hidden = float(p["noise"]), int(p["latent"]), int(p["hidden"])
    dae_std, plain_std = float(p["train_noise"]), float(p["plain_noise"])
    lr, batch, every = float(p["lr"]), int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    # Copy 2i is seed i's denoising AE, copy 2i + 1 its plain AE (same init stream family).
    ids = [seed * 10 + kind for seed in cfg.seeds for kind in (0, 1)]
    # Each copy's training-input noise: the denoising arm's, then the plain arm's.
    train_std = torch.tensor([dae_std, plain_std] * k, device=device).view(2 * k, 1, 1)
    enc, dec = make_autoencoder(ids, hidden, latent, device)
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(ids, device)
    test_gen = make_generator(TEST_NOISE_SEED, device)
    clean_test = data.test_x
    noisy_test = corrupt(
        clean_test, torch.randn(clean_test.shape, generator=test_gen, device=device), std
    )
    identity = float((noisy_test - clean_test).pow(2).mean())

    def test_errors() -> tuple[torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            out = dec(enc(noisy_test.expand(2 * k, -1, -1)))
            mse = (out - clean_test).pow(2).mean((1, 2)).view(k, 2)
        return mse[:, 0], mse[:, 1]

    dae, plain = test_errors()
    for step in range(1, cfg.steps + 1):
        clean = data.train_x[noise.randint(len(data.train_x), batch)]
        inputs = corrupt(clean, noise.randn(batch, 64), train_std)
        loss = (dec(enc(inputs)) - clean).pow(2).mean((1, 2))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            dae, plain = test_errors()
            yield Progress(
                step,
                cfg.steps,
                {
                    "mse_identity": identity,
                    "mse_plain_ae": float(plain.mean()),
                    "mse_dae": float(dae.mean()),
                },
            )

    with torch.no_grad():
        shown_clean, shown_noisy = clean_test[:4], noisy_test[:4]
        out = dec(enc(shown_noisy.expand(2 * k, -1, -1)))
    snapshot = {
        "clean": as_images(shown_clean),
        "noisy": as_images(shown_noisy),
        "denoising_AE": as_images(out[0]),
        "plain_AE": as_images(out[1]),
    }
    flags = [
        bool(d < identity and d < a) for d, a in zip(dae.tolist(), plain.tolist(), strict=True)
    ]
    seed_flags = [bool(f) for f in flags]
    agreed, total = count_agreeing(seed_flags)
    passed = majority(agreed, total)
    d_mean, a_mean = float(dae.mean()), float(plain.mean())
    figures = f"denoising AE {d_mean:.4f}, plain AE {a_mean:.4f}, noisy input {identity:.4f}"
    if passed:
        summary = (
            f"the denoising autoencoder cleans unseen noisy digits best (test MSE vs clean: "
            f"{figures}; {identity / d_mean:.1f}x below the noisy input)"
        )
    else:
        summary = f"no denoising advantage in this run ({figures})"
    if d_mean < min(a_mean, identity):
        answer = 0
    elif a_mean < min(d_mean, identity):
        answer = 1
    else:
        answer = 2
    per_seed = [
        {"mse_identity": identity, "mse_plain_ae": a, "mse_dae": d, "dae_over_plain": d / a}
        for d, a in zip(dae.tolist(), plain.tolist(), strict=True)
    ]
    return Outcome(
        Verdict.from_seeds(seed_flags, summary),
        {"mse_identity": identity, "mse_plain_ae": a_mean, "mse_dae": d_mean},
        answer,
        snapshot,
        per_seed,
    )
