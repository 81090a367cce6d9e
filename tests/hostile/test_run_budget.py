"""``studyapp run --seeds K`` is refused past the memory limit, with the figures (issue 12.7).

2000 seeds peaked at 7.3 GB before the bound: now refused before torch loads, in one line
that gives the estimate, the limit and the most seeds that fit.
"""

from __future__ import annotations

import re
import sys
import time

import pytest

import models
from studyapp.cli import main
from studyapp.experiments.budget import (
    DEFAULT_LIMIT_BYTES,
    check_seeds,
    estimate_bytes,
    memory_limit_bytes,
)

REFUSED = re.compile(
    r"^studyapp: error: --seeds (\d+) would need about ([\d.]+) GB of memory, over the limit "
    r"of ([\d.]+) GB \(set \$STUDYAPP_RUN_MAX_GB to change it\); use at most (\d+) seeds "
    r"with these settings$"
)


@pytest.fixture(autouse=True)
def _default_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STUDYAPP_RUN_MAX_GB", raising=False)


def test_two_thousand_seeds_refused_with_the_memory_figure(capsys) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    code = main(["run", "mode-collapse", "--seeds", "2000"])
    took = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    match = REFUSED.match(err.strip())
    assert match, err
    seeds, need, limit, most = match.groups()
    assert seeds == "2000" and float(need) > float(limit)
    assert float(limit) == round(memory_limit_bytes() / 2**30, 1)
    spec = models.get_spec("mode-collapse")
    params = spec.resolve({})
    assert check_seeds(spec, params, int(most)) is None  # the advice fits
    assert check_seeds(spec, params, int(most) + 1) is not None
    assert "torch" not in sys.modules or took < 30  # refused before any training


def test_the_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = models.get_spec("mode-collapse")
    params = spec.resolve({})
    assert memory_limit_bytes() <= DEFAULT_LIMIT_BYTES
    assert check_seeds(spec, params, 5) is None  # a usual run is never refused
    need = estimate_bytes(spec, params, 2000)
    monkeypatch.setenv("STUDYAPP_RUN_MAX_GB", str(need / 2**30 + 1))
    assert check_seeds(spec, params, 2000) is None
    monkeypatch.setenv("STUDYAPP_RUN_MAX_GB", "0.5")
    assert "over the limit of 512.0 MB" in (check_seeds(spec, params, 2000) or "")


def test_estimate_grows_with_seeds_and_width() -> None:
    spec = models.get_spec("mode-collapse")
    small = spec.resolve({})
    assert estimate_bytes(spec, small, 200) > estimate_bytes(spec, small, 20)
    wide = {**small, "hidden": 1024}
    assert estimate_bytes(spec, wide, 200) > 10 * estimate_bytes(spec, small, 200) / 2
