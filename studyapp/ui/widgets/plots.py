"""Live metric curves drawn with plotext (textual-plotext's ``PlotextPlot``).

A :class:`CurvePlot` shows one ``PlotSpec``: the history keys it names against the step,
on a log scale when ``log_y``. Building a plotext chart costs 10-30 ms of pure Python, too
long for the UI thread several times a second while a run trains, so the experiment screen
builds charts on a worker: :meth:`CurvePlot.build_job` returns a function that renders
the current curves with a fresh plotext figure and lays them out as Textual strips (any
thread), and :meth:`CurvePlot.accept` shows them. ``render_line`` builds synchronously
only when nothing fits (first paint, a resize).

Log scales are drawn as log10 of the values on a linear axis with ``1e{k}`` tick labels:
plotext's own log scale transforms its data in place on every build, so a second render
of the same figure fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

from studyapp.ui.widgets.strips import to_strips

Curves = Mapping[str, tuple[Sequence[float], Sequence[float]]]

MAX_POINTS = 200
"""Curves longer than this are thinned (every k-th point, the last one always kept)."""

LOG_FLOOR = 1e-12
"""On a log scale, where a curve has no positive value at all, it is drawn at this floor."""


def thin(
    xs: Sequence[float], ys: Sequence[float], limit: int = MAX_POINTS
) -> tuple[list[float], list[float]]:
    """At most about ``limit`` evenly spaced points of a curve, the last one included."""
    n = min(len(xs), len(ys))
    if n <= limit:
        return [float(x) for x in xs[:n]], [float(y) for y in ys[:n]]
    stride = math.ceil(n / limit)
    idx = list(range(0, n, stride))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return [float(xs[i]) for i in idx], [float(ys[i]) for i in idx]


def clean(ys: Sequence[float], log_y: bool) -> list[float]:
    """Finite values only (non-finite become the previous value); log10 on a log axis,
    where values <= 0 sit a decade below the smallest positive one."""
    finite = [float(y) for y in ys if math.isfinite(float(y))]
    positive = [y for y in finite if y > 0]
    floor = min(positive) / 10 if positive else LOG_FLOOR
    out: list[float] = []
    last = floor if log_y else 0.0
    for y in ys:
        value = float(y)
        if not math.isfinite(value):
            value = last
        last = value
        out.append(math.log10(max(value, floor)) if log_y else value)
    return out


def build_plot_text(
    curves: Curves,
    *,
    title: str,
    ylabel: str,
    log_y: bool,
    width: int,
    height: int,
    theme: str,
) -> Text:
    """The chart of ``curves`` (label -> (xs, ys)) at ``width`` x ``height`` cells."""
    from textual_plotext.plot import Plot

    plt = Plot()
    plt.theme(theme)
    plt.title(title)
    plt.xlabel("step")
    lows, highs = [], []
    for label, (xs, ys) in curves.items():
        tx, ty = thin(xs, ys)
        ty = clean(ty, log_y)
        if tx:
            plt.plot(tx, ty, label=label, marker="braille")
            lows.append(min(ty))
            highs.append(max(ty))
    if log_y:
        plt.ylabel(f"{ylabel} (log)" if ylabel else "log scale")
        if lows:
            lo, hi = math.floor(min(lows)), math.ceil(max(highs))
            step = max(1, math.ceil((hi - lo) / 5))
            ticks = [float(k) for k in range(lo, hi + 1, step)]
            plt.yticks(ticks, [f"1e{k:.0f}" for k in ticks])
    elif ylabel:
        plt.ylabel(ylabel)
    plt.plotsize(max(width, 10), max(height, 5))
    return Text.from_ansi(plt.build())


class CurvePlot(PlotextPlot):
    """One plot: several labelled curves against the step, built on or off the UI thread."""

    DEFAULT_CSS = """
    CurvePlot {
        height: 14;
        min-height: 8;
        width: 1fr;
    }
    """

    def __init__(
        self,
        title: str,
        keys: Sequence[str],
        *,
        ylabel: str = "",
        log_y: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.keys = tuple(keys)
        self.ylabel = ylabel
        self.log_y = log_y
        self._curves: dict[str, tuple[list[float], list[float]]] = {}
        self._version = 0
        self._cache: tuple[tuple, list[Strip]] | None = None
        self._deferred = False
        self.points_drawn = 0
        """How many points the curves hold now (tests and benchmarks read it)."""

    # -- data ------------------------------------------------------------------------------

    def show(
        self, series: Mapping[str, Sequence[float]], x_key: str = "step", *, redraw: bool = True
    ) -> None:
        """New data from a history dict (``{"step": [...], key: [...]}``).

        ``redraw=False`` leaves the drawing to a :meth:`build_job` run on a worker.
        """
        xs = series.get(x_key)
        curves = {}
        for key in self.keys:
            ys = series.get(key)
            if ys:
                steps = xs if xs is not None and len(xs) >= len(ys) else range(1, len(ys) + 1)
                curves[key] = (list(steps)[: len(ys)], list(ys))
        self.show_curves(curves, redraw=redraw)

    def show_curves(self, curves: Curves, *, redraw: bool = True) -> None:
        """New explicit ``label -> (xs, ys)`` curves (used to compare runs)."""
        self._curves = {k: (list(x), list(y)) for k, (x, y) in curves.items()}
        self._deferred = not redraw
        self.points_drawn = sum(len(y) for _, y in self._curves.values())
        self._version += 1
        if redraw:
            self.refresh()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._curves)

    # -- building --------------------------------------------------------------------------

    def _key(self) -> tuple:
        return (self.size.width, self.size.height, self.app.theme, self._version)

    def _theme_name(self) -> str:
        return f"textual-auto-{self.app.theme}" if self.theme == "auto" else self.theme

    def build_job(self) -> Callable[[], tuple[tuple, list[Strip]]] | None:
        """A function building the current chart on any thread; None if already built."""
        key = self._key()
        if (self._cache is not None and self._cache[0] == key) or not self.size.width:
            return None
        curves = dict(self._curves)
        width, height, theme = self.size.width, self.size.height, self._theme_name()

        def job() -> tuple[tuple, list[Strip]]:
            text = build_plot_text(
                curves,
                title=self.title,
                ylabel=self.ylabel,
                log_y=self.log_y,
                width=width,
                height=height,
                theme=theme,
            )
            return key, to_strips(text, width, height)

        return job

    def accept(self, key: tuple, strips: list[Strip]) -> None:
        """Show a chart built by :meth:`build_job` if it is still current."""
        self._cache = (key, strips)
        if key == self._key():
            self.refresh()

    def _strips(self) -> list[Strip]:
        """The built chart; built here only on first paint, a resize or a theme change
        (newer data alone waits for the worker's build)."""
        key = self._key()
        cached = self._cache
        if cached is None or cached[0][:3] != key[:3] or (cached[0] != key and not self._deferred):
            job = self.build_job()
            if job is not None:
                self._cache = cached = job()
        return cached[1] if cached is not None else []

    def render_line(self, y: int) -> Strip:
        strips = self._strips()
        return strips[y] if 0 <= y < len(strips) else Strip.blank(self.size.width)

    def render(self) -> Text:
        """The chart's text without colours (``render_line`` draws the coloured strips)."""
        return Text("\n".join(strip.text for strip in self._strips()))
