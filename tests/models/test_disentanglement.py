"""disentanglement: the default verdict passes and every control fails, on held-out seeds 11-15."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control
from tests.models.controls import check_control, check_default, control_cases, describe

ID = "disentanglement"


def test_mig_is_one_for_the_factors_themselves_and_low_for_a_mixed_code() -> None:
    torch = pytest.importorskip("torch")
    from models.disentanglement.run import mig, squares

    images, factors = squares(torch.device("cpu"))
    assert images.shape == (256, 144) and images.sum(1).min() == 4  # a 2x2 square
    assert len({tuple(f) for f in factors.tolist()}) == 256  # every combination once
    exact = factors.float().unsqueeze(0)  # one latent per factor
    mixed = exact @ torch.tensor([[1.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.5, 0.5, 1.0]]).T
    scores = mig(torch.cat([exact, mixed]), factors)
    assert scores[0].item() == pytest.approx(1.0, abs=1e-5)
    assert scores[1].item() < 0.3


def test_default_passes_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))  # per-seed figures, shown with pytest -rP
    assert spec.prediction is not None and result.answer is not None
    assert 0 <= result.answer < len(spec.prediction.choices)


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    print(describe(check_control(ID, control)))
