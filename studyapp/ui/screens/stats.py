"""Stats: reviews-per-day heatmap, due forecast, true vs desired retention, button counts.

The numbers come from ``service.stats`` on a thread worker (:meth:`StudyScreen.load`); the
plots are plotext charts (``textual_plotext.PlotextPlot``) drawn when they arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.content import Content
from textual.widgets import Header, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from studyapp.study.views import NOT_MEASURED
from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.text import format_percent, plural
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.views import Stats

HEATMAP_WEEKS = 16
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BUTTONS = ("Again", "Hard", "Good", "Easy")


RGB = tuple[int, int, int]

HEAT_LEVELS = 5
"""Heatmap shades: no reviews, then four quarters of the busiest day's count."""


def theme_rgb(variables: dict[str, str], name: str) -> RGB:
    """A theme variable (``primary``, ``success``...) as plotext's RGB tuple."""
    return Color.parse(variables[name]).rgb


def heat_colors(variables: dict[str, str]) -> list[RGB]:
    """The heatmap's shades from the theme: the panel colour, then four steps to success."""
    empty = Color.parse(variables["panel"])
    full = Color.parse(variables["success"])
    return [empty.rgb] + [
        empty.blend(full, step / (HEAT_LEVELS - 1)).rgb for step in range(1, HEAT_LEVELS)
    ]


def heat_level(count: int, top: int) -> int:
    """0 for no reviews, else 1-4 by quarter of ``top`` (the busiest day)."""
    if count <= 0 or top <= 0:
        return 0
    return min(4, max(1, -(-4 * count // top)))


def count_ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number axis ticks (1, 2 or 5 times a power of ten apart) from 0 to at least
    ``top``: counts have no fractions."""
    top = max(top, 1)
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if top <= step * (most - 1):
                return list(range(0, top + step, step))[: most + 1]
        scale *= 10


def heatmap_matrix(per_day: dict[date, int], today: date, weeks: int = HEATMAP_WEEKS):  # type: ignore[no-untyped-def]
    """Reviews per day as 7 rows (Mon..Sun) x ``weeks`` columns ending with today's week.

    Returns ``(matrix, first_monday)``; days after today count 0.
    """
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    matrix = [[0] * weeks for _ in range(7)]
    for week in range(weeks):
        for weekday in range(7):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day <= today:
                matrix[weekday][week] = per_day.get(day, 0)
    return matrix, first_monday


def colored_bars(
    plt: Any, labels: Sequence[str], values: Sequence[float], colors: Sequence[RGB]
) -> None:
    """One bar per label, each in its own colour (plotext colours a ``bar`` call as one)."""
    for x, (value, color) in enumerate(zip(values, colors, strict=True), start=1):
        plt.bar([float(x)], [value], color=color, width=0.6)
    plt.xticks([float(x) for x in range(1, len(labels) + 1)], labels)
    plt.xlim(0.4, len(labels) + 0.6)


@dataclass
class StatsLoaded(Loaded):
    """The stats screen's numbers (``service.stats.compute``)."""

    stats: Stats


class StatsScreen(StudyScreen):
    """Four charts in tabs, with a one-line summary above them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload", id="stats.reload", tooltip="Count the reviews again"),
        Binding("left", "tab(-1)", "Prev tab", id="stats.prev", show=False,
                tooltip="The chart on the left"),
        Binding("right", "tab(1)", "Next tab", id="stats.next", show=False,
                tooltip="The chart on the right"),
        Binding("escape", "back", "Back", id="stats.back", tooltip="Back to the deck list"),
    ]  # fmt: skip

    TABS = ("heatmap", "forecast", "retention", "buttons")

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Loading statistics…", id="stats-summary")
        with TabbedContent(id="stats-tabs"):
            with TabPane("Reviews/day", id="heatmap"):
                yield PlotextPlot(id="plot-heatmap")
            with TabPane("Forecast", id="forecast"):
                yield PlotextPlot(id="plot-forecast")
            with TabPane("Retention", id="retention"):
                yield PlotextPlot(id="plot-retention")
            with TabPane("Buttons", id="buttons"):
                yield PlotextPlot(id="plot-buttons")
        yield KeyBar()

    def on_mount(self) -> None:
        self._stats: Stats | None = None
        self.watch(self.app, "theme", self._redraw, init=False)

    def _redraw(self) -> None:
        """The charts take their colours from the theme: draw them again when it changes."""
        if self._stats is not None:
            self._draw(self._stats)

    def reload(self) -> None:
        stats = self.app.service.stats
        self.load(StatsLoaded, stats.compute, now=self.app.now(), label="Statistics")

    def action_reload(self) -> None:
        self.reload()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        index = self.TABS.index(tabs.active) if tabs.active in self.TABS else 0
        tabs.active = self.TABS[(index + step) % len(self.TABS)]

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- drawing -------------------------------------------------------------------------

    @on(StatsLoaded)
    def _stats_loaded(self, message: StatsLoaded) -> None:
        self._stats = message.stats
        self._draw(message.stats)

    def _draw(self, stats: Stats) -> None:
        self._colors = self.app.theme_variables
        goal = f" (goal {format_percent(stats.desired_retention)})"
        retention: list[str | tuple[str, str]] = [f"retention {NOT_MEASURED}" + goal]
        if stats.true_retention is not None:
            retention = ["retention ", (format_percent(stats.true_retention), "bold"), goal]
        self.query_one("#stats-summary", Static).update(
            Content.assemble(
                (plural(stats.reviews_total, "review"), "bold"),
                f" ({stats.reviews_today} today) · {plural(stats.cards_total, 'card')} · ",
                *retention,
            )
        )
        self._draw_heatmap(stats)
        self._draw_forecast(stats)
        self._draw_retention(stats)
        self._draw_buttons(stats)

    def _plot(self, plot_id: str) -> PlotextPlot:
        plot = self.query_one(f"#{plot_id}", PlotextPlot)
        plot.plt.clear_data()
        plot.plt.clear_figure()
        return plot

    def _draw_heatmap(self, stats: Stats) -> None:
        plot = self._plot("plot-heatmap")
        plt = plot.plt
        matrix, first_monday = heatmap_matrix(stats.per_day, stats.today)
        top = max((n for row in matrix for n in row), default=0)
        for level, color in enumerate(heat_colors(self._colors)):
            cells = [
                (week + 1, 7 - weekday)
                for weekday, row in enumerate(matrix)
                for week, n in enumerate(row)
                if heat_level(n, top) == level
            ]
            if cells:
                xs = [float(x) for x, _ in cells]
                ys = [float(y) for _, y in cells]
                plt.scatter(xs, ys, marker="■", color=color)
        plt.yticks([float(7 - d) for d in range(7)], list(WEEKDAYS))
        ticks = [float(t) for t in range(1, HEATMAP_WEEKS + 1, 4)]
        labels = [(first_monday + timedelta(weeks=int(t) - 1)).strftime("%d %b") for t in ticks]
        plt.xticks(ticks, labels)
        plt.xlim(0.5, HEATMAP_WEEKS + 0.5)
        plt.ylim(0.5, 7.5)
        plt.title(f"Reviews per day, {HEATMAP_WEEKS} weeks (faint: none, brightest: {top})")
        plot.refresh()

    def _draw_forecast(self, stats: Stats) -> None:
        plot = self._plot("plot-forecast")
        plt = plot.plt
        days = list(range(len(stats.forecast)))
        plt.bar(days, list(stats.forecast), color=theme_rgb(self._colors, "primary"))
        ticks = [float(d) for d in days[::5]]
        plt.xticks(ticks, [str(int(t)) for t in ticks])
        counts = count_ticks(max(stats.forecast, default=0))
        plt.yticks([float(n) for n in counts], [str(n) for n in counts])
        plt.title("Cards due per day (day 0 includes overdue)")
        plt.xlabel("days from today")
        plot.refresh()

    def _draw_retention(self, stats: Stats) -> None:
        plot = self._plot("plot-retention")
        plt = plot.plt
        desired = 100 * stats.desired_retention
        if stats.true_retention is None:  # nothing measured: no "true 0%" bar
            plt.bar(["desired"], [desired], color=theme_rgb(self._colors, "secondary"))
            true_text = NOT_MEASURED
        else:
            true = 100 * stats.true_retention
            colors = [theme_rgb(self._colors, "success"), theme_rgb(self._colors, "secondary")]
            colored_bars(plt, ["true", "desired"], [true, desired], colors)
            true_text = f"{true:.0f}%"
        plt.ylim(0, 100)
        plt.title(f"Retention: true {true_text} vs desired {desired:.0f}%")
        plot.refresh()

    def _draw_buttons(self, stats: Stats) -> None:
        plot = self._plot("plot-buttons")
        plt = plot.plt
        counts = [stats.button_counts.get(i, 0) for i in range(1, 5)]
        names = ("error", "warning", "success", "primary")  # Again, Hard, Good, Easy
        colored_bars(plt, list(BUTTONS), counts, [theme_rgb(self._colors, n) for n in names])
        ticks = count_ticks(max(counts))
        plt.yticks([float(n) for n in ticks], [str(n) for n in ticks])
        plt.title(f"Answer buttons ({sum(counts)} reviews)")
        plot.refresh()
