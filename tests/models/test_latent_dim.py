"""Latent dimension vs reconstruction error, against PCA."""

from __future__ import annotations

import itertools

import pytest
import torch

from models.base import Control
from models.digits import load_digits_split, pca_basis, pca_reconstruct
from models.latent_dim import DIMS
from models.latent_dim.run import MAX_FALL_RATIO, MAX_PCA_RATIO
from tests.models.controls import check_control, check_default, control_cases

ID = "latent-dim"


def test_pca_baseline_error_falls_and_vanishes_with_all_components() -> None:
    data = load_digits_split()
    mean, vh = pca_basis(data.train_x)
    errors = [
        float((pca_reconstruct(data.test_x, mean, vh, d) - data.test_x).pow(2).mean())
        for d in (*DIMS, 64)
    ]
    assert all(b < a for a, b in itertools.pairwise(errors))
    assert errors[-1] < 1e-10


def test_default_error_falls_with_latent_size_and_beats_pca() -> None:
    result = check_default(ID)
    m = result.metrics
    errors = [m[f"ae_d{d}"] for d in DIMS]
    assert all(b <= MAX_FALL_RATIO * a for a, b in itertools.pairwise(errors))
    assert m["ae_d2"] <= MAX_PCA_RATIO * m["pca_d2"]
    # The explanation's claim: the autoencoder beats PCA up to 16 units, PCA wins at 32.
    assert all(m[f"ae_d{d}"] < m[f"pca_d{d}"] for d in DIMS if d <= 16)
    assert m["ae_d32"] > m["pca_d32"]
    assert result.answer == 0
    assert len(result.per_seed_metrics) == len(result.seeds)
    for seed_metrics, ok in zip(result.per_seed_metrics, result.verdict.per_seed, strict=True):
        assert ok == (
            seed_metrics["worst_fall"] <= MAX_FALL_RATIO
            and seed_metrics["ae_over_pca_d2"] <= MAX_PCA_RATIO
        )
    snap = result.snapshot
    assert snap is not None and set(snap) == {"test_digits", "latent_2", "latent_8", "latent_32"}
    assert all(v.shape == (4, 8, 8) for v in snap.values())
    digits = torch.as_tensor(snap["test_digits"])
    err2 = float((torch.as_tensor(snap["latent_2"]) - digits).pow(2).mean())
    err32 = float((torch.as_tensor(snap["latent_32"]) - digits).pow(2).mean())
    assert err32 < err2


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    if control.params.get("linear"):
        assert result.metrics["ae_d2"] >= result.metrics["pca_d2"]  # no better than PCA
    else:  # six arms alike: neighbours within seed noise, far from the bar
        assert all(m["worst_fall"] > MAX_FALL_RATIO for m in result.per_seed_metrics)
