"""Pictures in the terminal with half-block characters: two pixels per character cell.

Each cell prints ``▀`` with the upper pixel as the foreground colour and the lower pixel as
the background, so a W x H picture takes W columns and H/2 rows. :class:`PixelView` draws
an experiment snapshot:

- ``{"samples": (N, 2), "data": (M, 2)}`` (and any ``samples_*``): generated samples
  against the data, as 2-D scatters side by side (data blue, samples orange, both white),
  named by an optional ``labels`` dict;
- any other array of shape (K, H, W) or (H, W) with values in [0, 1] (reconstructions,
  latent traversals, digits): a labelled row of grey images.

The raster functions are plain numpy and tested on their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from studyapp.ui.widgets.strips import to_strips

DATA_RGB = (70, 130, 230)
SAMPLE_RGB = (245, 150, 40)
BOTH_RGB = (250, 250, 250)
BACKGROUND_RGB = (16, 16, 20)


def half_block(rgb: Any) -> Text:
    """A rich Text of an (H, W, 3) uint8 array, two pixel rows per line."""
    import numpy as np

    pixels = np.asarray(rgb, dtype=np.uint8)
    if pixels.shape[0] % 2:
        pad = np.zeros((1, *pixels.shape[1:]), dtype=np.uint8)
        pixels = np.concatenate([pixels, pad])
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple, Style] = {}
    for row in range(0, pixels.shape[0], 2):
        top, bottom = pixels[row], pixels[row + 1]
        for col in range(pixels.shape[1]):
            key = (*top[col].tolist(), *bottom[col].tolist())
            style = styles.get(key)
            if style is None:
                style = Style(color=f"rgb({key[0]},{key[1]},{key[2]})")
                style += Style(bgcolor=f"rgb({key[3]},{key[4]},{key[5]})")
                styles[key] = style
            text.append("▀", style)
        if row + 2 < pixels.shape[0]:
            text.append("\n")
    return text


def scatter_raster(samples: Any, data: Any, width: int, height: int) -> Any:
    """An (height, width, 3) picture of two 2-D point clouds on shared, square-ish axes."""
    import numpy as np

    samples = np.asarray(samples, dtype=float).reshape(-1, 2)
    data = np.asarray(data, dtype=float).reshape(-1, 2)
    both = np.concatenate([samples, data]) if len(samples) + len(data) else np.zeros((1, 2))
    both = both[np.isfinite(both).all(axis=1)]
    if not len(both):
        both = np.zeros((1, 2))
    lo = np.percentile(both, 0.5, axis=0)
    hi = np.percentile(both, 99.5, axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2 * 1.1, 1e-6)

    def counts(points: Any) -> Any:
        grid = np.zeros((height, width))
        points = points[np.isfinite(points).all(axis=1)]
        if not len(points):
            return grid
        u = (points - centre) / half  # in [-1, 1]
        cols = np.clip(((u[:, 0] + 1) / 2 * (width - 1)).round().astype(int), 0, width - 1)
        rows = np.clip(((1 - u[:, 1]) / 2 * (height - 1)).round().astype(int), 0, height - 1)
        np.add.at(grid, (rows, cols), 1)
        return grid

    def strength(grid: Any) -> Any:
        top = grid.max()
        return np.log1p(grid) / np.log1p(top) if top > 0 else grid

    d, s = strength(counts(data)), strength(counts(samples))
    base = np.array(BACKGROUND_RGB, dtype=float)
    out = np.broadcast_to(base, (height, width, 3)).copy()
    for weight, colour in ((d, DATA_RGB), (s, SAMPLE_RGB)):
        w = (0.35 + 0.65 * weight)[..., None] * (weight > 0)[..., None]
        out = out * (1 - w) + np.array(colour, dtype=float) * w
    overlap = (d > 0) & (s > 0)
    out[overlap] = BOTH_RGB
    return out.clip(0, 255).astype(np.uint8)


def image_strip(images: Any, max_images: int = 10, scale: int = 1) -> Any:
    """(K, H, W) grey images in [0, 1] side by side, one dark pixel apart, as RGB."""
    import numpy as np

    array = np.asarray(images, dtype=float)
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 4 and array.shape[1] in (1, 3):
        array = array.mean(axis=1)
    array = array[:max_images]
    lo, hi = float(np.nanmin(array)), float(np.nanmax(array))
    if lo < 0 or hi > 1:
        array = (array - lo) / (hi - lo if hi > lo else 1.0)
    array = np.nan_to_num(array).clip(0, 1)
    if scale > 1:
        array = array.repeat(scale, axis=1).repeat(scale, axis=2)
    k, h, w = array.shape
    strip = np.zeros((h, k * (w + 1) - 1))
    for i in range(k):
        strip[:, i * (w + 1) : i * (w + 1) + w] = array[i]
    grey = (strip * 255).astype(np.uint8)
    return np.stack([grey, grey, grey], axis=-1)


def is_image_array(value: Any) -> bool:
    shape = getattr(value, "shape", None)
    return shape is not None and len(shape) in (2, 3, 4) and min(shape[-2:]) >= 4


def scatter_keys(snapshot: Mapping[str, Any]) -> list[str]:
    """``samples`` and ``samples_*`` keys holding (N, 2) points, when ``data`` is there."""
    if "data" not in snapshot:
        return []
    return [
        key
        for key, value in snapshot.items()
        if (key == "samples" or key.startswith("samples_"))
        and len(getattr(value, "shape", ())) == 2
        and value.shape[1] == 2
    ]


SCATTER_HEADER = "samples (orange) vs data (blue), white where both"
MIN_SIDE = 16
"""The smallest scatter drawn (pixels a side; half as many rows)."""
MAX_SIDE = 48


def scatter_side(count: int, width: int, height: int | None) -> tuple[int, int]:
    """``(scatters per row, pixels a side)`` for ``count`` square scatters in a ``width`` x
    ``height`` cell area (a header line, then a caption line over each row of scatters)."""
    per_row = max(1, min(count, (width + 2) // (MIN_SIDE + 2)))
    side = min(MAX_SIDE, (width + 2) // per_row - 2)
    if height is not None:
        rows = math.ceil(count / per_row)
        per_scatter = (height - 1) // rows - 1  # text rows left for each scatter
        side = min(side, 2 * per_scatter)
    return per_row, max(MIN_SIDE, side - side % 2)


def _scatters(
    snapshot: Mapping[str, Any], keys: list[str], width: int, height: int | None
) -> list[RenderableType]:
    from rich.table import Table

    labels = snapshot.get("labels") or {}
    per_row, side = scatter_side(len(keys), width, height)
    grid = Table.grid(padding=(0, 2))
    for _ in range(per_row):
        grid.add_column()
    cells: list[RenderableType] = []
    for key in keys:
        raster = scatter_raster(snapshot[key], snapshot["data"], side, side)
        caption = labels.get(key) or (key if len(keys) > 1 else "")
        cells.append(
            Group(Text(str(caption), no_wrap=True, overflow="ellipsis"), half_block(raster))
        )
    for start in range(0, len(cells), per_row):
        row = cells[start : start + per_row]
        grid.add_row(*row, *[Text("")] * (per_row - len(row)))
    return [Text(SCATTER_HEADER, no_wrap=True, overflow="ellipsis"), grid]


IMAGE_LAYOUTS = ((2, 1), (1, 1), (1, 2), (1, 3))
"""(scale, columns of image rows) tried in turn: the first whose rows fit the height."""
MIN_IMAGES = 4
"""A layout must show at least this many images of each row (or all of them)."""


def image_layout(
    sizes: Sequence[tuple[int, int, int]], width: int, height: int | None
) -> tuple[int, int, int]:
    """``(scale, columns, images per row)`` for image rows of ``(count, h, w)`` pixels in a
    ``width`` x ``height`` cell area: the largest pictures whose rows all fit."""
    count = max(k for k, _, _ in sizes)
    h = max(h for _, h, _ in sizes)
    w = max(w for _, _, w in sizes)
    chosen = None
    for scale, columns in IMAGE_LAYOUTS:
        if scale > 1 and max(h, w) > 16:
            continue
        column_width = (width - 2 * (columns - 1)) // columns
        per_row = min(count, (column_width + 1) // (w * scale + 1))
        if per_row < min(MIN_IMAGES, count):
            break
        chosen = (scale, columns, per_row)
        rows = math.ceil(len(sizes) / columns) * (1 + math.ceil(h * scale / 2))
        if height is None or rows <= height:
            return chosen
    return chosen or (1, 1, max(1, (width + 1) // (w + 1)))


def _image_rows(
    snapshot: Mapping[str, Any], keys: list[str], width: int, height: int | None
) -> list[RenderableType]:
    """A label line and a row of images per key, as large as the height allows."""
    import numpy as np
    from rich.table import Table

    labels = snapshot.get("labels") or {}
    arrays = [np.asarray(snapshot[key]) for key in keys]
    sizes = [
        (int(a.shape[0]) if a.ndim >= 3 else 1, int(a.shape[-2]), int(a.shape[-1])) for a in arrays
    ]
    scale, columns, per_row = image_layout(sizes, width, height)
    grid = Table.grid(padding=(0, 2))
    for _ in range(columns):
        grid.add_column()
    cells: list[RenderableType] = []
    for key, array in zip(keys, arrays, strict=True):
        label = Text(str(labels.get(key, key)), no_wrap=True, overflow="ellipsis")
        picture = half_block(image_strip(array, max_images=per_row, scale=scale))
        cells.append(Group(label, picture))
    for start in range(0, len(cells), columns):
        row = cells[start : start + columns]
        grid.add_row(*row, *[Text("")] * (columns - len(row)))
    return [grid]


def snapshot_picture(
    snapshot: Mapping[str, Any], kinds: Sequence[str], width: int, height: int | None = None
) -> Group:
    """The pictures of a snapshot for a ``width``-cell-wide area (any thread), sized to
    ``height`` rows when given: scatters (one per samples key, over the data, named by an
    optional ``labels`` dict) side by side, then a labelled strip per image key."""
    width = max(20, min(width, 160))
    scatters = [k.split(":", 1)[1] for k in kinds if k.startswith("scatter:")]
    images = [k for k in kinds if not k.startswith("scatter:")]
    parts: list[RenderableType] = []
    if scatters:
        room = None if height is None else max(4, height - (3 * len(images) if images else 0))
        parts += _scatters(snapshot, scatters, width, room)
    if images:  # under scatters the images take what they need (the view scrolls)
        parts += _image_rows(snapshot, images, width, None if scatters else height)
    return Group(*parts)


class PixelView(Widget):
    """Draws the latest experiment snapshot as half-block pictures sized to its container
    (the pictures view), or a line saying why there is none yet.

    Like ``CurvePlot``, the picture is built on a worker (:meth:`build_job`, then
    :meth:`accept`); it is built on the UI thread only when nothing fits (a resize).
    """

    DEFAULT_CSS = """
    PixelView {
        height: auto;
        width: 1fr;
    }
    PixelView.-empty { color: $text-muted; }
    """

    def __init__(
        self, placeholder: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._snapshot: Mapping[str, Any] | None = None
        self._version = 0
        self._cache: tuple[tuple, list[Strip]] | None = None
        self.placeholder = placeholder
        """What shows while there is no snapshot."""
        self.kinds: tuple[str, ...] = ()
        """What the last snapshot showed: ``scatter:<samples key>`` and image keys."""

    def on_mount(self) -> None:
        self.set_class(not self.kinds, "-empty")

    def show(self, snapshot: Mapping[str, Any] | None, *, redraw: bool = True) -> None:
        """A new snapshot; ``redraw=False`` leaves the drawing to a worker's build job."""
        self._snapshot = snapshot
        self._version += 1
        kinds = _kinds(snapshot)
        relayout = bool(kinds) != bool(self.kinds)
        self.kinds = kinds
        self.set_class(not kinds, "-empty")
        if not kinds:
            self._cache = None
        if redraw or relayout:
            self.refresh(layout=True)

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        if not self.kinds:
            self.refresh(layout=True)

    @property
    def has_picture(self) -> bool:
        """True when a picture of a snapshot is built and drawn (not the placeholder)."""
        return bool(self.kinds) and self._cache is not None and bool(self._cache[1])

    @property
    def needs_build(self) -> bool:
        """True when the snapshot shown is older than the latest one."""
        return bool(self.kinds) and (self._cache is None or self._cache[0] != self._key())

    def _area(self) -> tuple[int, int]:
        """The cells the pictures may take: the container's width and height."""
        parent = self.parent
        region = getattr(parent, "scrollable_content_region", None)
        width, height = (region.width, region.height) if region is not None else (0, 0)
        return width or self.size.width or 60, height

    def _key(self) -> tuple:
        return (*self._area(), self._version)

    def build_job(self) -> Callable[[], tuple[tuple, list[Strip]]] | None:
        if not self.needs_build:
            return None
        key = self._key()
        snapshot, kinds, (width, height) = self._snapshot or {}, self.kinds, key[:2]
        room = height or None
        return lambda: (key, to_strips(snapshot_picture(snapshot, kinds, width, room), width))

    def accept(self, key: tuple, strips: list[Strip]) -> None:
        """Show strips built by :meth:`build_job`; re-layout only when the height changed."""
        old = self._cache
        self._cache = (key, strips)
        if key == self._key():
            self.refresh(layout=old is None or len(old[1]) != len(strips))

    def _strips(self) -> list[Strip]:
        if not self.kinds:
            text = Text(self.placeholder, style="italic")
            return to_strips(text, self._area()[0]) if self.placeholder else []
        cached = self._cache
        if cached is None or cached[0][:2] != self._area():
            job = self.build_job()
            if job is not None:
                self._cache = cached = job()
        return cached[1] if cached is not None else []

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._strips())

    def render_line(self, y: int) -> Strip:
        strips = self._strips()
        return strips[y] if 0 <= y < len(strips) else Strip.blank(self.size.width)


def _kinds(snapshot: Mapping[str, Any] | None) -> tuple[str, ...]:
    if not snapshot:
        return ()
    scatters = scatter_keys(snapshot)
    kinds = [f"scatter:{key}" for key in scatters]
    for key, value in snapshot.items():
        if key in scatters or key == "data":
            continue
        if is_image_array(value):
            kinds.append(key)
    return tuple(kinds)
