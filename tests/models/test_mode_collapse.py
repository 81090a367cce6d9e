"""The slow-D GAN collapses onto few modes; minibatch std covers the ring. Metrics checked too."""

from __future__ import annotations

import math

import pytest
import torch

from models import get_spec
from models.base import execute
from models.mode_collapse.mixtures import grid, ring, score


def test_scores_of_known_sample_sets() -> None:
    mix = ring(std=0.05)
    on_one_mode = mix.centers[0].expand(1, 2500, 2)
    spread = mix.centers.repeat(313, 1)[:2500].unsqueeze(0)
    far_away = torch.full((1, 2500, 2), 10.0)
    stacked = score(torch.cat([on_one_mode, spread, far_away]), mix)
    assert stacked.modes.tolist() == [1, 8, 0]
    assert stacked.high_quality.tolist() == [1.0, 1.0, 0.0]
    kl = stacked.reverse_kl.tolist()
    assert kl[0] == pytest.approx(math.log(8)) and kl[1] == pytest.approx(0, abs=1e-3)
    assert kl[2] == pytest.approx(math.log(8))
    # A mode needs min_count samples: 10 samples on a second mode do not cover it.
    few = torch.cat([mix.centers[0].expand(2490, 2), mix.centers[1].expand(10, 2)]).unsqueeze(0)
    assert score(few, mix, min_count=20).modes.tolist() == [1]
    assert grid().n_modes == 25


def test_verdict_from_seed_0() -> None:
    result = execute(get_spec("mode-collapse"), seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["modes_plain"] <= 2 and m["modes_mbstd"] >= 6
    assert m["reverse_kl_plain"] > m["reverse_kl_mbstd"] + 1.0
    assert m["high_quality_mbstd"] > m["high_quality_plain"]
    assert result.answer == 1  # the minibatch-std GAN covers more modes
    snapshot = result.snapshot or {}
    assert snapshot["samples"].shape == (1000, 2) and snapshot["data"].shape == (1000, 2)
    # The collapsed generator's samples are bunched far more tightly than the fixed one's.
    assert snapshot["samples"].std(axis=0).sum() < snapshot["samples_mbstd"].std(axis=0).sum()


@pytest.mark.slow
def test_holds_on_four_of_five_seeds() -> None:
    result = execute(get_spec("mode-collapse"), seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed, result.verdict.summary
