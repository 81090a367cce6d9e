"""Every experiment on one screen, each with the cards linked to it (``studyapp experiments``
in the app).

A table lists the experiments (linked cards, saved runs, title); the highlighted one shows
its summary and its linked cards below. Enter opens the experiment screen (its prediction
then grades no card: that is what opening it from a card with ``x`` is for); ``h`` its runs.
The cards and runs are read on a worker: the table shows at once, the counts follow.
"""

from __future__ import annotations

from collections.abc import Sequence
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

if TYPE_CHECKING:
    from models.base import ExperimentSpec
    from studyapp.study.service import StudyService
    from studyapp.study.views import CardView

SHOWN_CARDS = 12
"""Linked cards listed under the highlighted experiment (the rest are counted)."""


@dataclass(frozen=True)
class Linked:
    """What the screen reads on a worker: linked cards and run counts per experiment id."""

    cards: dict[str, list[CardView]]
    runs: dict[str, int]


@dataclass
class LinksRead(Loaded):
    """The linked cards and run counts (:func:`read_links`)."""

    linked: Linked


def read_links(service: StudyService, ids: Sequence[str]) -> Linked:
    """Every card grouped by the experiments it links, and how many runs each has saved."""
    cards: dict[str, list[CardView]] = {i: [] for i in ids}
    for card in service.cards.browse():
        for experiment in card.experiments:
            if experiment in cards:
                cards[experiment].append(card)
    runs: dict[str, int] = {i: 0 for i in ids}
    for run in service.runs():
        if run.experiment in runs:
            runs[run.experiment] += 1
    return Linked(cards, runs)


def card_lines(cards: Sequence[CardView], limit: int = SHOWN_CARDS) -> Text:
    """``deck · front`` per linked card (card text is data, shown literally)."""
    if not cards:
        return Text("No card links this experiment.", style="dim")
    text = Text(f"{len(cards)} linked card{'s' if len(cards) != 1 else ''}:\n", style="bold")
    for card in cards[:limit]:
        text.append(f"  {card.deck_name} · ", style="dim")
        text.append(" ".join(card.front.split()))
        text.append("\n")
    if len(cards) > limit:
        text.append(f"  … and {len(cards) - limit} more\n", style="dim")
    return text


TITLE_MARGIN = 20
"""Columns the title leaves: the counts, the cells' padding and a scrollbar."""


class ExperimentsScreen(StudyScreen):
    """The list of experiments; Enter opens one, ``h`` its saved runs."""

    DEFAULT_CSS = """
    ExperimentsScreen #experiments-table { height: auto; max-height: 50%; }
    ExperimentsScreen #experiments-detail { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Open",
            id="experiments.open",
            tooltip="Open the experiment",
            priority=True,
        ),
        Binding("h", "runs", "Runs", id="experiments.runs", tooltip="Its saved runs"),
        Binding("escape", "back", "Back", id="experiments.back", tooltip="Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        import models

        self.specs: tuple[ExperimentSpec, ...] = tuple(models.all_specs())
        self.linked: Linked | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Experiments", style="bold"), id="experiments-title")
        yield DataTable(id="experiments-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="experiments-detail"):
            yield Static(Text(""), id="experiments-about")
            yield Static(Text("Reading the linked cards…", style="dim"), id="experiments-cards")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#experiments-table", DataTable)
        table.add_column("cards", key="cards")
        table.add_column("runs", key="runs")
        # the title takes the width the counts leave; a long one ends in "…" (the detail
        # below shows it whole)
        width = max(20, self.app.size.width - TITLE_MARGIN)
        table.add_column("experiment", key="title", width=width)
        for spec in self.specs:
            title = Text(spec.title, no_wrap=True, overflow="ellipsis")
            table.add_row("…", "…", title, key=spec.id)
        table.focus()

    def reload(self) -> None:
        if self.app.ready:
            ids = [spec.id for spec in self.specs]
            self.load(LinksRead, read_links, self.app.service, ids, label="Linked cards")

    @on(LinksRead)
    def _links_read(self, message: LinksRead) -> None:
        value = self.linked = message.linked
        table = self.query_one("#experiments-table", DataTable)
        for spec in self.specs:
            table.update_cell(spec.id, "cards", str(len(value.cards[spec.id])))
            table.update_cell(spec.id, "runs", str(value.runs[spec.id]))
        self._show(self.current())

    def current(self) -> ExperimentSpec | None:
        """The highlighted experiment."""
        table = self.query_one("#experiments-table", DataTable)
        if not self.specs or table.cursor_row < 0:
            return None
        return self.specs[min(table.cursor_row, len(self.specs) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show(self.current())

    def _show(self, spec: ExperimentSpec | None) -> None:
        if spec is None:
            return
        about = Text(spec.title, style="bold")
        about.append(f"  ({spec.id})\n", style="dim")
        about.append(spec.summary + "\n")
        if spec.prediction is not None:
            about.append("Predict: ", style="bold")
            about.append(spec.prediction.question + "\n")
        self.query_one("#experiments-about", Static).update(about)
        if self.linked is not None:
            cards = card_lines(self.linked.cards.get(spec.id, []))
            self.query_one("#experiments-cards", Static).update(cards)

    def action_open(self) -> None:
        """Open the highlighted experiment (not graded against any card)."""
        spec = self.current()
        if spec is not None:
            self.app.open("experiment", spec.id)

    def action_runs(self) -> None:
        spec = self.current()
        if spec is not None:
            self.app.open("runs", spec.id)

    def action_back(self) -> None:
        self.dismiss(None)
