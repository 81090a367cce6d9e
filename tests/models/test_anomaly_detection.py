"""Anomaly detection by reconstruction error on held-out digit classes."""

from __future__ import annotations

import pytest
import torch

from models import get_spec
from models.anomaly_detection.run import auroc
from models.base import ParamError, execute


def test_auroc_matches_its_definition():
    scores = torch.tensor([0.1, 0.4, 0.35, 0.8, 0.7, 0.2])
    labels = torch.tensor([False, True, False, True, False, False])
    # Pairs (anomaly, normal) ranked correctly: 0.4 beats 0.1, 0.35, 0.2; 0.8 beats all 4.
    assert float(auroc(scores, labels)) == pytest.approx(7 / 8)
    assert float(auroc(scores, ~labels)) == pytest.approx(1 / 8)
    assert float(auroc(torch.stack([scores, -scores]), labels)[1]) == pytest.approx(1 / 8)


def test_verdict_held_out_digits_stand_out():
    result = execute(get_spec("anomaly-detection"), steps=300, seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    assert result.metrics["auroc"] >= 0.9
    assert result.metrics["detection_rate"] > result.metrics["false_alarm_rate"]
    assert result.answer == 0
    snap = result.snapshot
    assert snap is not None and snap["highest_error"].shape == snap["lowest_error"].shape == (
        8,
        8,
        8,
    )


def test_bad_class_list_is_a_clear_error():
    with pytest.raises(ParamError, match="normal"):
        execute(get_spec("anomaly-detection"), {"normal": "0123456789"}, steps=1)
    with pytest.raises(ParamError, match="normal"):
        execute(get_spec("anomaly-detection"), {"normal": "a,b"}, steps=1)


@pytest.mark.slow
def test_holds_on_four_of_five_seeds():
    result = execute(get_spec("anomaly-detection"), steps=400, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed


def test_an_untrained_autoencoder_is_no_detector():
    result = execute(get_spec("anomaly-detection"), steps=2, seeds=(0,))
    assert not result.verdict.passed
    assert result.verdict.summary.startswith("no reliable anomaly detection")
