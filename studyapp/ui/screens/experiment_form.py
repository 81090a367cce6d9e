"""The experiment screen's settings form and where its figures go.

Kept apart from :mod:`studyapp.ui.screens.experiment` so the screen module stays about
layout and the run's flow. No torch here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widgets import Input, Label, Select, Switch

from studyapp.ui.screens.experiment_parts import range_text

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Param


def settings_widgets(spec: ExperimentSpec, overrides: dict[str, Any]) -> ComposeResult:
    """A labelled input per parameter, then steps and seed (ids ``param-NAME``,
    ``exp-steps``, ``exp-seed``)."""
    for param in spec.params:
        with Vertical(classes="setting"):
            yield Label(Text(f"{param.name}: {param.help} ({range_text(param)})"))
            yield param_widget(param, overrides.get(param.name, param.default))
    with Vertical(classes="setting"):
        yield Label(Text(f"steps (1-{spec.max_steps})"))
        steps = str(overrides.get("steps", spec.default_steps))
        yield Input(steps, id="exp-steps", type="integer")
    with Vertical(classes="setting"):
        yield Label(Text("seed"))
        yield Input(str(overrides.get("seed", 0)), id="exp-seed", type="integer")


def param_widget(param: Param, value: Any) -> Input | Select[str] | Switch:
    """The input of one parameter: a select for choices, a switch for a flag, else text."""
    wid = f"param-{param.name}"
    if param.choices:
        return Select([(c, c) for c in param.choices], value=str(value), allow_blank=False, id=wid)
    if param.kind is bool:
        return Switch(value=bool(value), id=wid)
    if param.kind is int:
        return Input(str(value), id=wid, type="integer", placeholder=range_text(param))
    if param.kind is float:
        return Input(str(value), id=wid, type="number", placeholder=range_text(param))
    return Input(str(value), id=wid, placeholder=range_text(param))


def read_form(screen: DOMNode, spec: ExperimentSpec) -> tuple[dict[str, Any], int, int]:
    """Checked parameter values, steps and seed; ValueError with a one-line reason."""
    values: dict[str, Any] = {}
    for param in spec.params:
        widget = screen.query_one(f"#param-{param.name}")
        raw: Any = widget.value  # type: ignore[attr-defined]
        values[param.name] = param.coerce(raw)
    steps_raw = screen.query_one("#exp-steps", Input).value.strip()
    if not (steps_raw.isascii() and steps_raw.isdigit()):
        raise ValueError(f"steps must be a whole number, got {steps_raw!r}")
    steps = int(steps_raw)
    if not 1 <= steps <= spec.max_steps:
        raise ValueError(f"steps must be in [1, {spec.max_steps}], got {steps}")
    seed_raw = screen.query_one("#exp-seed", Input).value.strip() or "0"
    if not (seed_raw.isascii() and seed_raw.isdigit()) or int(seed_raw) >= 2**64:
        raise ValueError(f"seed must be a whole number in [0, 2**64 - 1], got {seed_raw!r}")
    return values, steps, int(seed_raw)


def figure_path(experiment_id: str, number: int) -> Path:
    """Where the PNG of run ``number`` goes: ``<data dir>/figures/<id>-run<number>.png``."""
    from studyapp.paths import data_dir

    return data_dir() / "figures" / f"{experiment_id}-run{number}.png"
