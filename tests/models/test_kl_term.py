"""KL falls as beta grows; at beta_max the rate reaches zero; at beta_max = 2 it does not."""

from __future__ import annotations

import pytest

from models.base import Control
from tests.models.controls import check_headline_control, check_headline_default, control_cases

ID = "kl-term"


@pytest.mark.slow
def test_default_passes_on_headline_seeds() -> None:
    result = check_headline_default(ID)
    m = result.metrics
    kls = [m["kl_beta_0_5"], m["kl_beta_1"], m["kl_beta_1_5"], m["kl_beta_max"]]
    assert kls == sorted(kls, reverse=True) and kls[0] > 1.0
    rows = result.per_seed_metrics
    assert sum(r["active_beta_max"] == 0 and r["kl_beta_max"] < 0.1 for r in rows) >= 9
    assert m["recon_beta_0_5"] < m["recon_beta_max"]  # z carries information at small beta
    assert result.answer == 0


@pytest.mark.slow
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_headline_seeds(control: Control) -> None:
    result = check_headline_control(ID, control)
    assert result.metrics["active_beta_max"] > 0  # the largest beta still codes something
