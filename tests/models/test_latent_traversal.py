"""latent-traversal: a VAE's prior samples are varied digits; an autoencoder's are not."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.latent_traversal.run import (
    GRID,
    MAX_JUMP,
    MIN_CLASSES,
    MIN_WALK_CLASSES,
    prior_scores,
    walk_scores,
)
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


def test_walk_scores_tell_a_gradual_walk_from_a_jump() -> None:
    train_x = torch.eye(10, 64)
    train_y = torch.arange(10)
    t = torch.linspace(0, 1, 32).view(1, 32, 1)
    gradual = (1 - t) * train_x[0] + t * train_x[1]  # digit 0 fades into digit 1
    jumpy = torch.where(t < 0.5, train_x[0], train_x[1])  # switches in one step
    scores = walk_scores(torch.stack([gradual, jumpy]), train_x, train_y, 0.5)
    assert scores["jump"][0] < 0.2 and scores["jump"][1] > 2.0
    assert scores["walk_classes"].tolist() == [2.0, 2.0]
    assert scores["walk_gap"][1] == pytest.approx(0.0, abs=1e-3)  # every image is a digit


def test_default_vae_prior_is_a_generator_the_autoencoder_is_not() -> None:
    result = check_default(ID)
    m = result.metrics
    assert m["prior_classes"] >= MIN_CLASSES > m["prior_classes_ae"] + 1.0
    assert m["walk_jump"] <= MAX_JUMP and m["walk_classes"] >= MIN_WALK_CLASSES
    assert result.answer == 0 and result.verdict.plain
    assert len(result.per_seed_metrics) == 5
    assert set(result.history) >= {"prior_gap", "prior_gap_ae", "prior_classes_ae", "kl"}
    snap = result.snapshot
    assert snap is not None and len(snap) == GRID + 2
    assert all(v.shape == (GRID, 8, 8) for v in snap.values())


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_control(ID, control)
    if control.params.get("beta") == 0.0:  # the VAE arm is the autoencoder arm
        assert result.metrics["prior_classes"] == pytest.approx(result.metrics["prior_classes_ae"])
        assert all(s["classes_vae"] < MIN_CLASSES for s in result.per_seed_metrics)
