"""Batched seeds train independent copies; device choice fails clearly."""

from __future__ import annotations

import pytest
import torch

from models.base import ParamError
from models.torchutil import (
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    per_seed_clip_,
    per_seed_grad_norm,
    pick_device,
    seed_sum,
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
