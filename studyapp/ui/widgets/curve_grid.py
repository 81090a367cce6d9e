"""An experiment's plots across the width: all at once when each gets enough rows, else a
page of them at a time (the experiment screen's curves key turns the page).

How many plots a page holds follows the widget's own size (``on_resize``): a plot needs
:data:`MIN_ROWS` rows, and plots go two abreast from :data:`WIDE_COLUMNS` columns. The page
is a reactive; each change posts :class:`CurveGrid.Paged` so the screen can name the page in
its tab ("Curves 1/3").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.reactive import reactive

from studyapp.ui.widgets.plots import CurvePlot

if TYPE_CHECKING:
    from models.base import PlotSpec

MIN_ROWS = 12
"""Rows a plot needs to be read (axes, a few rows of curve, its legend)."""
WIDE_COLUMNS = 110
"""From this width plots sit two abreast."""


def page_size(plots: int, width: int, height: int) -> tuple[int, int]:
    """``(plots per page, columns)`` for a ``width`` x ``height`` area."""
    if plots <= 1:
        return 1, 1
    columns = 2 if width >= WIDE_COLUMNS else 1
    rows = max(1, height // MIN_ROWS)
    per_page = max(1, min(plots, rows * columns))
    return per_page, min(columns, per_page)


class CurveGrid(Grid):
    """The live plots of an experiment, a page at a time where they do not all fit."""

    DEFAULT_CSS = """
    CurveGrid {
        grid-size: 1;
        grid-gutter: 0 1;
        grid-rows: 1fr;
        height: 1fr;
    }
    CurveGrid CurvePlot { height: 1fr; min-height: 6; }
    """

    page: reactive[int] = reactive(0, init=False)
    per_page: reactive[int] = reactive(1, init=False)

    @dataclass
    class Paged(Message):
        """The page shown changed: ``page`` of ``pages`` (both from 0 and 1)."""

        grid: CurveGrid
        page: int
        pages: int

    def __init__(self, plots: Sequence[PlotSpec], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs = tuple(plots)

    def compose(self) -> ComposeResult:
        for i, plot in enumerate(self.specs):
            yield CurvePlot(
                plot.title, plot.keys, ylabel=plot.ylabel, log_y=plot.log_y, id=f"plot-{i}"
            )

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.specs) / max(1, self.per_page)))

    def next_page(self) -> None:
        """Show the next page (after the last: the first)."""
        self.page = (self.page + 1) % self.pages

    def on_mount(self) -> None:
        self._show()

    def on_resize(self, event: events.Resize) -> None:
        per_page, columns = page_size(len(self.specs), event.size.width, event.size.height)
        self.styles.grid_size_columns = columns
        self.per_page = per_page

    def watch_per_page(self) -> None:
        self.page = min(self.page, self.pages - 1)
        self._show()

    def watch_page(self) -> None:
        self._show()

    def _show(self) -> None:
        first = self.page * self.per_page
        for i, plot in enumerate(self.query(CurvePlot)):
            plot.display = first <= i < first + self.per_page
        self.post_message(self.Paged(self, self.page, self.pages))
