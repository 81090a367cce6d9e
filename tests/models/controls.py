"""The one way experiment tests check a verdict and its controls on held-out seeds.

Thresholds are calibrated on seeds 0-9; verdict tests run the seeds below, which no
calibration saw. Each experiment's test module does::

    from tests.models.controls import check_control, check_default, control_cases

    def test_default_passes_on_held_out_seeds():
        result = check_default("my-id")            # passes on >= 4 of 5 seeds
        assert result.metrics["..."] > ...          # extra checks on the same run

    @pytest.mark.parametrize("control", control_cases("my-id"))
    def test_control_fails_on_held_out_seeds(control):
        check_control("my-id", control)            # fails on >= 4 of 5 seeds

Both run the 5 seeds batched in one :func:`models.base.execute` call and read the per-seed
outcome from ``Verdict.per_seed`` (see ``models/base.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest

from models import get_spec
from models.base import Control, Result, execute

HELD_OUT_SEEDS = (11, 12, 13, 14, 15)
"""Seeds no threshold was calibrated on (calibration uses 0-9)."""


def needed(total: int) -> int:
    """How many seeds must agree: 4 of 5 (80%, rounded up)."""
    return math.ceil(0.8 * total)


def describe(result: Result) -> str:
    """The run in one line for assertion messages: per-seed outcome and the summary."""
    marks = " ".join(
        f"{seed}:{'pass' if ok else 'fail'}"
        for seed, ok in zip(result.seeds, result.verdict.per_seed, strict=False)
    )
    head = f"{result.experiment} {result.params} [{marks}] {result.status}"
    return f"{head}: {result.verdict.summary}"


def held_out_run(
    spec_id: str,
    params: Mapping[str, Any] | None = None,
    *,
    steps: int | None = None,
    seeds: tuple[int, ...] = HELD_OUT_SEEDS,
) -> Result:
    """One batched run of ``spec_id`` on ``seeds``; it must complete with a per-seed verdict."""
    result = execute(get_spec(spec_id), params, steps=steps, seeds=seeds)
    assert result.status == "completed", describe(result)
    assert len(result.verdict.per_seed) == len(seeds), (
        f"{spec_id}: the runner must build its verdict with Verdict.from_seeds "
        f"(per_seed={result.verdict.per_seed})"
    )
    return result


def check_default(
    spec_id: str,
    params: Mapping[str, Any] | None = None,
    *,
    steps: int | None = None,
    seeds: tuple[int, ...] = HELD_OUT_SEEDS,
) -> Result:
    """Run at the defaults (or ``params``): the verdict passes on >= 4 of 5 seeds."""
    result = held_out_run(spec_id, params, steps=steps, seeds=seeds)
    assert result.verdict.seeds_agreed >= needed(len(seeds)), describe(result)
    assert result.verdict.passed, describe(result)
    return result


def check_control(
    spec_id: str, control: Control, *, seeds: tuple[int, ...] = HELD_OUT_SEEDS
) -> Result:
    """Run under ``control``: the verdict fails on >= 4 of 5 seeds."""
    result = held_out_run(spec_id, control.params, steps=control.steps, seeds=seeds)
    assert result.verdict.seeds_failed >= needed(len(seeds)), (
        f"control ({control.why}) should fail: {describe(result)}"
    )
    assert not result.verdict.passed, describe(result)
    return result


def control_cases(spec_id: str) -> list[Any]:
    """The spec's controls as ``pytest.param`` values with readable ids, for parametrize."""
    return [pytest.param(c, id=c.label()) for c in get_spec(spec_id).controls]
