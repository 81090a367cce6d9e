"""Pieces of the experiment screen: its messages, the status line, the form's texts.

Kept apart so the screen module stays about layout and flow. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Param, PlotSpec, Result
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
    """The verdict strip's lead: ``PASSED`` (or FAILED, CANCELLED, DIVERGED), then the
    verdict's one plain sentence; the numbers wait behind the Numbers view."""
    from studyapp.experiments.verdicts import plain_sentence

    text = Text(verdict_word(result), style="bold")
    sentence = plain_sentence(result.verdict)
    if sentence:
        text.append("  ")
        text.append(sentence)
    return text


def verdict_word(result: Result) -> str:
    from studyapp.experiments.verdicts import verdict_word as word

    return word(result)


def numbers_text(spec: ExperimentSpec, result: Result) -> Text:
    """The Numbers view: the verdict with its seeds, the measurements and the bar, the final
    metrics and the settings the run used."""
    from studyapp.experiments.verdicts import plain_sentence, seeds_text

    verdict = result.verdict
    text = Text(verdict_word(result), style="bold")
    seeds = seeds_text(verdict)
    text.append(f" ({seeds})" if seeds else "")
    text.append("\n")
    text.append(plain_sentence(verdict))
    text.append("\n\nMeasured, and the bar: ", style="bold")
    text.append(verdict.summary or "(none)")
    scalars = {
        k: v
        for k, v in result.metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    if scalars:
        text.append("\n\nFinal metrics: ", style="bold")
        text.append(" · ".join(f"{k} {v:.4g}" for k, v in scalars.items()))
    settings = [f"{k}={v}" for k, v in result.params.items()]
    settings += [f"{result.steps_done} steps", "seeds " + ", ".join(map(str, result.seeds))]
    text.append("\n\nSettings: ", style="bold")
    text.append(", ".join(settings))
    if spec.prediction is not None and result.answer is not None:
        text.append("\n\nThe run measured: ", style="bold")
        text.append(spec.prediction.choices[result.answer])
    return text


def graded_text(
    choices: tuple[str, ...], answer: int, chosen: int | None, correct: bool | None
) -> Text:
    """The run's answer against the prediction, as ``runs.finish`` graded it (``correct``):
    "right" or "wrong" said in words."""
    measured = choices[answer]
    if chosen is None:
        return Text(f"No prediction made; the run measured: {measured}.")
    if correct is None:
        return Text(f"Your prediction was not graded; the run measured: {measured}.")
    if correct:
        text = Text("✓ your prediction was right: ", style="bold")
        text.append(measured)
        return text
    text = Text("✗ your prediction was wrong: ", style="bold")
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


def show_marked(widget: Static, text: Text, good: bool | None, classes: tuple[str, str]) -> None:
    """Show ``text`` with the class ``classes[0]`` when good, ``classes[1]`` when bad."""
    widget.update(text)
    widget.set_class(good is True, classes[0])
    widget.set_class(good is False, classes[1])
