"""KL falls as beta grows, the posterior collapses at large beta, annealing keeps units."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import execute


def test_verdict_from_seed_0() -> None:
    result = execute(get_spec("kl-term"), seeds=(0,))
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    m = result.metrics
    kls = [m["kl_beta_0_5"], m["kl_beta_1"], m["kl_beta_1_5"], m["kl_beta_max"]]
    assert kls == sorted(kls, reverse=True) and kls[0] > 1.0
    assert m["active_beta_max"] == 0 and m["kl_beta_max"] < 0.1  # posterior collapse
    assert m["active_annealed"] > m["active_beta_1_5"]
    assert m["recon_beta_0_5"] < m["recon_beta_max"]  # z carries information at small beta
    assert result.answer == 0
    snapshot = result.snapshot or {}
    assert snapshot["digits"].shape == (8, 8, 8)
    assert snapshot["recon_beta_max"].shape == (8, 8, 8)
    # A collapsed VAE decodes every digit to (nearly) the same average digit.
    assert snapshot["recon_beta_max"].std(axis=0).max() < 0.05
    assert snapshot["recon_beta_0_5"].std(axis=0).max() > 0.2


@pytest.mark.slow
def test_holds_on_four_of_five_seeds() -> None:
    result = execute(get_spec("kl-term"), seeds=(0, 1, 2, 3, 4))
    assert result.verdict.seeds_total == 5
    assert result.verdict.seeds_agreed >= 4 and result.verdict.passed, result.verdict.summary
