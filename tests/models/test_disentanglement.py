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


def test_total_correlation_and_rate_of_known_codes() -> None:
    torch = pytest.importorskip("torch")
    from models.disentanglement.run import gaussian_tc, kl_per_image

    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 256, generator=gen)
    independent = torch.stack([a, b], -1)
    tied = torch.stack([a, a + 0.1 * b], -1)
    tc = gaussian_tc(torch.stack([independent, tied]))
    assert tc[0] < 0.05 < 2.0 < tc[1]
    zeros = torch.zeros(1, 256, 2)
    assert kl_per_image(zeros, zeros).item() == 0.0  # q(z|x) = N(0, I): no information


def test_default_passes_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))  # per-seed figures, shown with pytest -rP
    assert spec.prediction is not None and result.answer is not None
    assert result.answer == 1  # uncorrelated, but each mixing the factors (MIG under 0.3)
    assert all(s["rate_beta"] < s["rate_ref"] for s in result.per_seed_metrics)
    assert result.verdict.plain


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    result = check_control(ID, control)
    print(describe(result))
    if control.kind == "null":  # two plain VAEs: about the same size of code
        assert all(0.7 < s["rate_beta"] / s["rate_ref"] < 1.4 for s in result.per_seed_metrics)
