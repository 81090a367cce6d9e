"""Every experiment declares controls that name real settings, and the listing shows them.

Whether each control really fails (and the default really passes) is checked in the
experiment's own test module with ``tests/models/controls.py``.
"""

from __future__ import annotations

import json

import pytest

import models
from models.base import Control, ExperimentSpec, Verdict
from studyapp.cli import main
from tests.models.controls import control_cases, needed

SPECS = models.all_specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_spec_declares_valid_controls(spec: ExperimentSpec) -> None:
    assert spec.controls, f"{spec.id} declares no control: a verdict that cannot fail"
    defaults = spec.resolve()
    for control in spec.controls:
        assert isinstance(control, Control) and control.set, spec.id
        assert control.why.strip(), f"{spec.id}: control {control.label()} says not why"
        values = spec.resolve(control.params)  # unknown names and bad values raise ParamError
        if control.steps is not None:
            assert 1 <= control.steps <= spec.max_steps, (spec.id, control.steps)
        changed = {k for k in control.params if values[k] != defaults[k]}
        assert changed or control.steps not in (None, spec.default_steps), (
            f"{spec.id}: control {control.label()} is the default setting"
        )
    labels = [c.label() for c in spec.controls]
    assert len(labels) == len(set(labels)), f"{spec.id} repeats a control"


def test_experiments_json_lists_the_controls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiments", "--json"]) == 0
    listing = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    assert set(listing) == {s.id for s in SPECS}
    for spec in SPECS:
        assert listing[spec.id]["controls"] == [c.to_json() for c in spec.controls]
    assert main(["experiments"]) == 0
    human = capsys.readouterr().out
    lt = models.get_spec("latent-traversal")
    assert f"({len(lt.controls)} control" in human


def test_control_splits_steps_from_params() -> None:
    control = Control({"beta": 0.0, "steps": 50}, "no KL term")
    assert control.params == {"beta": 0.0} and control.steps == 50
    assert control.label() == "beta=0.0, steps=50"
    assert Control({"beta": 0.0}, "x").steps is None
    assert control_cases("latent-traversal")  # pytest ids come from the labels


def test_verdict_from_seeds_applies_the_four_of_five_rule() -> None:
    assert needed(5) == 4 and needed(1) == 1 and needed(10) == 8
    four = Verdict.from_seeds([True, True, False, True, True], "s")
    assert four.passed and (four.seeds_agreed, four.seeds_total, four.seeds_failed) == (4, 5, 1)
    three = Verdict.from_seeds([True, False, False, True, True], "s")
    assert not three.passed and three.seeds_failed == 2
    assert Verdict.from_seeds([True], "s").passed and not Verdict.from_seeds([False], "s").passed
    assert not Verdict.from_seeds([], "s").passed
    with pytest.raises(ValueError, match="disagrees"):
        Verdict(True, "s", 5, 5, [True, False])


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_spec_has_a_control_where_the_effect_is_gone(spec: ExperimentSpec) -> None:
    """A control that trains fully and fails because the concept is switched off; sanity
    controls (identical arms, a bar of exactly 0) fail by construction and do not count."""
    kinds = [c.kind for c in spec.controls]
    assert set(kinds) <= {"absent", "null", "sanity"}, (spec.id, kinds)
    assert "absent" in kinds, f"{spec.id}: no control of kind 'absent' (kinds: {kinds})"


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.compares_arms], ids=[s.id for s in SPECS if s.compares_arms]
)
def test_every_two_arm_verdict_has_a_null_control(spec: ExperimentSpec) -> None:
    """Both arms on the same setting with independent streams: the verdict's bar must sit
    above the difference seed noise alone makes."""
    assert any(c.kind == "null" for c in spec.controls), (
        f"{spec.id} compares two arms but declares no 'null' control"
    )
