"""The experiment protocol: parameter coercion, execute's history, cancel and divergence."""

from __future__ import annotations

import json
import math
import sys
import types
from collections.abc import Generator

import pytest

import models
from models.base import (
    ExperimentSpec,
    Outcome,
    Param,
    ParamError,
    Progress,
    RunConfig,
    Verdict,
    execute,
)

FAKE_MODULE = "fake_protocol_runner"


def fake_run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    """Counts steps; ``nan_at`` makes the loss NaN at that step."""
    for step in range(1, cfg.steps + 1):
        loss = math.nan if step == cfg.params["nan_at"] else 1.0 / step
        snapshot = {"samples": [[0.0, 0.0]]} if step == 2 else None
        yield Progress(step, cfg.steps, {"loss": loss, "seeds": float(len(cfg.seeds))}, snapshot)
    verdict = Verdict.from_seeds(
        [True] * len(cfg.seeds), f"ran {cfg.steps} on {cfg.device}", "It ran."
    )
    per_seed = [{"seed": float(seed), "loss": 1.0 / cfg.steps} for seed in cfg.seeds]
    return Outcome(verdict, {"final": 1.0 / cfg.steps}, 1, per_seed_metrics=per_seed)


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch) -> ExperimentSpec:
    module = types.ModuleType(FAKE_MODULE)
    module.run = fake_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, FAKE_MODULE, module)
    return ExperimentSpec(
        id="fake",
        title="fake",
        concepts=("fake",),
        summary="",
        explanation="",
        params=(
            Param("nan_at", 0, "step whose loss is NaN (0: never)", 0, 1000),
            Param("lr", 0.1, "a float", 1e-4, 1.0),
            Param("kind", "a", "a choice", choices=("a", "b")),
            Param("flag", False, "a bool"),
        ),
        default_steps=5,
        cost_seconds=0.0,
        max_steps=100,
        runner=f"{FAKE_MODULE}:run",
    )


def test_param_coercion_by_type_and_range() -> None:
    assert Param("n", 3, "").coerce("7") == 7
    assert Param("n", 3, "").coerce("7.0") == 7
    assert Param("x", 0.5, "").coerce("1e-3") == pytest.approx(1e-3)
    assert Param("f", False, "").coerce("yes") is True
    assert Param("f", True, "").coerce("off") is False
    assert Param("c", "a", "", choices=("a", "b")).coerce("b") == "b"
    for param, raw in [
        (Param("n", 3, ""), "7.5"),
        (Param("n", 3, "", 0, 10), "11"),
        (Param("x", 0.5, ""), "nan"),
        (Param("x", 0.5, ""), "abc"),
        (Param("f", False, ""), "maybe"),
        (Param("c", "a", "", choices=("a", "b")), "z"),
    ]:
        with pytest.raises(ParamError, match=param.name):
            param.coerce(raw)


def test_unknown_param_lists_the_valid_ones(spec: ExperimentSpec) -> None:
    with pytest.raises(ParamError) as error:
        spec.resolve({"nope": 1})
    message = str(error.value)
    assert "nope" in message and all(name in message for name in ("nan_at", "lr", "kind", "flag"))


def test_execute_records_history_and_outcome(spec: ExperimentSpec) -> None:
    seen: list[int] = []
    result = execute(
        spec, {"lr": "0.5"}, seeds=(3, 4), device="cpu", on_progress=lambda p: seen.append(p.step)
    )
    assert result.status == "completed" and result.verdict.passed
    assert result.params["lr"] == 0.5 and result.seeds == [3, 4]
    assert seen == [1, 2, 3, 4, 5] == result.history["step"]
    assert result.history["loss"] == pytest.approx([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5])
    assert result.history["seeds"] == [2.0] * 5
    assert result.snapshot == {"samples": [[0.0, 0.0]]}
    assert result.metrics == {"final": 0.2} and result.answer == 1
    payload = json.loads(json.dumps(result.to_json()))
    assert {"experiment", "params", "seeds", "verdict", "metrics", "history"} <= set(payload)
    assert payload["verdict"]["passed"] is True and payload["verdict"]["plain"] == "It ran."
    assert [row["seed"] for row in payload["per_seed_metrics"]] == [3.0, 4.0]  # seed order


def test_execute_cancels_between_steps(spec: ExperimentSpec) -> None:
    seen: list[int] = []
    result = execute(
        spec,
        steps=50,
        on_progress=lambda p: seen.append(p.step),
        should_stop=lambda: len(seen) >= 3,
    )
    assert result.status == "cancelled" and not result.verdict.passed
    assert result.steps_done == 3 and result.history["step"] == [1, 2, 3]
    assert "cancelled at step 3 of 50" in result.verdict.summary


def test_execute_stops_on_nan_and_says_where(spec: ExperimentSpec) -> None:
    result = execute(spec, {"nan_at": 4}, steps=10)
    assert result.status == "diverged" and not result.verdict.passed
    assert result.steps_done == 4
    assert "diverged at step 4" in result.verdict.summary and "loss" in result.verdict.summary
    assert result.to_json()["history"]["loss"][-1] is None  # NaN is written as null


def test_execute_rejects_steps_out_of_range(spec: ExperimentSpec) -> None:
    with pytest.raises(ParamError, match="steps"):
        execute(spec, steps=101)


def test_catalogue_specs_are_well_formed() -> None:
    specs = models.all_specs()
    ids = [s.id for s in specs]
    assert {"mode-collapse", "vanishing-gradients", "kl-term"} <= set(ids)
    assert len(ids) == len(set(ids))
    for spec in specs:
        assert spec.concepts and spec.explanation and spec.default_steps <= spec.max_steps
        spec.resolve()  # defaults are valid
        for param in spec.params:
            assert param.coerce(param.default) == param.default, (spec.id, param.name)
        if spec.prediction is not None:
            assert len(spec.prediction.choices) >= 2
    with pytest.raises(ParamError, match="mode-collapse"):
        models.get_spec("no-such-experiment")


@pytest.mark.parametrize("spec", models.all_specs(), ids=[s.id for s in models.all_specs()])
def test_every_runner_fills_per_seed(spec: ExperimentSpec) -> None:
    """A tiny batched run of every experiment: its verdict says which seed met the criterion
    (``Verdict.from_seeds``), in seed order, whatever the verdict is."""
    result = execute(spec, steps=min(3, spec.max_steps), seeds=(11, 12))
    assert result.status == "completed", result.verdict.summary
    verdict = result.verdict
    assert len(verdict.per_seed) == 2, f"{spec.id}: build the verdict with Verdict.from_seeds"
    assert verdict.seeds_total == 2 and verdict.seeds_agreed == sum(verdict.per_seed)
    assert verdict.passed == (sum(verdict.per_seed) == 2)
    assert verdict.summary.strip()


def test_every_spec_declares_a_control() -> None:
    missing = [s.id for s in models.all_specs() if not s.controls]
    assert not missing, f"experiments without a control (a verdict that cannot fail): {missing}"
