"""How the experiment screen draws a run: plots and pictures, off the UI thread.

A timer (every :data:`REDRAW_SECONDS`) hands the newest history to the plots and the newest
snapshot to the pictures; a worker builds the charts and pictures on screen, at most
:data:`BUILD_SHARE` of the time, and :class:`PicturesBuilt` brings them back. Nothing is
drawn per training step.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import work

from studyapp.ui.screens.experiment_parts import PicturesBuilt
from studyapp.ui.widgets.pixels import PixelView
from studyapp.ui.widgets.plots import CurvePlot

if TYPE_CHECKING:
    from studyapp.experiments.run_backends import LiveHistory
    from studyapp.ui.screens.base import StudyScreen

    _Screen = StudyScreen
else:
    _Screen = object

REDRAW_SECONDS = 0.4
"""Plots and pictures redraw this often while a run trains (only those on screen)."""

BUILD_SHARE = 0.1
"""Building charts may take at most this share of the time (the next build waits 9x the
last one's duration, at most ``MAX_BUILD_WAIT``): rendering cannot starve training."""
MAX_BUILD_WAIT = 3.0


class LiveDrawing(_Screen):
    """The drawing half of the experiment screen, mixed into it (a screen of its own only
    to the type checker): the screen owns ``live`` (the run's shared history), ``state``
    and ``_show_rate``."""

    live: LiveHistory
    state: Any

    def __init__(self) -> None:
        super().__init__()
        self._drawn_version = -1
        self._building = False
        self._next_build = 0.0

    def _show_rate(self) -> None:
        """The status line's figures (the subclass says them)."""

    def _redraw(self) -> None:
        """Timer: hand the new history to the plots; a worker builds the visible charts."""
        live = self.live
        if live.version != self._drawn_version:
            self._drawn_version = live.version
            self._draw_series(live.series(), live.snapshot, redraw=False)
            if self.state in ("running", "paused") and live.step:
                self._show_rate()
        if self._building or time.perf_counter() < self._next_build:
            return
        widgets: list[CurvePlot | PixelView] = [*self.query(CurvePlot), *self.query(PixelView)]
        jobs = [(w, job) for w in widgets if w.is_on_screen and (job := w.build_job()) is not None]
        if jobs:
            self._building = True
            self._build_pictures(jobs)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pictures")
    def _build_pictures(self, jobs: list[tuple[CurvePlot | PixelView, Any]]) -> None:
        """Build charts and pictures off the UI thread (plotext takes 10-30 ms a chart)."""
        built, started = [], time.perf_counter()
        try:
            for widget, job in jobs:
                built.append((widget, *job()))
        finally:
            self.post_message(PicturesBuilt(built, time.perf_counter() - started))

    def on_pictures_built(self, message: PicturesBuilt) -> None:
        self._building = False
        wait = min(MAX_BUILD_WAIT, message.seconds * (1 / BUILD_SHARE - 1))
        self._next_build = time.perf_counter() + wait
        for widget, key, picture in message.built:
            widget.accept(key, picture)

    def _draw_series(
        self, series: dict[str, list[float]], snapshot: dict | None, *, redraw: bool = True
    ) -> None:
        for plot in self.query(CurvePlot):
            plot.show(series, redraw=redraw)
        if snapshot is not None:
            self.query_one("#exp-pixels", PixelView).show(snapshot, redraw=redraw)
