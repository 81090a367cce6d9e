"""Denoising autoencoder beats the noisy input and a plain autoencoder."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_denoising_beats_identity_and_plain_ae():
    result = execute(get_spec("denoising-ae"), steps=300, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    assert m["mse_dae"] < m["mse_plain_ae"] and m["mse_dae"] < m["mse_identity"]
    assert result.answer == 0
    snap = result.snapshot
    assert snap is not None and list(snap) == ["clean", "noisy", "denoising_AE", "plain_AE"]
    assert all(v.shape == (4, 8, 8) for v in snap.values())


def test_without_noise_there_is_nothing_to_denoise_and_the_verdict_fails():
    result = execute(get_spec("denoising-ae"), {"noise": 0.0}, steps=50, seeds=(0,))
    assert result.metrics["mse_identity"] == 0.0
    assert not result.verdict.passed
    assert "no denoising advantage" in result.verdict.summary


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("denoising-ae"), steps=400, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed
