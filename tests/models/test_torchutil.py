"""Batched seeds train independent copies; device choice fails clearly."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from models.base import ParamError
from models.torchutil import (
    SEED_ROW_ALIGN,
    Adam,
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    per_seed_clip_,
    per_seed_grad_norm,
    pick_device,
    seed_sum,
    seedwise,
)


def train(seeds: tuple[int, ...], steps: int = 20) -> tuple[torch.Tensor, torch.Tensor]:
    """A few Adam steps of a regression MLP; returns per-seed losses and final weights."""
    noise = SeedNoise(seeds)
    net = BatchedMLP([2, 16, 1], seeds)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    loss = torch.zeros(len(seeds))
    for _ in range(steps):
        x = noise.randn(32, 2)
        loss = (net(x).squeeze(-1) - x[..., 0] * x[..., 1]).pow(2).mean(dim=1)
        opt.zero_grad()
        seed_sum(loss).backward()
        opt.step()
    return loss.detach(), net.net[0].weight.detach()


def test_a_seed_in_a_batch_trains_like_the_seed_alone() -> None:
    alone_loss, alone_w = train((3,))
    batch_loss, batch_w = train((0, 1, 3, 7))
    assert torch.allclose(batch_loss[2], alone_loss[0], rtol=1e-4, atol=1e-6)
    assert torch.allclose(batch_w[2], alone_w[0], rtol=1e-4, atol=1e-6)
    assert not torch.allclose(batch_w[0], batch_w[2])  # different seeds, different weights


def train_gan_bits(seeds: tuple[int, ...], steps: int = 25) -> list[torch.Tensor]:
    """A tiny GAN whose sizes hit every batch-dependent CPU path: a width-1 D output, 250
    samples (not a multiple of the SIMD step) through softplus and sigmoid, Adam."""
    torch.set_num_threads(1)
    noise = SeedNoise(seeds)
    gen = BatchedMLP([3, 32, 2], seeds, activation="elu", out="sigmoid", salt=1)
    disc = BatchedMLP([2, 32, 32, 1], seeds, activation="leaky_relu", salt=2)
    opt_g, opt_d = Adam(gen.parameters(), lr=1e-2), Adam(disc.parameters(), lr=1e-2)
    for _ in range(steps):
        real, fake = noise.rand(250, 2), gen(noise.randn(250, 3))
        d_loss = seedwise(F.softplus, -disc(real)) + seedwise(F.softplus, disc(fake.detach()))
        opt_d.zero_grad()
        seed_sum(d_loss.mean((1, 2))).backward()
        opt_d.step()
        g_loss = seedwise(F.softplus, -disc(fake)).mean((1, 2))
        opt_g.zero_grad()
        seed_sum(g_loss).backward()
        opt_g.step()
    return [p.detach() for p in (*gen.parameters(), *disc.parameters())]


def test_a_seed_gets_the_same_bits_alone_and_anywhere_in_a_batch() -> None:
    seeds = tuple(range(40, 60))
    batch = train_gan_bits(seeds)
    for index in (0, 7, 15, 19):  # SIMD lanes, a lane boundary, the scalar tail
        alone = train_gan_bits((seeds[index],))
        assert all(torch.equal(a[0], b[index]) for a, b in zip(alone, batch, strict=True))


def test_seedwise_pads_rows_and_passes_aligned_ones_through() -> None:
    x = torch.randn(3, 250, 1)
    assert torch.allclose(seedwise(torch.sigmoid, x), torch.sigmoid(x))  # same values
    aligned = torch.randn(2, SEED_ROW_ALIGN)
    assert torch.equal(seedwise(F.softplus, aligned), F.softplus(aligned))
    assert seedwise(F.elu, torch.randn(4, 5, 3)).shape == (4, 5, 3)


def test_adam_matches_torch_adam_bit_for_bit() -> None:
    ours, theirs = (BatchedMLP([3, 16, 1], (0, 1)) for _ in range(2))
    opt_ours = Adam(ours.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_theirs = torch.optim.Adam(theirs.parameters(), lr=2e-3, betas=(0.5, 0.999))
    x = torch.randn(2, 64, 3, generator=torch.Generator().manual_seed(0))
    for i in range(30):
        for net, opt in ((ours, opt_ours), (theirs, opt_theirs)):
            opt.zero_grad()
            F.softplus(net(x * (i % 3 + 1))).sum().backward()
            opt.step()
    fresh = BatchedMLP([3, 16, 1], (0, 1)).parameters()
    assert all(not torch.equal(p, q) for p, q in zip(ours.parameters(), fresh, strict=True))
    assert all(
        torch.equal(p, q) for p, q in zip(ours.parameters(), theirs.parameters(), strict=True)
    )


def test_noise_streams_are_per_seed() -> None:
    a, b = SeedNoise((5, 6)).randn(4, 3), SeedNoise((6,)).randn(4, 3)
    assert a.shape == (2, 4, 3)
    assert torch.equal(a[1], b[0]) and not torch.equal(a[0], a[1])
    idx = SeedNoise((1, 2)).randint(10, 100)
    assert idx.shape == (2, 100) and int(idx.min()) >= 0 and int(idx.max()) < 10


def test_per_seed_grad_norm_and_clip() -> None:
    w = torch.nn.Parameter(torch.zeros(2, 3, 4))
    w.grad = torch.zeros(2, 3, 4)
    w.grad[0, 0, 0], w.grad[1, 0, :2] = 3.0, 4.0
    assert per_seed_grad_norm([w]).tolist() == pytest.approx([3.0, 32**0.5])
    per_seed_clip_([w], 1.0)
    assert per_seed_grad_norm([w]).tolist() == pytest.approx([1.0, 1.0], rel=1e-4)


def test_pick_device() -> None:
    assert pick_device("cpu").type == "cpu"
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ParamError, match="valid: auto, cpu, cuda"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ParamError, match="no CUDA"):
            pick_device("cuda")


def test_majority_rule() -> None:
    assert count_agreeing([True, False, True, True, True]) == (4, 5)
    assert majority(4, 5) and not majority(3, 5)
    assert majority(1, 1) and not majority(0, 1) and not majority(0, 0)
