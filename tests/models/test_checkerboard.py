"""Transposed convolution leaves a checkerboard that resize-conv does not."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.checkerboard.run import RIPPLE_MIN, Upsampler, checkerboard_share, flat_ripple
from tests.models.controls import check_control, check_default, control_cases

ID = "checkerboard"


def test_share_of_a_pure_checkerboard_is_one_and_of_a_ramp_small() -> None:
    board = torch.tensor([[1.0, -1.0] * 8, [-1.0, 1.0] * 8] * 8)
    assert float(checkerboard_share(board)) == pytest.approx(1.0)
    ramp = torch.linspace(0, 1, 16).expand(16, 16)
    assert float(checkerboard_share(ramp)) < 0.05


def test_flat_input_ripples_through_transposed_conv_only() -> None:
    cpu = torch.device("cpu")
    model = Upsampler([1, 2, 3, 4], [True, False, True, False], 4, 3, cpu)
    ripple = flat_ripple(model, 4, cpu)
    assert float(ripple[1]) < 1e-6 and float(ripple[3]) < 1e-6  # resize-conv: flat
    # Each output pixel's taps depend on its position modulo the stride: a periodic pattern.
    assert float(ripple[0]) > 1e-3 and float(ripple[2]) > 1e-3  # untrained: below RIPPLE_MIN


def test_default_passes_on_held_out_seeds() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["ripple_first"] > 100 * m["ripple_resize"]
    assert m["share_first"] > 3 * m["share_target"]
    assert result.answer == 0


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    result = check_control(ID, control)
    assert result.metrics["ripple_first"] < RIPPLE_MIN
