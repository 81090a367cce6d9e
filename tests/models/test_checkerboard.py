"""Trained transposed convolutions ripple a flat input that resize-conv keeps flat."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.checkerboard.run import (
    MIN_RATIO,
    RIPPLE_MIN,
    Upsampler,
    checkerboard_share,
    flat_ripple,
)
from tests.models.controls import check_control, check_default, control_cases

ID = "checkerboard"


def test_share_of_a_pure_checkerboard_is_one_and_of_a_ramp_small() -> None:
    board = torch.tensor([[1.0, -1.0] * 8, [-1.0, 1.0] * 8] * 8)
    assert float(checkerboard_share(board)) == pytest.approx(1.0)
    ramp = torch.linspace(0, 1, 16).expand(16, 16)
    assert float(checkerboard_share(ramp)) < 0.05


@pytest.mark.parametrize("kernel", [3, 4])
def test_flat_input_ripples_through_transposed_conv_only(kernel: int) -> None:
    cpu = torch.device("cpu")
    model = Upsampler([1, 2, 3, 4], [True, False, True, False], 8, kernel, cpu)
    ripple = flat_ripple(model, 4, cpu)
    assert float(ripple[1]) < 1e-6 and float(ripple[3]) < 1e-6  # resize-conv: flat
    # Each output pixel's taps depend on its position modulo the stride, whether the kernel
    # overlaps evenly (4) or not (3): random weights give a periodic pattern.
    assert float(ripple[0]) > 1e-3 and float(ripple[2]) > 1e-3


def test_default_passes_on_held_out_seeds() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["ripple_first"] > 100 * m["ripple_second"]
    assert m["mse_first"] < m["mse_bicubic"] and m["mse_second"] < m["mse_bicubic"]
    assert result.answer == 0 and result.verdict.plain
    assert [set(s) >= {"ripple_first", "mse_first"} for s in result.per_seed_metrics] == [True] * 5


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    result = check_control(ID, control)
    seeds = result.per_seed_metrics
    if control.kind == "null":  # two trained transposed convs: both ripple, within 3x
        assert all(s["ripple_first"] >= RIPPLE_MIN for s in seeds)
        assert sum(s["ripple_first"] < MIN_RATIO * s["ripple_second"] for s in seeds) >= 4
    elif control.kind == "absent":
        assert all(s["ripple_first"] < RIPPLE_MIN for s in seeds)
    else:  # untrained: worse than bicubic interpolation
        assert all(s["mse_first"] > result.metrics["mse_bicubic"] for s in seeds)
