"""Pieces of the quiz screen: numbered choices with a hanging indent, marked typed answers.

Card text is data: everything here builds :class:`Content` from plain strings and styles,
never markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from studyapp.study.quiz_grading import Mark, MarkStatus

MARK_STYLES: dict[MarkStatus, str] = {
    "same": "$text-success",
    "close": "underline $text-warning",
    "missing": "bold reverse $text-warning",
    "extra": "strike $text-error",
    "plain": "",
}
"""How a word of the expected or typed answer shows (Anki's type-in comparison, by word)."""
ELLIPSIS = "\u2026"


def marked(marks: Sequence[Mark]) -> Content:
    """The pieces of an answer, each styled by how it compares."""
    return Content.assemble(*((m.text, MARK_STYLES[m.status]) for m in marks))


def fit(text: str, width: int, lines: int | None) -> str:
    """``text`` wrapped to ``width`` (bullet lines with a hanging indent), cut to ``lines``
    lines with an ellipsis; ``None`` keeps every line."""
    out: list[str] = []
    for line in text.strip().splitlines() or [""]:
        bullet = line.lstrip().startswith(("\u2022 ", "- ", "* "))
        indent = "  " if bullet else ""
        out += textwrap.wrap(line, max(width, 8), subsequent_indent=indent) or [""]
    if lines is not None and len(out) > lines:
        out = out[:lines]
        last = out[-1][: max(width, 8) - 1].rstrip()
        out[-1] = last + ELLIPSIS
    return "\n".join(out)


class Numbered(Horizontal):
    """A label column and a text column: wrapped text stays right of the label."""

    def __init__(self, label: str, text: Content | str, *, label_width: int = 3,
                 classes: str = "", id: str | None = None) -> None:  # fmt: skip
        super().__init__(classes=classes, id=id)
        self.label = label
        self.text = text
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        label = Static(Content(self.label), classes="label", markup=False)
        label.styles.width = self.label_width
        yield label
        text = self.text if isinstance(self.text, Content) else Content(self.text)
        yield Static(text, classes="text", markup=False)

    def update(self, text: Content | str) -> None:
        self.text = text
        if self.is_mounted:
            content = text if isinstance(text, Content) else Content(text)
            self.query_one(".text", Static).update(content)


class ChoiceList(Vertical, can_focus=True):
    """Up to four numbered options; up/down move the highlight, enter or a click picks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="quiz.up", tooltip="Previous choice"),
        Binding("down", "move(1)", "Down", show=False, id="quiz.down", tooltip="Next choice"),
    ]

    class Picked(Message):
        """An option was picked by enter or a click."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: tuple[str, ...] = ()
        self.highlighted = 0
        self.revealed: tuple[int, int | None] | None = None
        """(right index, picked index) once answered."""

    def show(self, choices: Sequence[str], width: int, lines: int) -> None:
        """New options, each cut to ``lines`` lines of ``width`` columns."""
        self.choices = tuple(choices)
        self.highlighted = 0
        self.revealed = None
        self.redraw(width, lines)

    def redraw(self, width: int, lines: int) -> None:
        self.remove_children()
        rows = []
        for i, choice in enumerate(self.choices):
            full = self.revealed is not None and i == self.revealed[0]
            text = fit(choice, width, None if full else (1 if self.revealed else lines))
            row = Numbered(f"{i + 1}.", text, label_width=4, classes="choice")
            row.set_class(i == self.highlighted and self.revealed is None, "-highlight")
            if self.revealed is not None:
                row.set_class(i == self.revealed[0], "-right")
                row.set_class(i == self.revealed[1] and i != self.revealed[0], "-wrong")
            rows.append(row)
        self.mount_all(rows)

    def reveal(self, right: int, picked: int | None, width: int, lines: int) -> None:
        """Mark the right option (shown whole) and the wrong pick."""
        self.revealed = (right, picked)
        self.redraw(width, lines)

    def action_move(self, step: int) -> None:
        if self.choices and self.revealed is None:
            self.highlighted = (self.highlighted + step) % len(self.choices)
            for i, row in enumerate(self.query(".choice")):
                row.set_class(i == self.highlighted, "-highlight")

    def key_enter(self) -> bool:
        if self.revealed is None and self.choices:
            self.post_message(self.Picked(self.highlighted))
            return True
        return False

    def on_click(self, event: Click) -> None:
        rows = list(self.query(".choice"))
        for i, row in enumerate(rows):
            if event.widget is row or (event.widget is not None and row in event.widget.ancestors):
                self.post_message(self.Picked(i))
