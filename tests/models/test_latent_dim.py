"""Latent dimension vs reconstruction error, against PCA."""

from __future__ import annotations

import itertools

import pytest
import torch

from models import get_spec
from models.base import execute
from models.digits import load_digits_split, pca_basis, pca_reconstruct
from models.latent_dim import DIMS


def test_pca_baseline_error_falls_and_vanishes_with_all_components():
    data = load_digits_split()
    mean, vh = pca_basis(data.train_x)
    errors = [
        float((pca_reconstruct(data.test_x, mean, vh, d) - data.test_x).pow(2).mean())
        for d in (*DIMS, 64)
    ]
    assert all(b < a for a, b in itertools.pairwise(errors))
    assert errors[-1] < 1e-10


def test_verdict_error_falls_with_latent_size_and_beats_pca():
    result = execute(get_spec("latent-dim"), steps=300, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    errors = [result.metrics[f"ae_d{d}"] for d in DIMS]
    assert all(b < a for a, b in itertools.pairwise(errors))
    assert result.metrics["ae_d2"] < result.metrics["pca_d2"]
    assert result.answer == 0
    snap = result.snapshot
    assert snap is not None and set(snap) == {"test_digits", "latent_2", "latent_8", "latent_32"}
    assert all(v.shape == (4, 8, 8) for v in snap.values())
    # reconstructions with 32 units are closer to the digits than with 2
    err2 = float(
        ((torch.as_tensor(snap["latent_2"]) - torch.as_tensor(snap["test_digits"])) ** 2).mean()
    )
    err32 = float(
        ((torch.as_tensor(snap["latent_32"]) - torch.as_tensor(snap["test_digits"])) ** 2).mean()
    )
    assert err32 < err2


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("latent-dim"), steps=400, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed


def test_an_untrained_autoencoder_fails_plainly():
    result = execute(get_spec("latent-dim"), steps=3, seeds=(0,))
    assert not result.verdict.passed
    assert "did not beat PCA at 2 units" in result.verdict.summary
    assert result.answer == 1
