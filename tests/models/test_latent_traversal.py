"""latent-traversal: a VAE's prior samples are varied digits; an autoencoder's are not."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.latent_traversal.run import GRID, MIN_CLASSES, prior_scores
from tests.models.controls import check_control, check_default, control_cases

ID = "latent-traversal"


def test_prior_scores_count_classes_and_distance() -> None:
    train_x = torch.eye(10, 64)
    train_y = torch.arange(10)
    every = train_x.repeat(5, 1).unsqueeze(0)  # each class 5 times, exactly on the data
    one = train_x[:1].repeat(50, 1).unsqueeze(0) + 0.5  # one class, off the data
    gap, classes = prior_scores(torch.cat([every, one]), train_x, train_y, data_nn=0.5)
    assert gap[0] == pytest.approx(0.0, abs=1e-3) and classes[0] == pytest.approx(10.0)
    assert gap[1] > 1.0 and classes[1] == pytest.approx(1.0)


def test_default_vae_prior_is_a_generator_the_autoencoder_is_not() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["prior_classes"] >= MIN_CLASSES > m["prior_classes_ae"] + 1.0
    assert result.answer == 0
    assert set(result.history) >= {"prior_gap", "prior_gap_ae", "prior_classes_ae", "kl"}
    snap = result.snapshot
    assert snap is not None and len(snap) == GRID + 2
    assert all(v.shape == (GRID, 8, 8) for v in snap.values())


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    if control.params.get("beta") == 0.0:  # the VAE arm is the autoencoder arm
        assert result.metrics["prior_classes"] == pytest.approx(result.metrics["prior_classes_ae"])
