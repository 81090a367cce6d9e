"""The four answer buttons, each labelled with the interval it would give."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from studyapp.study.views import Rating
from studyapp.ui.text import format_interval

LABELS = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"}
VARIANTS = {
    Rating.AGAIN: "error",
    Rating.HARD: "warning",
    Rating.GOOD: "success",
    Rating.EASY: "primary",
}


class RatingBar(Horizontal):
    """``1 Again 10m | 2 Hard 1d | 3 Good 3d | 4 Easy 8d``; a click rates like the keys do."""

    class Rated(Message):
        """A rating button was pressed."""

        def __init__(self, rating: Rating) -> None:
            super().__init__()
            self.rating = rating

    def compose(self) -> ComposeResult:
        for rating in Rating:
            button = Button(
                f"{rating.value} {LABELS[rating]}",
                id=f"rate-{rating.value}",
                variant=VARIANTS[rating],  # type: ignore[arg-type]
                compact=True,
            )
            button.can_focus = False  # keys belong to the review screen
            yield button

    def show_intervals(self, intervals: dict[Rating, timedelta] | None) -> None:
        """Label each button with its interval (or only the name when unknown)."""
        for rating in Rating:
            label = f"{rating.value} {LABELS[rating]}"
            if intervals and rating in intervals:
                label += f" {format_interval(intervals[rating])}"
            self.query_one(f"#rate-{rating.value}", Button).label = label

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id and event.button.id.startswith("rate-"):
            self.post_message(self.Rated(Rating(int(event.button.id.removeprefix("rate-")))))
