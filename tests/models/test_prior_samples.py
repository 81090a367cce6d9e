"""prior-samples: on held-out seeds 11-15 the VAE's prior samples are near, varied digits and
the AE's are not; without KL, with one average digit, or against a second VAE, it fails."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control
from tests.models.controls import check_control, check_default, control_cases, describe

ID = "prior-samples"


def test_one_average_digit_is_near_the_data_but_covers_one_class() -> None:
    torch = pytest.importorskip("torch")
    from models.digits import load_digits_split, nearest_digits

    data = load_digits_split()
    average = data.train_x.mean(0).expand(1, 50, 64)
    real = data.test_x[:500].unsqueeze(0)
    _, classes = nearest_digits(torch.cat([average, real[:, :50]]), data.train_x, data.train_y)
    assert classes[0] == pytest.approx(1.0) and classes[1] > 8


@pytest.mark.slow
def test_verdict_holds_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))
    assert spec.prediction is not None and result.answer == 1  # the VAE's
    assert sum(row["classes_vae"] >= 7 for row in result.per_seed_metrics) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    print(describe(check_control(ID, control)))
