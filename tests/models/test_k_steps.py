"""k-steps: extra D steps and a faster D (TTUR) keep D closer to D*, arms sharing streams."""

from __future__ import annotations

import pytest

from models.base import Control
from models.k_steps.run import MAX_RATIO
from tests.models.controls import check_control, check_default, control_cases

ID = "k-steps"


def test_default_both_schedules_keep_d_nearer_optimal() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["ratio_kk"] < MAX_RATIO and m["ratio_ttur"] < MAX_RATIO
    assert m["ratio_ttur_sd"] > 0 and "+-" in result.verdict.summary
    assert result.answer == 1  # k = 5 steps is the closest
    assert set(result.history) >= {"gap_k1", "gap_kk", "gap_ttur", "w2_k1"}


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    arm = "ttur" if "ttur_ratio" in control.set else "kk"
    # Shared init and batches: the switched-off arm is exactly the k = 1 arm.
    assert result.metrics[f"ratio_{arm}"] == pytest.approx(1.0)
