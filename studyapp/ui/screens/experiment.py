"""The experiment screen: predict, run an experiment live, read its verdict, keep the run.

Opened from a card (``x`` on the review or browser screen) or the command palette.
Parameters are edited with their valid ranges; a run trains off the UI thread through a
:mod:`studyapp.experiments.run_backends` backend (a warm child process by default) that a thread worker
drives. The worker posts replaceable :class:`RunProgressed` messages (at most 5 a second)
and one :class:`RunFinished` or :class:`RunCrashed`; plots and pictures redraw on a timer
from the shared :class:`~studyapp.experiments.run_backends.LiveHistory`, never per step.

At the end the verdict and the explanation show, the student's prediction is graded
(logged as a ``prediction`` review of the card: Good when right, Again when wrong) and
the run is stored with ``StudyService.save_run``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Static,
    Switch,
)
from textual.worker import get_current_worker

from studyapp.experiments.run_backends import (
    LiveHistory,
    RunBackend,
    RunFailedError,
    RunRequest,
    ThreadBackend,
    make_backend,
)
from studyapp.ui.widgets.pixels import PixelView
from studyapp.ui.widgets.plots import CurvePlot

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Param, Progress, Result

RunState = Literal["idle", "running", "paused", "finished"]

REDRAW_SECONDS = 0.4
"""Plots and pictures redraw this often while a run trains (only those on screen)."""

MESSAGE_SECONDS = 0.2
"""The worker posts at most one progress message per this many seconds."""


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
    """Charts and pictures built on a worker: ``(widget, key, renderable)`` each."""

    built: list[tuple[Any, tuple, Any]]


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


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ExperimentScreen(Screen[None]):
    """Edit parameters, predict, run live, read the verdict, save the figure and the run."""

    DEFAULT_CSS = """
    ExperimentScreen #exp-title { padding: 0 1; text-style: bold; }
    ExperimentScreen #exp-summary { padding: 0 1; color: $text-muted; }
    ExperimentScreen #exp-body { height: 1fr; }
    ExperimentScreen #exp-side { width: 34; min-width: 28; border-right: vkey $panel; }
    ExperimentScreen #exp-side Input { margin: 0 0 0 0; }
    ExperimentScreen #exp-side Label { margin: 1 0 0 0; width: 1fr; }
    ExperimentScreen .range { color: $text-muted; margin: 0; }
    ExperimentScreen #exp-buttons, ExperimentScreen #exp-buttons-2 { height: auto; }
    ExperimentScreen #exp-side Button { min-width: 8; margin: 0 1 0 0; }
    ExperimentScreen #exp-main { width: 1fr; padding: 0 1; }
    ExperimentScreen #exp-progress Bar { width: 1fr; }
    ExperimentScreen #exp-rate { color: $text-muted; }
    ExperimentScreen #exp-verdict { margin: 0 0 1 0; }
    ExperimentScreen #exp-verdict.passed { color: $success; }
    ExperimentScreen #exp-verdict.failed { color: $warning; }
    ExperimentScreen #exp-explanation { color: $text-muted; }
    ExperimentScreen #exp-prediction-q { margin: 0 0 0 0; }
    ExperimentScreen #exp-prediction { width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="experiment.start", tooltip="Start (or re-run)"),
        Binding("p", "pause", "Pause", id="experiment.pause", tooltip="Pause or resume"),
        Binding("c", "cancel", "Cancel", id="experiment.cancel", tooltip="Stop the run"),
        Binding("g", "save_png", "Save PNG", id="experiment.png", tooltip="Save the figure"),
        Binding("h", "runs", "Runs", id="experiment.runs", tooltip="Saved runs, compare"),
        Binding("escape", "back", "Back", id="experiment.back", tooltip="Leave (stops a run)"),
    ]

    def __init__(
        self,
        experiment_id: str,
        card_id: int | None = None,
        overrides: dict[str, Any] | None = None,
        *,
        backend: str | None = None,
    ) -> None:
        super().__init__()
        import models

        self.experiment_id = experiment_id
        self.card_id = card_id
        self.overrides = dict(overrides or {})
        self.spec: ExperimentSpec = models.get_spec(experiment_id)
        self._backend_name = backend
        self._backend: RunBackend | None = None
        self.state: RunState = "idle"
        self.run_number = 0
        self.live = LiveHistory()
        self.result: Result | None = None
        self.run_id: int | None = None
        """Database id of the last stored run."""
        self.prediction_correct: bool | None = None
        self.error: str | None = None
        self._prediction_choice: int | None = None
        self._warned_no_prediction = False
        self._paused_since: float | None = None
        self._drawn_version = -1
        self._building = False
        self._started_at = 0.0

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        spec = self.spec
        yield Static(Text(spec.title), id="exp-title")
        yield Static(Text(spec.summary), id="exp-summary")
        with Horizontal(id="exp-body"):
            with VerticalScroll(id="exp-side"):
                if spec.prediction is not None:
                    yield Static(
                        Text("Predict first: " + spec.prediction.question, style="bold"),
                        id="exp-prediction-q",
                    )
                    with RadioSet(id="exp-prediction"):
                        for choice in spec.prediction.choices:
                            yield RadioButton(Text(choice))
                with Horizontal(id="exp-buttons"):
                    yield Button("Start", id="exp-start", variant="primary")
                    yield Button("Pause", id="exp-pause", disabled=True)
                    yield Button("Cancel", id="exp-cancel", disabled=True)
                for param in spec.params:
                    yield Label(Text(f"{param.name}: {param.help}"))
                    yield Static(Text(_range_text(param)), classes="range")
                    yield self._param_widget(param)
                yield Label(Text(f"steps (1-{spec.max_steps})"))
                yield Input(
                    str(self.overrides.get("steps", spec.default_steps)),
                    id="exp-steps",
                    type="integer",
                )
                yield Label(Text("seed"))
                yield Input(str(self.overrides.get("seed", 0)), id="exp-seed", type="integer")
                with Horizontal(id="exp-buttons-2"):
                    yield Button("Save PNG", id="exp-png", disabled=True)
                    yield Button("Runs", id="exp-runs")
            with VerticalScroll(id="exp-main"):
                yield ProgressBar(total=None, show_eta=False, id="exp-progress")
                yield StatusLine("ready", id="exp-rate")
                yield Static(Text(""), id="exp-verdict")
                for i, plot in enumerate(spec.plots):
                    yield CurvePlot(
                        plot.title, plot.keys, ylabel=plot.ylabel, log_y=plot.log_y, id=f"plot-{i}"
                    )
                yield PixelView(id="exp-pixels")
                yield Static(Text(spec.explanation), id="exp-explanation")
        yield Footer()

    def _param_widget(self, param: Param) -> Input | Select | Switch:
        value = self.overrides.get(param.name, param.default)
        wid = f"param-{param.name}"
        if param.choices:
            return Select(
                [(c, c) for c in param.choices], value=str(value), allow_blank=False, id=wid
            )
        if param.kind is bool:
            return Switch(value=bool(value), id=wid)
        if param.kind is int:
            return Input(str(value), id=wid, type="integer", placeholder=_range_text(param))
        if param.kind is float:
            return Input(str(value), id=wid, type="number", placeholder=_range_text(param))
        return Input(str(value), id=wid, placeholder=_range_text(param))

    def on_mount(self) -> None:
        self.query_one("#exp-pixels", PixelView).display = False
        self.set_interval(REDRAW_SECONDS, self._redraw)
        self._ensure_backend()

    def _ensure_backend(self) -> RunBackend:
        """The backend, created once per screen (the process one warms up meanwhile)."""
        if self._backend is None:
            try:
                self._backend = make_backend(self._backend_name)
            except Exception as error:  # e.g. processes cannot be started here
                self._backend = ThreadBackend()
                self.notify(
                    f"{_one_line(error)}; training in a thread instead",
                    title="No experiment process",
                    severity="warning",
                )
        return self._backend

    # -- reading the form ------------------------------------------------------------------

    def read_form(self) -> tuple[dict[str, Any], int, int]:
        """Checked parameter values, steps and seed; ValueError with a one-line reason."""
        values: dict[str, Any] = {}
        for param in self.spec.params:
            widget = self.query_one(f"#param-{param.name}")
            raw: Any = widget.value  # type: ignore[attr-defined]
            values[param.name] = param.coerce(raw)
        steps_raw = self.query_one("#exp-steps", Input).value.strip()
        try:
            steps = int(steps_raw)
        except ValueError:
            raise ValueError(f"steps must be a whole number, got {steps_raw!r}") from None
        if not 1 <= steps <= self.spec.max_steps:
            raise ValueError(f"steps must be in [1, {self.spec.max_steps}], got {steps}")
        seed_raw = self.query_one("#exp-seed", Input).value.strip() or "0"
        try:
            seed = int(seed_raw)
        except ValueError:
            raise ValueError(f"seed must be a whole number, got {seed_raw!r}") from None
        return values, steps, seed

    def prediction_choice(self) -> int | None:
        if self.spec.prediction is None:
            return None
        radios = self.query_one("#exp-prediction", RadioSet)
        index = radios.pressed_index
        return index if index >= 0 else None

    # -- actions ---------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "exp-start": self.action_start,
            "exp-pause": self.action_pause,
            "exp-cancel": self.action_cancel,
            "exp-png": self.action_save_png,
            "exp-runs": self.action_runs,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def action_start(self) -> None:
        """Start a run with the form's settings (also re-runs a finished one)."""
        if self.state in ("running", "paused"):
            self.notify("A run is in progress: cancel it first (c).", severity="warning")
            return
        try:
            params, steps, seed = self.read_form()
        except ValueError as error:
            self.notify(str(error), title="Check the parameters", severity="error")
            return
        choice = self.prediction_choice()
        if self.spec.prediction is not None and choice is None and not self._warned_no_prediction:
            self._warned_no_prediction = True
            self.notify(
                "Pick your prediction first; press Start again to run without one.",
                title="Predict, then run",
                severity="warning",
            )
            return
        self._prediction_choice = choice
        request = RunRequest(self.spec, params, steps, (seed,))
        self.run_number += 1
        self.live = LiveHistory(total=steps)
        self.result = None
        self.run_id = None
        self.prediction_correct = None
        self.error = None
        self._paused_since = None
        self._drawn_version = -1
        self._set_state("running")
        self._show_verdict(Text(f"Running {steps} steps..."), None)
        progress = self.query_one("#exp-progress", ProgressBar)
        progress.update(total=steps, progress=0)
        self.query_one("#exp-pixels", PixelView).show(None)
        self._started_at = time.perf_counter()
        self._train(self._ensure_backend(), request, self.run_number, self.live)

    def action_pause(self) -> None:
        backend = self._backend
        if backend is None:
            return
        if self.state == "running":
            backend.pause()
            self._paused_since = time.perf_counter()
            self._set_state("paused")
        elif self.state == "paused":
            backend.resume()
            if self._paused_since is not None:
                self.live.paused_s += time.perf_counter() - self._paused_since
            self._paused_since = None
            self._set_state("running")

    def action_cancel(self) -> None:
        if self.state in ("running", "paused") and self._backend is not None:
            self._backend.cancel()
            self.query_one("#exp-rate", StatusLine).update(Text("cancelling..."))

    def action_back(self) -> None:
        self.action_cancel()
        self.dismiss(None)

    def action_runs(self) -> None:
        from studyapp.ui.screens.runs import RunsScreen

        self.app.push_screen(RunsScreen(self.experiment_id))

    def action_save_png(self) -> None:
        if self.result is None:
            self.notify("Run the experiment first.", severity="warning")
            return
        self._save_png(self.result, self._figure_path())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.state in ("running", "paused")
        if action in ("pause", "cancel"):
            return running
        if action == "save_png":
            return self.result is not None
        return True

    def _set_state(self, state: RunState) -> None:
        self.state = state
        running = state in ("running", "paused")
        self.query_one("#exp-start", Button).label = "Re-run" if state == "finished" else "Start"
        self.query_one("#exp-start", Button).disabled = running
        pause = self.query_one("#exp-pause", Button)
        pause.disabled = not running
        pause.label = "Resume" if state == "paused" else "Pause"
        self.query_one("#exp-cancel", Button).disabled = not running
        self.query_one("#exp-png", Button).disabled = self.result is None
        if self.spec.prediction is not None:
            self.query_one("#exp-prediction", RadioSet).disabled = running
        for widget in self.query("#exp-side Input, #exp-side Select, #exp-side Switch"):
            widget.disabled = running
        self.refresh_bindings()

    # -- the worker ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="experiment")
    def _train(self, backend: RunBackend, request: RunRequest, run: int, live: LiveHistory) -> None:
        """Drive one run on a thread; only messages go back to the UI."""
        worker = get_current_worker()
        last_post = 0.0

        def on_progress(progress: Progress) -> None:
            nonlocal last_post
            live.add(progress)
            now = time.perf_counter()
            if progress.snapshot is not None or now - last_post >= MESSAGE_SECONDS:
                last_post = now
                self.post_message(
                    RunProgressed(
                        run,
                        progress.step,
                        progress.total,
                        dict(progress.metrics),
                        progress.snapshot,
                    )
                )

        try:
            result = backend.run(request, on_progress, lambda: worker.is_cancelled)
        except RunFailedError as error:
            self.post_message(RunCrashed(run, str(error)))
            return
        except Exception as error:  # a bug in a runner must not take the app down
            self.post_message(RunCrashed(run, _one_line(error)))
            return
        self.post_message(RunFinished(run, result))

    def on_run_progressed(self, message: RunProgressed) -> None:
        if message.run != self.run_number or self.state not in ("running", "paused"):
            return
        self.query_one("#exp-progress", ProgressBar).update(
            total=message.total, progress=message.step
        )
        self._show_rate()

    def _show_rate(self) -> None:
        live = self.live
        now = self._paused_since or time.perf_counter()
        label = "paused" if self.state == "paused" else f"{live.rate(now):.1f} steps/s"
        eta = format_seconds(live.eta_seconds(now))
        text = f"step {live.step}/{live.total}  {label}  {eta} left"
        self.query_one("#exp-rate", StatusLine).update(Text(text))

    def _redraw(self) -> None:
        """Timer: hand the new history to the plots; a worker builds the charts."""
        live = self.live
        if live.version != self._drawn_version:
            self._drawn_version = live.version
            self._draw_series(live.series(), live.snapshot, redraw=False)
            if self.state in ("running", "paused"):
                self._show_rate()
        if self._building:
            return
        widgets: list[CurvePlot | PixelView] = [*self.query(CurvePlot), *self.query(PixelView)]
        jobs = [
            (w, job)
            for w in widgets
            if (w.is_on_screen or not w.display) and (job := w.build_job()) is not None
        ]
        if jobs:
            self._building = True
            self._build_pictures(jobs)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pictures")
    def _build_pictures(self, jobs: list[tuple[CurvePlot | PixelView, Any]]) -> None:
        """Build charts and pictures off the UI thread (plotext takes 10-30 ms a chart)."""
        built = []
        try:
            for widget, job in jobs:
                built.append((widget, *job()))
        finally:
            self.post_message(PicturesBuilt(built))

    def on_pictures_built(self, message: PicturesBuilt) -> None:
        self._building = False
        for widget, key, picture in message.built:
            widget.accept(key, picture)

    def _draw_series(
        self, series: dict[str, list[float]], snapshot: dict | None, *, redraw: bool = True
    ) -> None:
        for plot in self.query(CurvePlot):
            plot.show(series, redraw=redraw)
        if snapshot is not None:
            self.query_one("#exp-pixels", PixelView).show(snapshot, redraw=redraw)

    def on_run_crashed(self, message: RunCrashed) -> None:
        if message.run != self.run_number:
            return
        self.error = message.error
        self._set_state("finished")
        self.query_one("#exp-rate", StatusLine).update(Text("failed"))
        self._show_verdict(Text(f"The run failed: {message.error}"), False)
        self.notify(message.error, title="Experiment failed", severity="error", timeout=10)

    def on_run_finished(self, message: RunFinished) -> None:
        if message.run != self.run_number:
            return
        result = message.result
        self.result = result
        self._set_state("finished")
        self._draw_series(result.history, result.snapshot, redraw=False)
        self._drawn_version = self.live.version
        self.query_one("#exp-progress", ProgressBar).update(
            total=self.live.total or result.steps_done or 1, progress=result.steps_done
        )
        rate = result.steps_done / result.elapsed_s if result.elapsed_s > 0 else 0.0
        self.query_one("#exp-rate", StatusLine).update(
            Text(
                f"{result.status}: {result.steps_done} steps in {result.elapsed_s:.1f} s"
                f" ({rate:.0f} steps/s)"
            )
        )
        self.prediction_correct = result.grade(self._prediction_choice)
        self._show_verdict(self._verdict_text(result), result.verdict.passed)
        self.query_one("#exp-main", VerticalScroll).scroll_home(animate=False)
        if result.status == "diverged":
            self.notify(result.verdict.summary, title="The run diverged", severity="warning")
        self._store(result)

    def _verdict_text(self, result: Result) -> Text:
        verdict = result.verdict
        mark = "PASSED" if verdict.passed else "NOT SHOWN"
        if result.status != "completed":
            mark = result.status.upper()
        text = Text(f"{mark}: ", style="bold")
        text.append(verdict.summary)
        if verdict.seeds_total > 1:
            text.append(f" ({verdict.seeds_agreed}/{verdict.seeds_total} seeds agree)")
        prediction = self.spec.prediction
        if prediction is not None and result.answer is not None:
            answer = prediction.choices[result.answer]
            text.append(f"\nThe run's answer: {answer}.")
            if self.prediction_correct is True:
                text.append(" Your prediction was right.", style="bold")
            elif self.prediction_correct is False:
                chosen = prediction.choices[self._prediction_choice or 0]
                text.append(f" You predicted {chosen}.", style="bold")
        return text

    def _show_verdict(self, text: Text, passed: bool | None) -> None:
        verdict = self.query_one("#exp-verdict", Static)
        verdict.update(text)
        verdict.set_class(passed is True, "passed")
        verdict.set_class(passed is False, "failed")

    # -- storing ---------------------------------------------------------------------------

    def _store(self, result: Result) -> None:
        """Save the run and log the graded prediction; errors become a notification."""
        try:
            service = self.app.service  # type: ignore[attr-defined]
        except Exception as error:
            self.notify(f"run not saved: {error}", severity="warning")
            return
        correct = self.prediction_correct
        try:
            self.run_id = service.save_result(
                result, card_id=self.card_id, prediction_choice=self._prediction_choice
            )
            if correct is not None and self.card_id is not None:
                from studyapp.study.views import Rating

                duration_ms = int((time.perf_counter() - self._started_at) * 1000)
                clock = getattr(self.app, "now", None)
                service.answer(
                    self.card_id,
                    Rating.GOOD if correct else Rating.AGAIN,
                    duration_ms,
                    now=clock() if callable(clock) else None,
                    kind="prediction",
                )
        except Exception as error:
            self.notify(_one_line(error), title="Could not save the run", severity="error")

    def _figure_path(self) -> Path:
        from studyapp.paths import data_dir

        name = f"{self.experiment_id}-run{self.run_id or self.run_number}.png"
        return data_dir() / "figures" / name

    @work(thread=True, exclusive=True, exit_on_error=False, group="figure")
    def _save_png(self, result: Result, path: Path) -> None:
        try:
            from studyapp.experiments.figures import save_figure
        except ImportError:
            self.app.call_from_thread(
                self.notify, "figure export (studyapp.experiments.figures) is not available", severity="error"
            )
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_figure(self.spec, result, path)
        except Exception as error:
            self.app.call_from_thread(
                self.notify, _one_line(error), title="PNG not saved", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, str(path), title="Figure saved")

    # -- leaving ---------------------------------------------------------------------------

    def on_unmount(self) -> None:
        """Stop the run and end the backend's process: nothing may outlive the screen."""
        backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()


def _range_text(param: Param) -> str:
    if param.choices:
        return "one of " + ", ".join(param.choices)
    if param.kind is bool:
        return "on or off"
    lo = "-inf" if param.low is None else f"{param.low:g}"
    hi = "inf" if param.high is None else f"{param.high:g}"
    return f"{param.kind.__name__} in [{lo}, {hi}], default {param.default}"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) < 300 else text[:297] + "..."
