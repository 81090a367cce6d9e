"""k discriminator steps (or a faster D) keep D closer to the optimal D*."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_extra_d_steps_keep_d_near_optimal():
    result = execute(get_spec("k-steps"), steps=120, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["gap_kk"] < m["gap_k1"] and m["gap_ttur"] < m["gap_k1"]
    assert result.answer == 1  # k = 5 steps is the closest
    assert set(result.history) >= {"gap_k1", "gap_kk", "gap_ttur", "w2_k1"}


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("k-steps"), steps=200, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
