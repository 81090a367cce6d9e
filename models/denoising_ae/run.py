"""A denoising and a plain autoencoder trained side by side (batched over seeds)."""

from __future__ import annotations

from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict, seeds_pass
from models.digits import as_images, load_digits_split, make_autoencoder
from models.torchutil import (
    Adam,
    SeedNoise,
    make_generator,
    pick_device,
    small_model_threads,
)

TEST_NOISE_SEED = 99
MAX_RATIO = 0.7
"""The denoising AE's test error must be at most 0.7x the plain AE's: two autoencoders
trained alike differ by up to 0.87-1.15x (the null control), a denoising one is 0.43-0.53x
(seeds 0-9)."""


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
        bool(d < identity and d <= MAX_RATIO * a)
        for d, a in zip(dae.tolist(), plain.tolist(), strict=True)
    ]
    d_mean, a_mean = float(dae.mean()), float(plain.mean())
    summary = (
        f"test MSE against the clean digits: denoising AE {d_mean:.4f} (trained on noise "
        f"{dae_std:g}), plain AE {a_mean:.4f} (trained on noise {plain_std:g}), the noisy input "
        f"itself {identity:.4f} (test noise {std:g}). Bar per seed: the denoising AE below the "
        f"noisy input and at most {MAX_RATIO:g}x the plain AE's error; met on {sum(flags)}/"
        f"{len(flags)}"
    )
    if seeds_pass(flags):
        other = "one trained on clean digits only" if plain_std == 0 else "the other one"
        plain_text = (
            "Trained to turn noisy digits into clean ones, the autoencoder cleaned unseen noisy "
            f"digits far better than {other}."
        )
    elif identity == 0:
        plain_text = "The test digits carried no noise, so there was nothing to clean."
    elif not seeds_pass([d < identity for d in dae.tolist()]):
        plain_text = (
            "The denoising autoencoder's output was no closer to the clean digits than the "
            "noisy input itself."
        )
    else:
        plain_text = "The two autoencoders cleaned noisy digits about equally well."
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
        Verdict.from_seeds(flags, summary, plain_text),
        {"mse_identity": identity, "mse_plain_ae": a_mean, "mse_dae": d_mean},
        answer,
        snapshot,
        per_seed,
    )
