"""The experiment screen: predict, run an experiment live, read its verdict, keep the run.

Opened from a card (``x``), the experiments list or the palette. Laid out for 80x24 first,
as one flow: the question and its choices (the Predict view, focused on entry; nothing to
plot yet), then the run with its curves across the full width, then a verdict strip that
stays on screen under every view: PASSED or FAILED, the verdict's one plain sentence and
the graded prediction. The numbers and the bar behind the verdict are one key away (the
Numbers view); each view has a digit key (``1-5 Views`` on the key bar), and the curves
key again shows the next page of plots where they do not all fit.

A run trains off the UI thread through a :mod:`studyapp.experiments.run_backends` backend
(a child process with torch imported, started and warmed with this experiment's module
when the screen opens) that a thread worker drives. The worker posts replaceable
:class:`RunProgressed` messages (at most 5 a second); plots and pictures redraw on a timer
from the shared :class:`~studyapp.experiments.run_backends.LiveHistory`, never per step,
and are built on a worker, only those on screen (:mod:`.experiment_drawing`).

At the end the verdict shows and ``service.runs.finish`` grades the prediction, stores the
run and logs the prediction as a review of the card (one transaction); the screen shows its
outcome. Failures go through :class:`StudyScreen`'s one error path.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import (
    Collapsible,
    OptionList,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
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
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.screens.experiment_drawing import REDRAW_SECONDS, LiveDrawing
from studyapp.ui.screens.experiment_form import figure_path, read_form, settings_widgets
from studyapp.ui.screens.experiment_parts import (
    RunCrashed,
    RunFinished,
    RunProgressed,
    StatusLine,
    choice_prompt,
    format_seconds,
    graded_text,
    numbers_text,
    one_line,
    show_marked,
    verdict_text,
)
from studyapp.ui.widgets.curve_grid import CurveGrid
from studyapp.ui.widgets.keybar import KeyBar
from studyapp.ui.widgets.pixels import PixelView

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Progress, Result
    from studyapp.study.views import RunOutcome

__all__ = ["ExperimentScreen", "RunCrashed", "RunFinished", "RunProgressed", "StatusLine"]

RunState = Literal["idle", "running", "paused", "finished"]

MESSAGE_SECONDS = 0.2
"""The worker posts at most one progress message per this many seconds."""

NO_PICTURES_YET = "Pictures of the samples appear here while the run trains."
NO_PICTURES = "This experiment draws no pictures: its curves (2) show what it measures."
NO_NUMBERS_YET = "The numbers behind the verdict appear here after a run."
NUMBERS_HINT = "  (4: the numbers)"


class ExperimentScreen(LiveDrawing, StudyScreen):
    """Predict, run live, read the verdict, save the figure and the run."""

    CSS_PATH = "experiment.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="experiment.start", tooltip="Start (or re-run)"),
        Binding("p", "pause", "Pause", id="experiment.pause", tooltip="Pause or resume"),
        Binding("c", "cancel", "Cancel", id="experiment.cancel", tooltip="Stop the run"),
        Binding("1", "view('predict')", "Views", id="experiment.views", key_display="1-5",
                tooltip="1 the prediction, 2 curves, 3 pictures, 4 numbers, 5 about"),
        Binding("2", "view('curves')", "Curves", id="experiment.curves", show=False,
                tooltip="The curves; again: the next plots"),
        Binding("3", "view('pictures')", "Pictures", id="experiment.pictures", show=False,
                tooltip="The samples, drawn while the run trains"),
        Binding("4", "view('numbers')", "Numbers", id="experiment.numbers", show=False,
                tooltip="The measurements and the bar behind the verdict"),
        Binding("5", "view('about')", "About", id="experiment.about", show=False,
                tooltip="What the experiment shows, with sources"),
        Binding("g", "save_png", "PNG", id="experiment.png", tooltip="Save the figure"),
        Binding("h", "runs", "Runs", id="experiment.runs", tooltip="Saved runs, compare"),
        Binding("o", "settings", "Settings", id="experiment.settings", tooltip="Fold settings"),
        Binding("escape", "back", "Back", id="experiment.back", tooltip="Leave (stops a run)"),
    ]  # fmt: skip

    state: reactive[RunState] = reactive("idle", init=False, bindings=True)  # see watch_state

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
        self.run_number = 0
        self.live = LiveHistory()
        self.result: Result | None = None
        self.outcome: RunOutcome | None = None
        """What storing the last run gave (its id, the graded prediction)."""
        self.error: str | None = None
        self.choice: int | None = None
        """The prediction picked in the list (None until one is picked)."""
        self._prediction_choice: int | None = None
        self._warned_no_prediction = False
        self._paused_since: float | None = None
        self._started_at = 0.0

    def compose(self) -> ComposeResult:
        spec = self.spec
        title = Text(spec.title, style="bold")
        title.append(" · " + spec.summary, style="dim")
        yield Static(title, id="exp-title")
        with TabbedContent(id="exp-tabs", initial="tab-predict"):
            label = "1 Predict" if spec.prediction is not None else "1 Settings"
            with TabPane(label, id="tab-predict"), VerticalScroll(id="exp-predict"):
                if spec.prediction is not None:
                    question = Text("Predict: ", style="bold")
                    question.append(spec.prediction.question)
                    yield Static(question, id="exp-prediction-q")
                    yield OptionList(
                        *(choice_prompt(c, False) for c in spec.prediction.choices),
                        id="exp-prediction",
                    )
                collapsed = spec.prediction is not None
                with Collapsible(title="Settings", collapsed=collapsed, id="exp-settings"):
                    yield from settings_widgets(spec, self.overrides)
            with TabPane("2 Curves", id="tab-curves"):
                yield CurveGrid(spec.plots, id="exp-curves")
            with TabPane("3 Pictures", id="tab-pictures"), VerticalScroll(id="exp-pictures"):
                yield PixelView(NO_PICTURES_YET, id="exp-pixels")
            with TabPane("4 Numbers", id="tab-numbers"), VerticalScroll():
                yield Static(Text(NO_NUMBERS_YET), id="exp-numbers")
            with TabPane("5 About", id="tab-about"), VerticalScroll():
                yield Static(Text(spec.explanation), id="exp-explanation")
        with Vertical(id="exp-strip"):
            with Horizontal(id="exp-status"):
                yield StatusLine(self._idle_hint(), id="exp-rate")
                yield ProgressBar(total=1, show_eta=False, id="exp-progress")
            yield Static(Text(""), id="exp-verdict")
            yield Static(Text(""), id="exp-graded")
        yield KeyBar()

    def _idle_hint(self) -> str:
        steps = self.overrides.get("steps", self.spec.default_steps)
        if self.spec.prediction is None:
            return f"s starts the run ({steps} steps)"
        return f"Pick your prediction (arrows, Enter); s starts the run ({steps} steps)"

    def on_mount(self) -> None:
        self.set_interval(REDRAW_SECONDS, self._redraw)
        if self.spec.prediction is not None:
            self.query_one("#exp-prediction", OptionList).focus()
        else:
            self.query_one("#exp-tabs Tabs", Tabs).focus()
        backend = self._ensure_backend()
        backend.warm(self.spec)

    def _ensure_backend(self) -> RunBackend:
        """The backend, created once per screen (the process one warms up meanwhile)."""
        if self._backend is None:
            try:
                self._backend = make_backend(self._backend_name)
            except Exception as error:  # e.g. processes cannot be started here
                self._backend = ThreadBackend()
                self.notify(
                    f"{one_line(error)}; training in a thread instead",
                    title="No experiment process",
                    severity="warning",
                )
        return self._backend

    def read_form(self) -> tuple[dict[str, Any], int, int]:
        """Checked parameter values, steps and seed; ValueError with a one-line reason."""
        return read_form(self, self.spec)

    def prediction_choice(self) -> int | None:
        return self.choice if self.spec.prediction is not None else None

    def pick(self, index: int) -> None:
        """Mark choice ``index`` as the prediction (what Enter on the list does)."""
        prediction = self.spec.prediction
        if prediction is None or not 0 <= index < len(prediction.choices):
            return
        self.choice = index
        options = self.query_one("#exp-prediction", OptionList)
        for i, choice in enumerate(prediction.choices):
            options.replace_option_prompt_at_index(i, choice_prompt(choice, i == index))
        options.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "exp-prediction":
            event.stop()
            if self.state not in ("running", "paused"):
                self.pick(event.option_index)

    def action_settings(self) -> None:
        """Fold the settings open or shut (they live in the Predict view)."""
        settings = self.query_one("#exp-settings", Collapsible)
        settings.collapsed = not settings.collapsed
        self.action_view("predict")

    def action_view(self, name: str) -> None:
        """Show view ``name``; the curves' key, pressed on the curves, turns their page."""
        tabs = self.query_one("#exp-tabs", TabbedContent)
        pane = f"tab-{name}"
        if tabs.active == pane and name == "curves":
            self.query_one("#exp-curves", CurveGrid).next_page()
            return
        tabs.active = pane
        self._focus_view(name)

    def _focus_view(self, name: str) -> None:
        """The prediction list in the Predict view; the tab row elsewhere (its arrows
        switch views), so no key goes to a widget out of sight."""
        if name == "predict" and self.spec.prediction is not None:
            self.query_one("#exp-prediction", OptionList).focus()
        else:
            self.query_one("#exp-tabs Tabs", Tabs).focus()

    def on_curve_grid_paged(self, message: CurveGrid.Paged) -> None:
        """Name the page in the tab: ``2 Curves 1/3`` (plain ``2 Curves`` when all fit)."""
        page = f" {message.page + 1}/{message.pages}" if message.pages > 1 else ""
        tabs = self.query_one("#exp-tabs", TabbedContent)
        tabs.get_tab("tab-curves").label = f"2 Curves{page}"

    def action_start(self) -> None:
        """Start a run with the form's settings (also re-runs a finished one)."""
        if self.state in ("running", "paused"):
            self.notify("A run is in progress: cancel it first (c).", severity="warning")
            return
        try:
            params, steps, seed = self.read_form()
        except ValueError as error:
            self.query_one("#exp-settings", Collapsible).collapsed = False
            self.notify(str(error), title="Check the settings", severity="error")
            return
        choice = self.prediction_choice()
        if self.spec.prediction is not None and choice is None and not self._warned_no_prediction:
            self._warned_no_prediction = True
            self.notify(
                "Pick your prediction first (arrows, Enter); press s again to run without one.",
                title="Predict, then run",
                severity="warning",
            )
            return
        self._prediction_choice = choice
        request = RunRequest(self.spec, params, steps, (seed,))
        self.run_number += 1
        self.live = LiveHistory(total=steps)
        self.result = None
        self.outcome = None
        self.error = None
        self._paused_since = None
        self._drawn_version = -1
        self.state = "running"
        self._show_verdict(Text(""), None)
        self._show_graded(Text(""), None)
        self.query_one("#exp-progress", ProgressBar).update(total=steps, progress=0)
        self.query_one("#exp-rate", StatusLine).update(f"starting {steps} steps...")
        pixels = self.query_one("#exp-pixels", PixelView)
        pixels.show(None)
        pixels.set_placeholder(NO_PICTURES_YET)
        self.query_one("#exp-numbers", Static).update(Text(NO_NUMBERS_YET))
        if self.query_one("#exp-tabs", TabbedContent).active == "tab-predict":
            self.action_view("curves")  # the run, across the full width
        self._started_at = time.perf_counter()
        self._train(self._ensure_backend(), request, self.run_number, self.live)

    def action_pause(self) -> None:
        backend = self._backend
        if backend is None:
            return
        if self.state == "running":
            backend.pause()
            self._paused_since = time.perf_counter()
            self.state = "paused"
            self._show_rate()
        elif self.state == "paused":
            backend.resume()
            if self._paused_since is not None:
                self.live.paused_s += time.perf_counter() - self._paused_since
            self._paused_since = None
            self.state = "running"
            self._show_rate()

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
        number = self.outcome.run_id if self.outcome is not None else self.run_number
        path = figure_path(self.experiment_id, number)
        self._save_png(self.result, path)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.state in ("running", "paused")
        if action in ("pause", "cancel"):
            return running
        if action == "save_png":
            return self.result is not None
        return True

    def watch_state(self, state: RunState) -> None:
        """A class per state (``-running``...); settings lock while a run uses them."""
        for name in ("running", "paused", "finished"):
            self.set_class(state == name, f"-{name}")
        running = state in ("running", "paused")
        for widget in self.query("#exp-settings Input, #exp-settings Select, #exp-settings Switch"):
            widget.disabled = running

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
            self.post_message(RunCrashed(run, one_line(error)))
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
        text = f"step {live.step}/{live.total} · "
        if self.state == "paused":
            text += "paused (p resumes)"
        else:
            now = time.perf_counter()
            eta = format_seconds(live.eta_seconds(now))
            text += f"{live.rate(now):.1f} steps/s · {eta} left"
        self.query_one("#exp-rate", StatusLine).update(Text(text))

    def on_run_crashed(self, message: RunCrashed) -> None:
        if message.run != self.run_number:
            return
        self.error = message.error
        self.state = "finished"
        self.query_one("#exp-rate", StatusLine).update(Text("failed"))
        failed = Text("FAILED", style="bold")
        failed.append(f"  The run stopped with an error: {message.error}")
        self._show_verdict(failed, False)
        self.app.report_failure("The experiment", RunFailedError(message.error))

    def on_run_finished(self, message: RunFinished) -> None:
        if message.run != self.run_number:
            return
        result = message.result
        self.result = result
        self.state = "finished"
        self._draw_series(result.history, result.snapshot, redraw=False)
        self._drawn_version = self.live.version
        self.query_one("#exp-progress", ProgressBar).update(
            total=self.live.total or result.steps_done or 1, progress=result.steps_done
        )
        rate = result.steps_done / result.elapsed_s if result.elapsed_s > 0 else 0.0
        self.query_one("#exp-rate", StatusLine).update(
            Text(
                f"{result.status}: {result.steps_done} steps in {result.elapsed_s:.1f} s"
                f" · {rate:.0f} steps/s"
            )
        )
        lead = verdict_text(result)
        lead.append(NUMBERS_HINT, style="dim")
        self._show_verdict(lead, result.verdict.passed)
        self.query_one("#exp-numbers", Static).update(numbers_text(self.spec, result))
        if not self.query_one("#exp-pixels", PixelView).kinds:
            self.query_one("#exp-pixels", PixelView).set_placeholder(NO_PICTURES)
        if result.status == "diverged":
            self.notify(result.verdict.summary, title="The run diverged", severity="warning")
        self._finish(result)
        prediction = self.spec.prediction
        if prediction is not None and result.answer is not None:
            chosen, correct = self._prediction_choice, self.prediction_correct
            shown = graded_text(prediction.choices, result.answer, chosen, correct)
            self._show_graded(shown, correct)

    @property
    def prediction_correct(self) -> bool | None:
        """The last run's prediction as ``runs.finish`` graded it (None: not graded)."""
        return self.outcome.correct if self.outcome is not None else None

    def _show_verdict(self, text: Text, passed: bool | None) -> None:
        verdict = self.query_one("#exp-verdict", Static)
        show_marked(verdict, text, passed, ("passed", "failed"))
        verdict.display = bool(text.plain)

    def _show_graded(self, text: Text, right: bool | None) -> None:
        graded = self.query_one("#exp-graded", Static)
        show_marked(graded, text, right, ("right", "wrong"))
        graded.display = bool(text.plain)

    def _finish(self, result: Result) -> None:
        """``runs.finish``: grade the prediction, store the run, log the prediction as a
        review of the card (one transaction); errors take the one error path."""
        duration_ms = int((time.perf_counter() - self._started_at) * 1000)
        with self.reported("Saving the run"):
            self.outcome = self.app.service.runs.finish(
                result, self.card_id, self._prediction_choice,
                duration_ms=duration_ms, now=self.app.now(),
            )  # fmt: skip

    @work(thread=True, exclusive=True, exit_on_error=False, group="figure", name="Saving the PNG")
    def _save_png(self, result: Result, path: Path) -> None:
        """Write the figure off the UI thread; a failure takes the one error path."""
        from studyapp.experiments.figures import save_figure

        path.parent.mkdir(parents=True, exist_ok=True)
        save_figure(self.spec, result, path)
        self.app.call_from_thread(self.notify, str(path), title="Figure saved")

    def on_unmount(self) -> None:
        """Stop the run and end the backend's process: nothing may outlive the screen."""
        backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()
