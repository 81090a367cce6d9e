"""Saved experiment runs: reopen one, or mark two and compare their curves on one plot.

The table lists ``StudyService.runs(experiment)``, newest first. The highlighted run shows
its parameters, verdict, prediction (the choice's text, right or wrong) and curves below;
``space`` marks up to two runs (a ``●`` in the first column), and the plots then draw both
runs' curves together, labelled ``#id key``: one colour per run, one marker per metric,
the legend under the plot grouped by run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.widgets.keybar import KeyBar
from studyapp.ui.widgets.plots import CurvePlot

if TYPE_CHECKING:
    from models.base import PlotSpec
    from studyapp.study.views import RunRow


def _plots_for(experiment: str) -> tuple[PlotSpec, ...]:
    import models
    from models.base import ParamError, PlotSpec

    try:
        return models.get_spec(experiment).plots
    except ParamError:
        return (PlotSpec("metrics", ()),)


def prediction_text(run: RunRow) -> Text | None:
    """``prediction: <the choice's text> (right|wrong)``, wrong in the error style."""
    if run.prediction_choice is None:
        return None
    import models
    from models.base import ParamError

    try:
        prediction = models.get_spec(run.experiment).prediction
    except ParamError:
        prediction = None
    choices = prediction.choices if prediction is not None else ()
    index = run.prediction_choice
    chosen = choices[index] if 0 <= index < len(choices) else f"choice {index + 1}"
    text = Text("prediction: ")
    text.append(chosen)
    grade = {True: ("right", "green"), False: ("wrong", "bold red"), None: ("ungraded", "")}
    word, style = grade[run.prediction_correct]
    text.append(" (")
    text.append(word, style=style)
    text.append(")\n")
    return text


def run_label(run: RunRow) -> str:
    when = run.created_at.strftime("%Y-%m-%d %H:%M") if run.created_at else ""
    return f"#{run.id} {run.experiment} {when}"


def verdict_lead(run: RunRow) -> Text:
    """``PASSED  <one plain sentence>``: the stored verdict said as the screen says it (a run
    stored before schema v5 has no sentence: the summary's first clause stands in)."""
    from models.base import Verdict
    from studyapp.experiments.verdicts import plain_sentence, word_of

    text = Text(word_of(run.status, run.verdict_passed), style="bold")
    text.append(
        "  "
        + plain_sentence(Verdict(run.verdict_passed, run.verdict_summary, plain=run.verdict_plain))
    )
    return text


def compare_curves(
    runs: list[RunRow], keys: tuple[str, ...]
) -> dict[str, tuple[list[float], list[float]]]:
    """``label -> (steps, values)`` for every run and key, ready for ``CurvePlot``."""
    curves: dict[str, tuple[list[float], list[float]]] = {}
    for run in runs:
        steps = [float(s) for s in run.history.get("step", [])]
        for key in keys:
            values = list(run.history.get(key, []))
            if not values:
                continue
            xs = steps if len(steps) == len(values) else [float(i + 1) for i in range(len(values))]
            label = f"#{run.id} {key}" if len(runs) > 1 else key
            curves[label] = (xs, values)
    return curves


@dataclass
class RunsListed(Loaded):
    """Stored runs, newest first (``service.runs.list``)."""

    runs: list[RunRow]


class RunsScreen(StudyScreen):
    """Stored runs of one experiment (or of all), reopened and compared; the list loads on
    a worker and again when a run is saved (:class:`DataChanged`)."""

    CSS_PATH = "runs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark to compare", id="runs.mark", tooltip="Compare two runs"),
        Binding("escape", "back", "Back", id="runs.back", tooltip="Back to the experiment"),
    ]

    def __init__(self, experiment_id: str | None = None) -> None:
        super().__init__()
        self.experiment_id = experiment_id
        self.rows: list[RunRow] = []
        self.marked: list[int] = []
        """Ids of runs marked for comparison (at most two, oldest mark dropped)."""
        self.shown: list[int] = []
        """Ids of the runs the plots show now."""

    def compose(self) -> ComposeResult:
        title = f"Saved runs of {self.experiment_id}" if self.experiment_id else "Saved runs"
        yield Static(Text(title, style="bold"), id="runs-title")
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="runs-main"):
            yield Static(Text(""), id="runs-detail")
            if self.experiment_id:
                for i, plot in enumerate(_plots_for(self.experiment_id)):
                    yield CurvePlot(
                        plot.title,
                        plot.keys,
                        ylabel=plot.ylabel,
                        log_y=plot.log_y,
                        id=f"runs-plot-{i}",
                    )
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        table.add_column("✓", key="mark", width=1)
        table.add_columns("run", "when", "status", "verdict", "prediction", "params")

    def reload(self) -> None:
        """List the runs on a worker (a failure is one notification)."""
        runs = self.app.service.runs
        self.load(RunsListed, runs.list, self.experiment_id, label="Listing runs")

    @on(RunsListed)
    def _runs_listed(self, message: RunsListed) -> None:
        self._fill(message.runs)

    def _fill(self, rows: list[RunRow]) -> None:
        from studyapp.experiments.verdicts import word_of

        table = self.query_one("#runs-table", DataTable)
        table.clear()
        self.rows = rows
        ids = {run.id for run in rows}
        self.marked = [i for i in self.marked if i in ids]
        for run in self.rows:
            when = run.created_at.strftime("%m-%d %H:%M") if run.created_at else ""
            verdict = word_of(run.status, run.verdict_passed).lower()
            prediction = {True: "right", False: "wrong", None: "-"}[run.prediction_correct]
            params = ", ".join(f"{k}={v}" for k, v in run.params.items())
            table.add_row(
                self._mark(run.id),
                f"#{run.id}",
                when,
                run.status,
                verdict,
                prediction,
                Text(params),
                key=str(run.id),
            )
        if not self.rows:
            self.shown = []
            self.query_one("#runs-detail", Static).update(Text("No saved runs yet."))
        else:
            self.show_runs(self.marked or [self.rows[0].id])

    def _row(self, run_id: int) -> RunRow | None:
        return next((r for r in self.rows if r.id == run_id), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and not self.marked:
            self.show_runs([int(event.row_key.value)])

    def _mark(self, run_id: int) -> Text:
        return Text("●", style="bold") if run_id in self.marked else Text(" ")

    def action_mark(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        if not self.rows:
            return
        run_id = self.rows[table.cursor_row].id
        if run_id in self.marked:
            self.marked.remove(run_id)
        else:
            self.marked = [*self.marked, run_id][-2:]
        for row in self.rows:
            table.update_cell(str(row.id), "mark", self._mark(row.id))
        self.show_runs(self.marked or [run_id])
        label = ", ".join(f"#{i}" for i in self.marked) or "none"
        self.notify(f"marked for comparison: {label}")

    def action_back(self) -> None:
        self.dismiss(None)

    def show_runs(self, run_ids: list[int]) -> None:
        """Reopen one run (details and curves) or compare two (both runs' curves)."""
        runs = [r for r in (self._row(i) for i in run_ids) if r is not None]
        self.shown = [r.id for r in runs]
        detail = Text()
        for run in runs:
            detail.append(run_label(run) + "\n", style="bold")
            detail.append_text(verdict_lead(run))
            detail.append("\nMeasured, and the bar: " + run.verdict_summary + "\n")
            detail.append("params: " + json.dumps(run.params, sort_keys=True) + "\n")
            prediction = prediction_text(run)
            if prediction is not None:
                detail.append_text(prediction)
            metrics = {k: v for k, v in run.metrics.items() if isinstance(v, int | float)}
            if metrics:
                detail.append(
                    "metrics: " + ", ".join(f"{k}={v:.4g}" for k, v in metrics.items()) + "\n"
                )
        self.query_one("#runs-detail", Static).update(detail)
        for plot in self.query(CurvePlot):
            plot.show_curves(compare_curves(runs, plot.keys))
