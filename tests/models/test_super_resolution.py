"""A learned transposed-convolution upscaler beats interpolation on held-out digits."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.super_resolution.run import GroupedUpscaler, interpolate, shrink
from tests.models.controls import check_control, check_default, control_cases

ID = "super-resolution"


def test_shrink_averages_two_by_two_blocks() -> None:
    image = torch.arange(64, dtype=torch.float32).view(1, 64)
    small = shrink(image)[0]
    assert small.shape == (4, 4)
    assert float(small[0, 0]) == pytest.approx((0 + 1 + 8 + 9) / 4)
    assert interpolate(small.unsqueeze(0) / 64, "nearest").shape == (1, 8, 8)


def test_seeds_in_the_grouped_model_do_not_mix() -> None:
    model = GroupedUpscaler((0, 1), 4, torch.device("cpu"))
    x = torch.rand(3, 2, 4, 4)
    changed = x.clone()
    changed[:, 1] += 1.0  # only seed 1's input changes
    assert torch.equal(model(x)[:, 0], model(changed)[:, 0])
    assert not torch.equal(model(x)[:, 1], model(changed)[:, 1])
    # seed 0 alone starts exactly like seed 0 inside the batch
    alone = GroupedUpscaler((0,), 4, torch.device("cpu"))
    assert torch.allclose(alone(x[:, :1])[:, 0], model(x)[:, 0])


def test_default_learned_upscaling_beats_interpolation() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["mse_learned"] < min(m["mse_nearest"], m["mse_bilinear"], m["mse_bicubic"])
    assert m["psnr_learned"] > m["psnr_best_interpolation"]
    assert result.answer == 2
    assert len(result.per_seed_metrics) == len(result.seeds)
    for seed_metrics, ok in zip(result.per_seed_metrics, result.verdict.per_seed, strict=True):
        assert ok == (seed_metrics["learned_over_best"] < 1)
    snap = result.snapshot
    assert snap is not None and snap["input_4x4"].shape == (6, 4, 4)
    assert snap["learned"].shape == (6, 8, 8)


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    m = result.metrics
    assert m["mse_learned"] >= min(m["mse_nearest"], m["mse_bilinear"], m["mse_bicubic"])
