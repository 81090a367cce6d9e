"""precision-recall: with a healthy GAN, dropping modes lowers recall only and noise lowers
precision only, on held-out seeds 11-15; with k = 300 or an untrained generator it fails."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control
from tests.models.controls import check_control, check_default, control_cases, describe

ID = "precision-recall"


def test_precision_recall_of_same_dropped_and_far_sets() -> None:
    torch = pytest.importorskip("torch")
    from models.precision_recall.run import precision_recall

    gen = torch.Generator().manual_seed(0)
    real = torch.randn(1, 400, 2, generator=gen)
    copy = real + 1e-4
    half = real[:, real[0, :, 0] > 0]  # only the right half of the data
    far = real + 10.0
    precision, recall = precision_recall(real, copy, 3)
    assert precision.item() == pytest.approx(1.0) and recall.item() == pytest.approx(1.0)
    precision, recall = precision_recall(real, half, 3)
    assert precision.item() > 0.95 and 0.4 < recall.item() < 0.7
    precision, recall = precision_recall(real, far, 3)
    assert precision.item() == 0.0 and recall.item() == 0.0


def test_an_untrained_generator_is_no_baseline() -> None:
    torch = pytest.importorskip("torch")
    from models.precision_recall.run import _verdict

    zero = torch.zeros(1)
    scores = {name: (zero, zero) for name in ("gan", "dropped", "noisy", "cold")}
    outcome = _verdict(scores, 3, {}, {})
    assert not outcome.verdict.passed  # 0 <= 0.7 * 0 held before the baseline check
    assert "poor" in outcome.verdict.plain


@pytest.mark.slow
def test_default_passes_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))  # per-seed figures, shown with pytest -rP
    assert spec.prediction is not None and result.answer == 1  # recall falls
    assert all(row["precision_gan"] >= 0.2 for row in result.per_seed_metrics)


@pytest.mark.slow
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    print(describe(check_control(ID, control)))
