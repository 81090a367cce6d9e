"""Lay out Rich renderables as Textual strips on any thread.

Turning a big styled ``Text`` (a plotext chart, a half-block picture) into the strips a
widget paints costs tens of milliseconds; the experiment widgets do it on a worker with
their own console, and ``render_line`` only hands the ready strips to Textual.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from textual.strip import Strip


def to_strips(renderable: RenderableType, width: int, height: int | None = None) -> list[Strip]:
    """``renderable`` as strips ``width`` cells wide (all its lines, or ``height`` of them)."""
    console = Console(width=width, force_terminal=True, color_system="truecolor")
    options = console.options.update(width=width, no_wrap=True, overflow="crop")
    if height is not None:
        options = options.update(height=height)
    lines = console.render_lines(renderable, options, pad=True)
    if height is not None:
        lines = lines[:height]
    return [Strip(line, width) for line in lines]
