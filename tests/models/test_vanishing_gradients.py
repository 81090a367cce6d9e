"""The saturating loss's gradient vanishes as D wins; the non-saturating one does not; a G
that already samples the data leaves D nothing to win, at any step count."""

from __future__ import annotations

import pytest
import torch

from models.base import Control
from models.mode_collapse.mixtures import make_mixture
from models.vanishing_gradients.run import ACCURATE, DataGenerator
from tests.models.controls import check_headline_control, check_headline_default, control_cases

ID = "vanishing-gradients"


def test_the_data_generator_samples_the_mixture_and_has_a_gradient() -> None:
    mix = make_mixture("ring8")
    gen = DataGenerator(mix, (0, 1), torch.device("cpu"))
    z = torch.randn(2, 4000, gen.z_dim, generator=torch.Generator().manual_seed(0))
    x = gen(z)
    assert x.requires_grad
    nearest = torch.cdist(x.detach(), mix.centers.expand(2, -1, -1)).min(-1)
    assert float(nearest.values.max()) < 6 * mix.std  # every sample on a mode
    counts = torch.bincount(nearest.indices[0], minlength=8)
    assert int(counts.min()) > 4000 / 8 * 0.8  # all 8 modes, about equally
    x.sum().backward()
    assert gen.scale.grad is not None and gen.shift.grad is not None


@pytest.mark.slow
def test_default_saturating_vanishes_non_saturating_holds() -> None:
    result = check_headline_default(ID)
    rows = result.per_seed_metrics
    assert sum(r["d_accuracy"] >= ACCURATE for r in rows) >= 9
    assert sum(r["log10_change_saturating"] <= -2.0 for r in rows) >= 9  # 100x below its peak
    assert all(r["log10_change_non_saturating"] > -1.0 for r in rows)
    assert all(r["log10_change_wasserstein"] > -1.0 for r in rows)  # about 2-4x down, no more
    assert result.answer == 0  # "It collapses by orders of magnitude"
    sat, ns = result.history["grad_saturating"], result.history["grad_non_saturating"]
    assert sat[-1] < ns[-1] / 100  # equal-ish at the start, orders apart at the end


@pytest.mark.slow
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_headline_control(ID, control)
    rows = result.per_seed_metrics
    assert all(r["d_accuracy"] < ACCURATE for r in rows)  # D cannot tell them apart
    # D flattens towards 1/2: both losses' signals shrink together, they do not part
    gaps = [abs(r["log10_change_saturating"] - r["log10_change_non_saturating"]) for r in rows]
    assert max(gaps) < 0.5, gaps
