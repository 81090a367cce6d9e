"""Latent dimension vs reconstruction error, against PCA."""

from __future__ import annotations

import itertools

import pytest
import torch

from models.base import Control
from models.digits import load_digits_split, pca_basis, pca_reconstruct
from models.latent_dim import DIMS
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
    assert all(b < a for a, b in itertools.pairwise(errors))
    assert m["ae_d2"] < m["pca_d2"]
    assert result.answer == 0
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
    assert result.metrics["ae_d2"] >= result.metrics["pca_d2"]  # no better than PCA
