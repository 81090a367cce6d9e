"""Pieces of the quiz screen: a label column beside wrapped text, and the numbered choices.

Card text is data: everything here builds :class:`Content` from plain strings and styles,
never markup. Options are shown whole (the domain's ``QuizQuestion.options``), never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static


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
    """Up to four numbered options, each whole; up/down move the highlight, enter or a
    click picks (:class:`Picked`); :meth:`reveal` marks the right one and a wrong pick."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="quiz.up", tooltip="Previous choice"),
        Binding("down", "move(1)", "Down", show=False, id="quiz.down", tooltip="Next choice"),
    ]

    class Picked(Message):
        """An option was picked by enter or a click."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    highlighted: var[int] = var(0, init=False)
    revealed: var[tuple[int, int | None] | None] = var(None, init=False)
    """(right index, picked index) once answered."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: tuple[str, ...] = ()
        self.rows: list[Numbered] = []

    def show(self, options: Sequence[str]) -> None:
        """New options, shown whole (the layout wraps them beside their numbers)."""
        self.choices = tuple(options)
        self.remove_children()
        self.rows = [
            Numbered(f"{i + 1}.", text, label_width=4, classes="choice")
            for i, text in enumerate(self.choices)
        ]
        self.set_reactive(ChoiceList.highlighted, 0)
        self.set_reactive(ChoiceList.revealed, None)
        self._mark()
        self.mount_all(self.rows)

    def reveal(self, right: int, picked: int | None) -> None:
        """Mark the right option and the wrong pick."""
        self.revealed = (right, picked)

    def watch_highlighted(self) -> None:
        self._mark()
        if 0 <= self.highlighted < len(self.rows):
            self.rows[self.highlighted].scroll_visible(animate=False)

    def watch_revealed(self, revealed: tuple[int, int | None] | None) -> None:
        self._mark()
        if revealed is not None and 0 <= revealed[0] < len(self.rows):
            self.rows[revealed[0]].scroll_visible(animate=False)

    def _mark(self) -> None:
        revealed = self.revealed
        for i, row in enumerate(self.rows):
            row.set_class(i == self.highlighted and revealed is None, "-highlight")
            row.set_class(revealed is not None and i == revealed[0], "-right")
            row.set_class(revealed is not None and i == revealed[1] != revealed[0], "-wrong")

    def action_move(self, step: int) -> None:
        if self.choices and self.revealed is None:
            self.highlighted = (self.highlighted + step) % len(self.choices)

    def key_enter(self) -> bool:
        if self.revealed is None and self.choices:
            self.post_message(self.Picked(self.highlighted))
            return True
        return False

    def on_click(self, event: Click) -> None:
        for i, row in enumerate(self.rows):
            if event.widget is row or (event.widget is not None and row in event.widget.ancestors):
                self.post_message(self.Picked(i))
