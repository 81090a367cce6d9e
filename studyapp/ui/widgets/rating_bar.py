"""The four answer buttons, each labelled with the interval it would give.

Drawn as one line of :class:`Content` rather than four ``Button`` widgets: Button's
stylesheet alone costs ~15 ms to parse, on the path to the first card. A click on a
label rates like its key does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from studyapp.study.views import Rating
from studyapp.ui.text import format_interval

LABELS = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"}
STYLES = {
    Rating.AGAIN: "bold $text on $error 70%",
    Rating.HARD: "bold $text on $warning 70%",
    Rating.GOOD: "bold $text on $success 70%",
    Rating.EASY: "bold $text on $primary 70%",
}
GAP = 3
"""Spaces between two labels."""


def labels(
    intervals: dict[Rating, timedelta] | None, marks: Mapping[Rating, str] | None = None
) -> list[tuple[Rating, str]]:
    """``(rating, " 3 Good 10m ")`` for each button (the name alone when unknown);
    ``marks``: what follows an interval exam mode shortened (``*``, ``·exam``)."""
    shown = []
    for rating in Rating:
        label = f"{rating.value} {LABELS[rating]}"
        if intervals and rating in intervals:
            label += f" {format_interval(intervals[rating])}"
            label += (marks or {}).get(rating, "")
        shown.append((rating, f" {label} "))
    return shown


class RatingBar(Static):
    """``1 Again 10m   2 Hard 1d   3 Good 3d   4 Easy 8d``; a click rates like the keys do."""

    DEFAULT_CSS = """
    RatingBar {
        height: 1;
        width: 1fr;
        text-align: center;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class Rated(Message):
        """A rating label was clicked."""

        def __init__(self, rating: Rating) -> None:
            super().__init__()
            self.rating = rating

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._labels = labels(None)
        self._draw()

    def show_intervals(
        self, intervals: dict[Rating, timedelta] | None, marks: Mapping[Rating, str] | None = None
    ) -> None:
        """Label each rating with its interval (or only the name when unknown)."""
        self._labels = labels(intervals, marks)
        self._draw()

    @property
    def text(self) -> str:
        """The bar as plain text."""
        return (" " * GAP).join(label for _, label in self._labels)

    def _draw(self) -> None:
        parts: list[str | tuple[str, str]] = []
        for rating, label in self._labels:
            if parts:
                parts.append(" " * GAP)
            parts.append((label, STYLES[rating]))
        self.update(Content.assemble(*parts), layout=False)  # one line: no re-layout

    def rating_at(self, x: int) -> Rating | None:
        """The rating whose label covers column ``x`` of the widget (centred text)."""
        start = max((self.content_region.width - len(self.text)) // 2, 0)
        for rating, label in self._labels:
            if start <= x < start + len(label):
                return rating
            start += len(label) + GAP
        return None

    def on_click(self, event: events.Click) -> None:
        rating = self.rating_at(event.x)
        if rating is not None:
            event.stop()
            self.post_message(self.Rated(rating))
