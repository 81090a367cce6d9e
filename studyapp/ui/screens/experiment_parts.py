"""Pieces of the experiment screen: its messages, the status line, the form's texts.

Kept apart so the screen module stays about layout and flow. No torch here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from models.base import Param, PlotSpec, Result
    from studyapp.ui.widgets.plots import CurvePlot


@dataclass
class RunProgressed(Message):
    """A run advanced; a newer one replaces an older one still waiting in the queue."""

    run: int
    step: int
    total: int
    metrics: dict[str, float]
    snapshot: dict[str, Any] | None = None

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, RunProgressed)
            and message.run == self.run
            and (message.snapshot is None or self.snapshot is not None)
        )


@dataclass
class RunFinished(Message):
    """A run ended (completed, cancelled or diverged) with its result."""

    run: int
    result: Result


@dataclass
class RunCrashed(Message):
    """A run raised or its process died; ``error`` is one line."""

    run: int
    error: str


@dataclass
class PicturesBuilt(Message):
    """Charts and pictures built on a worker: ``(widget, key, renderable)`` each, and the
    seconds the building took."""

    built: list[tuple[Any, tuple, Any]]
    seconds: float = 0.0


class StatusLine(Widget):
    """One line of live text; updating it repaints the line without a re-layout."""

    DEFAULT_CSS = "StatusLine { height: 1; width: 1fr; }"

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def update(self, text: str | Text) -> None:
        self.text = text.plain if isinstance(text, Text) else text
        self.refresh()

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")


def curve_plot(plot: PlotSpec, wid: str) -> CurvePlot:
    """The live plot of one of the experiment's ``PlotSpec``s."""
    from studyapp.ui.widgets.plots import CurvePlot

    return CurvePlot(plot.title, plot.keys, ylabel=plot.ylabel, log_y=plot.log_y, id=wid)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def choice_prompt(choice: str, picked: bool) -> Text:
    """An option of the prediction list: a radio mark, then the choice's text as data."""
    text = Text("● " if picked else "○ ", style="bold" if picked else "")
    text.append(choice)
    return text


def verdict_text(result: Result) -> Text:
    """``PASSED: summary`` (or NOT SHOWN, DIVERGED, CANCELLED) with the seeds that agree."""
    verdict = result.verdict
    mark = "PASSED" if verdict.passed else "NOT SHOWN"
    if result.status != "completed":
        mark = result.status.upper()
    text = Text(f"{mark}: ", style="bold")
    text.append(verdict.summary)
    if verdict.seeds_total > 1:
        text.append(f" ({verdict.seeds_agreed}/{verdict.seeds_total} seeds agree)")
    return text


def graded_text(
    choices: tuple[str, ...], answer: int, chosen: int | None, correct: bool | None
) -> Text:
    """The run's answer against the prediction, as ``runs.finish`` graded it (``correct``):
    "right" or "wrong" said in words."""
    measured = choices[answer]
    if chosen is None:
        return Text(f"The run measured: {measured}. (No prediction made.)")
    if correct is None:
        return Text(f"The run measured: {measured}. (Your prediction was not graded.)")
    if correct:
        text = Text("✓ Your prediction was right: ", style="bold")
        text.append(measured)
        return text
    text = Text("✗ Your prediction was wrong: ", style="bold")
    text.append(f"you predicted “{choices[chosen]}”; the run measured “{measured}”.")
    return text


def range_text(param: Param) -> str:
    if param.choices:
        return "one of " + ", ".join(param.choices)
    if param.kind is bool:
        return "on or off"
    lo = "-inf" if param.low is None else f"{param.low:g}"
    hi = "inf" if param.high is None else f"{param.high:g}"
    return f"{param.kind.__name__} in [{lo}, {hi}], default {param.default}"


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) < 300 else text[:297] + "..."


NARROW_COLUMNS = 76
"""Below this width the prediction sits above the tabs instead of beside them."""

ALL_PLOTS_MIN_ROWS = 10
"""The "All" tab opens first when every plot gets at least this many rows in it."""

WIDE_GRID_COLUMNS = 110
"""The "All" tab puts plots two abreast when the tab area is at least this wide."""


@dataclass(frozen=True)
class PlotLayout:
    narrow: bool
    """The prediction goes above the tabs."""
    columns: int
    """Plots abreast in the "All" tab."""
    all_fit: bool
    """Every plot gets ``ALL_PLOTS_MIN_ROWS`` rows in the "All" tab."""


def plot_layout(width: int, height: int, plots: int) -> PlotLayout:
    """How the experiment screen arranges ``plots`` plots in a ``width`` x ``height`` app."""
    narrow = width < NARROW_COLUMNS
    side = 0 if narrow else max(30, min(48, width * 2 // 5))
    columns = 2 if width - side >= WIDE_GRID_COLUMNS else 1
    rows = math.ceil(plots / columns)
    room = height - 5 - (12 if narrow else 0)
    return PlotLayout(narrow, columns, room >= rows * ALL_PLOTS_MIN_ROWS)


def show_marked(widget: Static, text: Text, good: bool | None, classes: tuple[str, str]) -> None:
    """Show ``text`` with the class ``classes[0]`` when good, ``classes[1]`` when bad."""
    widget.update(text)
    widget.set_class(good is True, classes[0])
    widget.set_class(good is False, classes[1])
