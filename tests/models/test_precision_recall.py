"""precision-recall: the default verdict passes and every control fails, on held-out seeds 11-15."""

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


def test_default_passes_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))  # per-seed figures, shown with pytest -rP
    assert spec.prediction is not None and result.answer is not None
    assert 0 <= result.answer < len(spec.prediction.choices)


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    print(describe(check_control(ID, control)))
