"""clipping-vs-gp: against a clip that binds, the penalised critic captures more of W per unit
Lipschitz; without the penalty, with a clip that never binds, or with two clipped critics, the
verdict fails."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.clipping_vs_gp.run import (
    MIN_AT_CLIP,
    MIN_GAP,
    MIN_USE_GP,
    capacity_use,
    reference,
)
from tests.models.controls import check_control, check_default, control_cases

ID = "clipping-vs-gp"


class Fixed(torch.nn.Module):
    """A critic given as a formula (no training): ``scale * g(x)``."""

    def __init__(self, kind: str, scale: float = 1.0) -> None:
        super().__init__()
        self.kind, self.scale = kind, scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.kind == "radial":  # peaks on the ring of radius 2, slope 1
            value = -(x.norm(dim=-1, keepdim=True) - 2).abs()
        else:  # linear: both distributions have mean 0, so it separates nothing
            value = 3 * x[..., :1] + x[..., 1:]
        return self.scale * value


def test_capacity_use_is_scale_free_and_ranks_critics() -> None:
    ref = reference((0, 1), torch.device("cpu"))
    assert ((ref.w > 0.7) & (ref.w < 1.2)).all()  # W between the ring and its blur
    radial, lip = capacity_use(Fixed("radial"), ref)
    big, big_lip = capacity_use(Fixed("radial", 100.0), ref)
    linear, _ = capacity_use(Fixed("linear"), ref)
    assert torch.allclose(lip, torch.ones(2), atol=1e-4) and torch.allclose(big_lip, lip * 100)
    assert torch.allclose(radial, big)  # the scale c would fix cancels out
    assert (radial > 0.7).all() and (radial <= 1.0).all()
    assert (linear.abs() < 0.25).all()


def test_default_penalised_critic_uses_more_capacity() -> None:
    result = check_default(ID)
    m = result.metrics
    seeds = result.per_seed_metrics
    assert sum(s["use_gp"] - s["use_clip"] >= MIN_GAP for s in seeds) >= 4
    assert all(s["clip_at_bound"] >= MIN_AT_CLIP for s in seeds)  # the clip binds
    assert m["lipschitz_clip"] < 0.01 < 0.5 < m["lipschitz_gp"]  # scale set by c vs by the GP
    assert m["clip_at_bound"] >= 10 * m["clip_at_bound_init"]  # weights pile up at +-c
    assert result.answer == 1 and result.verdict.plain
    snap = result.snapshot
    assert snap is not None and snap["critic_surfaces_clipped_penalised"].shape == (2, 32, 32)
    heights = snap["clipped_weights_histogram"][0].sum(axis=0)
    assert heights.argmax() in (0, len(heights) - 1)  # tallest bars at -c and +c


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    seeds = result.per_seed_metrics
    if "clip" in control.set and control.kind == "absent":  # the clip never binds
        assert all(s["clip_at_bound"] < MIN_AT_CLIP for s in seeds)
    else:  # unconstrained or clipped: the second critic's shape stays crude
        assert sum(s["use_gp"] < MIN_USE_GP for s in seeds) >= 4
