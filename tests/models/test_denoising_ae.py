"""Denoising autoencoder beats the noisy input and a plain autoencoder."""

from __future__ import annotations

import pytest

from models.base import Control
from models.denoising_ae.run import MAX_RATIO
from tests.models.controls import check_control, check_default, control_cases

ID = "denoising-ae"


def test_default_denoising_beats_identity_and_plain_ae() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["mse_dae"] < m["mse_plain_ae"] < m["mse_identity"]
    assert result.answer == 0
    assert len(result.per_seed_metrics) == len(result.seeds)
    for seed_metrics, ok in zip(result.per_seed_metrics, result.verdict.per_seed, strict=True):
        assert ok == (
            seed_metrics["mse_dae"] < seed_metrics["mse_identity"]
            and seed_metrics["dae_over_plain"] <= MAX_RATIO
        )
    snap = result.snapshot
    assert snap is not None and list(snap) == ["clean", "noisy", "denoising_AE", "plain_AE"]
    assert all(v.shape == (4, 8, 8) for v in snap.values())


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    if control.kind == "sanity":
        assert result.metrics["mse_identity"] == 0.0  # clean test digits: nothing to remove
    else:  # both arms trained alike: within seed noise of each other
        ratios = [m["dae_over_plain"] for m in result.per_seed_metrics]
        assert sorted(ratios)[len(ratios) // 2] > MAX_RATIO
