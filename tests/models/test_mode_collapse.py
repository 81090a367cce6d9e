"""mode-collapse: a D with k steps per G step drives G onto few modes (high precision, low
recall); with 1 D step or with minibatch std it does not. The scores are checked too."""

from __future__ import annotations

import math

import pytest
import torch

from models.base import Control
from models.mode_collapse.mixtures import grid, ring, score
from models.mode_collapse.run import MIN_PRECISION
from tests.models.controls import check_control, check_default, control_cases

ID = "mode-collapse"


def test_precision_and_recall_of_known_sample_sets() -> None:
    mix = ring(std=0.05)
    on_one_mode = mix.centers[0].expand(1, 2500, 2)
    spread = mix.centers.repeat(313, 1)[:2500].unsqueeze(0)
    far_away = torch.full((1, 2500, 2), 10.0)
    half = torch.cat([mix.centers[:2].repeat(625, 1), torch.full((1250, 2), 10.0)]).unsqueeze(0)
    s = score(torch.cat([on_one_mode, spread, far_away, half]), mix)
    assert s.precision.tolist() == [1.0, 1.0, 0.0, 0.5]
    assert s.modes.tolist() == [1, 8, 0, 2] and s.recall.tolist() == [1 / 8, 1.0, 0.0, 2 / 8]
    assert s.top_share[0] == 1.0 and s.top_share[1] == pytest.approx(313 / 2500, abs=1e-3)
    assert math.isnan(s.top_share[2])  # nothing on a mode: reported as such, not filled in
    assert s.distance[0] == 0 and s.distance[2] > 100
    # A mode needs min_share of the samples: 10 of 2,500 on a second mode do not cover it.
    few = torch.cat([mix.centers[0].expand(2490, 2), mix.centers[1].expand(10, 2)]).unsqueeze(0)
    assert score(few, mix, min_share=0.02).modes.tolist() == [1]
    assert grid().n_modes == 25


def test_default_the_more_effective_d_collapses_g() -> None:
    result = check_default(ID)
    m = result.metrics
    precise = [p >= MIN_PRECISION for p in m["precision_strong_per_seed"]]
    few = [1 <= n <= 4 for n in m["modes_strong_per_seed"]]
    assert sum(p and f for p, f in zip(precise, few, strict=True)) >= 4
    assert m["precision_strong"] > m["precision_one"]
    assert result.answer == 1  # piled on a few modes
    snapshot = result.snapshot or {}
    assert snapshot["samples"].shape == (1000, 2) and snapshot["data"].shape == (1000, 2)
    assert set(result.history) >= {"precision_strong", "recall_strong", "precision_one"}


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    m = result.metrics
    if control.set.get("d_steps") == 1:  # same init, same streams: the two arms are one
        assert m["precision_strong_per_seed"] == m["precision_one_per_seed"]
