"""Transposed convolution leaves a checkerboard that resize-conv does not."""

from __future__ import annotations

import pytest
import torch

from models.checkerboard.run import checkerboard_share
from tests.models.controls import check_control, check_default, control_cases


def test_share_of_a_pure_checkerboard_is_one_and_of_a_ramp_small() -> None:
    board = torch.tensor([[1.0, -1.0] * 8, [-1.0, 1.0] * 8] * 8)
    assert float(checkerboard_share(board)) == pytest.approx(1.0)
    ramp = torch.linspace(0, 1, 16).expand(16, 16)
    assert float(checkerboard_share(ramp)) < 0.05


def test_default_passes_on_held_out_seeds() -> None:
    result = check_default("checkerboard")
    assert result.metrics["share_first"] > 3 * result.metrics["share_resize"]


@pytest.mark.parametrize("control", control_cases("checkerboard"))
def test_control_fails_on_held_out_seeds(control) -> None:
    check_control("checkerboard", control)
