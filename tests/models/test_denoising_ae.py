"""Denoising autoencoder beats the noisy input and a plain autoencoder."""

from __future__ import annotations

import pytest

from models.base import Control
from tests.models.controls import check_control, check_default, control_cases

ID = "denoising-ae"


def test_default_denoising_beats_identity_and_plain_ae() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["mse_dae"] < m["mse_plain_ae"] < m["mse_identity"]
    assert result.answer == 0
    snap = result.snapshot
    assert snap is not None and list(snap) == ["clean", "noisy", "denoising_AE", "plain_AE"]
    assert all(v.shape == (4, 8, 8) for v in snap.values())


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    assert result.metrics["mse_identity"] == 0.0  # no noise: nothing to remove
    assert "no denoising advantage" in result.verdict.summary
