"""Save an experiment's result as a figure (PNG, SVG or PDF) with matplotlib, headless.

One panel per ``PlotSpec`` of the experiment (its history keys against ``step``, log scale
when asked), then the snapshot, with the conventions the TUI's ``PixelView`` also follows:
``samples`` (and any ``samples_*``) ``[N, 2]`` arrays are scatters drawn over ``data``
(``labels`` may map a key to a legend name); every other array of shape ``[K, H, W]`` with
H, W >= 4 is a row of images, all rows in one labelled grid. The verdict is said under the
title as everywhere (:mod:`studyapp.experiments.verdicts`): its word and plain sentence, then
the numbers. Legends sit under their axes, never over the data. Matplotlib is imported here
only, lazily, through its object API (no pyplot state).
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

from models.base import ExperimentSpec, Result

PANEL_W, PANEL_H = 5.0, 3.6


def snapshot_panels(snapshot: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """``("scatter", (label, data, samples))`` per scatter, then one ``("images", rows)``
    with ``rows`` a list of ``(label, [K, H, W] array)``."""
    if not snapshot:
        return []
    import numpy as np

    panels: list[tuple[str, Any]] = []
    labels = snapshot.get("labels") or {}
    data = snapshot.get("data")
    rows: list[tuple[str, Any]] = []
    for key, value in snapshot.items():
        if not hasattr(value, "shape") or key == "data":
            continue
        arr = np.asarray(value, dtype=float)
        if (key == "samples" or key.startswith("samples_")) and arr.ndim == 2 and arr.shape[1] == 2:
            label = str(labels.get(key, key))
            panels.append(("scatter", (label, None if data is None else np.asarray(data), arr)))
        elif arr.ndim in (2, 3) and min(arr.shape[-2:]) >= 4:
            rows.append((str(labels.get(key, key)), arr if arr.ndim == 3 else arr[None]))
    if rows:
        panels.append(("images", rows))
    return panels


def save_figure(spec: ExperimentSpec, result: Result, path: str | Path) -> Path:
    """Write ``result`` of ``spec`` to ``path`` (format from the suffix); returns the path."""
    from matplotlib.figure import Figure

    path = Path(path)
    extra = snapshot_panels(result.snapshot)
    n = len(spec.plots) + len(extra)
    cols = min(3, max(1, n))
    rows = max(1, math.ceil(n / cols))
    fig = Figure(figsize=(PANEL_W * cols, PANEL_H * rows + 1.2), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).flatten()
    steps = result.history.get("step", [])
    for ax, plot in zip(axes, spec.plots, strict=False):
        _draw_curves(ax, plot, steps, result.history)
    for ax, (kind, payload) in zip(axes[len(spec.plots) :], extra, strict=False):
        if kind == "scatter":
            _draw_scatter(ax, *payload)
        else:
            _draw_images(ax, payload)
    for ax in axes[n:]:
        ax.set_visible(False)
    from studyapp.experiments.verdicts import plain_sentence, verdict_word

    lead = f"{verdict_word(result)}: {plain_sentence(result.verdict)}"
    verdict = "\n".join(
        textwrap.fill(part, width=int(40 * cols)) for part in (lead, result.verdict.summary)
    )
    seeds = ", ".join(str(s) for s in result.seeds)
    fig.suptitle(
        f"{spec.title}\n(seeds {seeds}, {result.steps_done} steps, {result.device})\n{verdict}",
        fontsize=9,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def _draw_curves(ax: Any, plot: Any, steps: list[float], history: dict[str, list[float]]) -> None:
    drawn = False
    positive = True
    for key in plot.keys:
        values = history.get(key)
        if not values:
            continue
        ax.plot(steps[: len(values)], values, label=key, linewidth=1.2)
        positive = positive and min(values) > 0
        drawn = True
    if plot.log_y and drawn and positive:
        ax.set_yscale("log")
    ax.set_title(plot.title, fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel(plot.ylabel or "value")
    if drawn:
        _legend_below(ax)
    ax.grid(alpha=0.3)


def _draw_scatter(ax: Any, label: str, data: Any, samples: Any) -> None:
    if data is not None:
        ax.scatter(data[:, 0], data[:, 1], s=3, c="0.7", label="data")
    ax.scatter(samples[:, 0], samples[:, 1], s=3, c="tab:red", alpha=0.6, label=label)
    ax.set_title(f"Samples: {label}", fontsize=10)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal", adjustable="datalim")
    _legend_below(ax, markerscale=3)


def _legend_below(ax: Any, **options: Any) -> None:
    """The legend under the axes (outside the data), every name whole, up to 3 a row."""
    count = len(ax.get_legend_handles_labels()[1])
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=min(3, max(1, count)),
        fontsize=7,
        frameon=False,
        **options,
    )


def _draw_images(ax: Any, rows: list[tuple[str, Any]]) -> None:
    """One grid: a row of images per snapshot key, scaled to [0, 1] per row when outside."""
    import numpy as np

    h, w = (max(arr.shape[i] for _, arr in rows) for i in (1, 2))
    cols = max(arr.shape[0] for _, arr in rows)
    mosaic = np.zeros((len(rows) * (h + 1) - 1, cols * (w + 1) - 1))
    for r, (_, arr) in enumerate(rows):
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        if lo < 0 or hi > 1:
            arr = (arr - lo) / (hi - lo if hi > lo else 1.0)
        for c in range(arr.shape[0]):
            y, x = r * (h + 1), c * (w + 1)
            mosaic[y : y + arr.shape[1], x : x + arr.shape[2]] = np.nan_to_num(arr[c])
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title("Snapshot", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([r * (h + 1) + h / 2 for r in range(len(rows))])
    ax.set_yticklabels([label for label, _ in rows], fontsize=7)
