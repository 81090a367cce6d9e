"""Live metric curves drawn with plotext (textual-plotext's ``PlotextPlot``).

A :class:`CurvePlot` shows one ``PlotSpec``: the history keys it names against the step,
on a log scale when ``log_y``. Building a plotext chart costs 10-30 ms of pure Python, too
long for the UI thread several times a second while a run trains, so the experiment screen
builds charts on a worker: :meth:`CurvePlot.build_job` returns a function that renders
the current curves with a fresh plotext figure and lays them out as Textual strips (any
thread), and :meth:`CurvePlot.accept` shows them. ``render_line`` builds synchronously
only when nothing fits (first paint, a resize).

Legends are drawn under the axes, never over the data (:func:`legend_lines`); each
curve has its own colour and marker (a comparison of runs: a colour per run, a marker per
metric); tick labels are formatted here (:func:`tick_label`), and no x tick sits at the
left edge where its label would run into the y tick labels.

Log scales are drawn as log10 of the values on a linear axis with ``1e{k}`` tick labels:
plotext's own log scale transforms its data in place on every build, so a second render
of the same figure fails.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

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


PALETTE = (39, 208, 170, 76, 196, 226, 45, 250)
"""256-colour codes of successive curves (or runs, when comparing runs)."""

MARKERS = (("braille", "⣿"), ("dot", "•"), ("x", "x"), ("+", "+"), ("o", "o"), ("*", "*"))
"""plotext markers of successive curves (metrics, when comparing runs), with their glyphs."""

RUN_LABEL = re.compile(r"^(#\d+) (.+)$")
"""Comparison curves are labelled ``#id key``: colour by run, marker by key."""


@dataclass(frozen=True)
class CurveStyle:
    color: int
    marker: str
    glyph: str


def curve_styles(labels: Sequence[str]) -> dict[str, CurveStyle]:
    """A colour and a marker per curve; runs of a comparison keep one colour each."""
    groups: list[str] = []
    keys: list[str] = []
    styles: dict[str, CurveStyle] = {}
    for i, label in enumerate(labels):
        match = RUN_LABEL.match(label)
        if match:
            run, key = match.groups()
            groups += [run] if run not in groups else []
            keys += [key] if key not in keys else []
            color, marker = PALETTE[groups.index(run) % 8], MARKERS[keys.index(key) % 6]
        else:
            color, marker = PALETTE[i % 8], MARKERS[i % 6]
        styles[label] = CurveStyle(color, *marker)
    return styles


LEGEND_ROWS = 4
"""The most rows a comparison's legend takes under its plot (it says how many more runs it
leaves out); one run's curves are always all named."""


def legend_lines(labels: Sequence[str], width: int, rows: int = LEGEND_ROWS) -> list[Text]:
    """The legend, drawn under the plot, never over the data: ``⣿ loss  • kl``, every name
    whole, wrapped onto more lines where the width ends; a comparison starts a line per run
    (``#3: ⣿ loss • kl``) and takes at most ``rows`` lines."""
    styles = curve_styles(labels)
    by_group: dict[str, list[tuple[str, CurveStyle]]] = {}
    for label in labels:
        match = RUN_LABEL.match(label)
        group, name = match.groups() if match else ("", label)
        by_group.setdefault(group, []).append((name, styles[label]))
    lines: list[Text] = []
    starts: list[int] = []  # the line each run's legend starts on
    for group, items in by_group.items():
        starts.append(len(lines))
        line = Text(no_wrap=True)
        indent = " " * (len(group) + 1) if group else ""
        if group:
            line.append(f"{group}:", style=f"bold color({items[0][1].color})")
        for name, style in items:
            gap = " " if group and line.plain == f"{group}:" else "" if not line.plain else "  "
            if line.plain.strip() and len(line.plain) + len(gap) + 2 + len(name) > width:
                lines.append(line)
                line, gap = Text(indent, no_wrap=True), " " if group else ""
            line.append(gap)
            line.append(style.glyph, style=f"bold color({style.color})")
            line.append(f" {name}")
        lines.append(line)
    if len(by_group) > 1 and len(lines) > rows:
        shown = lines[: rows - 1]
        left = sum(1 for start in starts if start >= rows - 1)
        lines = [*shown, Text(f"… {left} more runs", style="dim")]
    return lines


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (1, 2 or 5 times a power of ten apart)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def tick_label(value: float) -> str:
    """Short tick text: ``1500`` -> ``1.5k``, ``0.25`` -> ``0.25``, ``2.0`` -> ``2``."""
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e3:
        return f"{value / 1e3:.3g}k"
    if size >= 1e-3:
        return f"{value:.3g}"
    return f"{value:.0e}".replace("e-0", "e-")


def x_ticks(lo: float, hi: float, width: int) -> list[float]:
    """Step ticks, none in the first tenth of the axis (its label would run into the y
    tick labels: the old ``1e-41.0``)."""
    count = max(2, min(6, width // 12))
    margin = (hi - lo) * 0.1
    return [t for t in nice_ticks(lo, hi, count) if t >= lo + margin]


CHART_FRAME_ROWS = 5
"""Rows of a chart that hold no data: the title, the two frame lines, the x tick labels
and the x label."""


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
    """The chart of ``curves`` (label -> (xs, ys)) at ``width`` x ``height`` cells, the
    legend on its own lines below the axes."""
    from textual_plotext.plot import Plot

    labels = [label for label, (xs, ys) in curves.items() if min(len(xs), len(ys))]
    legend = legend_lines(labels, width) if len(labels) > 1 or ylabel else []
    plt = Plot()
    plt.theme(theme)
    plt.title(title)
    plt.xlabel("step")
    if log_y:
        plt.ylabel(f"{ylabel} (log)" if ylabel else "log scale")
    elif ylabel:
        plt.ylabel(ylabel)
    styles = curve_styles(labels)
    lows, highs, xlo, xhi = [], [], math.inf, -math.inf
    for label in labels:
        xs, ys = curves[label]
        tx, ty = thin(xs, ys)
        ty = clean(ty, log_y)
        style = styles[label]
        plt.plot(tx, ty, marker=style.marker, color=style.color)
        lows.append(min(ty))
        highs.append(max(ty))
        xlo, xhi = min(xlo, tx[0]), max(xhi, tx[-1])
    if lows:
        lo, hi = min(lows), max(highs)
        # tick intervals: ticks at least two rows apart, so no two labels share a row
        gaps = max(1, min(5, (height - len(legend) - CHART_FRAME_ROWS) // 2))
        if log_y:
            lo_k, hi_k = math.floor(lo), math.ceil(hi)
            step = max(1, math.ceil((hi_k - lo_k) / gaps))
            ticks = [float(k) for k in range(lo_k, hi_k + 1, step)]
            plt.yticks(ticks, [f"1e{k:.0f}" for k in ticks])
        else:
            ticks = nice_ticks(lo, hi, min(4, gaps)) if hi > lo else [lo]
            plt.yticks(ticks, [tick_label(t) for t in ticks])
        xt = x_ticks(xlo, xhi, width) if xhi > xlo else []
        plt.xticks(xt, [tick_label(t) for t in xt])
    plt.plotsize(max(width, 10), max(height - len(legend), 4))
    text = Text.from_ansi(plt.build().rstrip("\n"))  # plotext ends with a newline
    for line in legend:
        text.append("\n")
        text.append_text(line)
    return text


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
