"""Weight clipping piles weights at +-c and flattens the critic; the penalty keeps norm 1."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_clipping_vs_gradient_penalty():
    result = execute(get_spec("clipping-vs-gp"), steps=150, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["clip_at_bound"] >= 0.2 > 10 * m["clip_at_bound_init"] / 2
    assert 0.8 <= m["gp_grad_norm"] <= 1.2 and m["clip_grad_norm"] < 0.01
    assert result.answer == 1
    snap = result.snapshot
    assert snap is not None and snap["critic_surfaces_clipped_penalised"].shape == (2, 32, 32)
    bars = snap["clipped_weights_histogram"][0]
    # the tallest bars of the clipped critic's histogram are its two edge bins (+-c)
    heights = bars.sum(axis=0)
    assert heights.argmax() in (0, len(heights) - 1)


def test_a_loose_bound_never_binds_and_the_verdict_fails():
    result = execute(get_spec("clipping-vs-gp"), {"clip": 1.0}, steps=60, seeds=(0,))
    assert not result.verdict.passed
    assert result.metrics["clip_at_bound"] < 0.2


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("clipping-vs-gp"), seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
