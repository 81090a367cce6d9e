"""Small grey pictures for snapshots: curves and histograms as ``[1, H, W]`` arrays in [0, 1].

Snapshot arrays of shape ``[K, H, W]`` are drawn as a labelled row of images by the TUI and
by ``--png``; these helpers turn a 1-D curve or a histogram into such an image, so plots
that are not 2-D point clouds still show up in both. numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def curve_image(
    x: Sequence[float] | np.ndarray,
    curves: Sequence[tuple[Sequence[float] | np.ndarray, float]],
    *,
    height: int = 20,
    width: int = 64,
    y_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """Draw ``(y, brightness)`` curves over ``x`` (linearly interpolated) into ``[1, H, W]``.

    Later curves are drawn over earlier ones; rows go from the top (high y) down.
    """
    xs = np.asarray(x, dtype=float)
    ys = [np.asarray(y, dtype=float) for y, _ in curves]
    if y_range is None:
        lo = min(float(np.nanmin(y)) for y in ys)
        hi = max(float(np.nanmax(y)) for y in ys)
    else:
        lo, hi = y_range
    span = hi - lo if hi > lo else 1.0
    grid = np.linspace(xs.min(), xs.max(), width)
    image = np.zeros((height, width))
    for y, (_, level) in zip(ys, curves, strict=True):
        values = np.interp(grid, xs, y)
        rows = np.clip(((hi - values) / span * (height - 1)).round().astype(int), 0, height - 1)
        # join consecutive columns with vertical strokes so steep curves stay connected
        for col in range(width):
            top, bottom = rows[col], rows[col - 1] if col else rows[col]
            image[min(top, bottom) : max(top, bottom) + 1, col] = level
    return image[None]


def bar_image(values: Sequence[float] | np.ndarray, *, height: int = 16) -> np.ndarray:
    """A histogram (one column per bin, tallest bar full height) as ``[1, H, len(values)]``."""
    v = np.asarray(values, dtype=float)
    top = float(v.max()) if v.size and v.max() > 0 else 1.0
    filled = np.round(v / top * height).astype(int)
    rows = np.arange(height)[:, None]
    return (rows >= height - filled[None, :]).astype(float)[None]
