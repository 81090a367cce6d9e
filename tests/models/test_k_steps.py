"""k-steps: extra D steps and a faster D (TTUR) keep D closer to D*; with either switched off,
or all arms the same k = 1 GAN on independent streams, the verdict fails."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control, execute
from models.k_steps.run import MAX_RATIO
from tests.models.controls import check_control, check_default, control_cases

ID = "k-steps"


def test_shared_streams_make_identical_arms_identical() -> None:
    result = execute(get_spec(ID), {"k": 1, "ttur_ratio": 1.0, "replicas": 2}, steps=20, seeds=(3,))
    (seed,) = result.per_seed_metrics
    assert seed["ratio_kk"] == seed["ratio_ttur"] == 1.0  # same init, same batches


def test_default_both_schedules_keep_d_nearer_optimal() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["ratio_kk"] < MAX_RATIO and m["ratio_ttur"] < MAX_RATIO
    assert m["ratio_ttur_sd"] > 0 and "+-" in result.verdict.summary
    assert result.answer == 1  # k = 5 steps is the closest
    assert set(result.history) >= {"gap_k1", "gap_kk", "gap_ttur", "w2_k1"}
    assert [set(s) >= {"ratio_kk", "ratio_ttur"} for s in result.per_seed_metrics] == [True] * 5
    assert result.verdict.plain


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    ratios = [
        s["ratio_kk"] if "k" in control.set else s["ratio_ttur"] for s in result.per_seed_metrics
    ]
    # The switched-off arm is another k = 1 GAN: its ratio is chance, around 1.
    assert sum(r >= MAX_RATIO for r in ratios) >= 4
