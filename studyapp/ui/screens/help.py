"""Help: every key binding, read from the bindings of the screens in the one screen table.

Each row is a key (several keys for one action share a row: ``? f1``), what it does and
its tooltip; internal binding ids are never shown. The description column takes the width
the others leave and wraps (a row grows a line), so nothing is cut at 80 columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.widgets.keybar import KeyBar

EVERYWHERE = "Everywhere"
CELL_PADDING = 2
"""Cells a DataTable column adds to its content (one each side)."""
SCROLLBAR = 2


@dataclass(frozen=True)
class HelpRow:
    """One line of help."""

    section: str
    keys: str
    description: str


def screen_classes() -> list[tuple[str, type[DOMNode]]]:
    """``(title, class)`` of each screen and dialog in the table, each class once."""
    from studyapp.ui.screens.table import SCREENS

    found: list[tuple[str, type[DOMNode]]] = []
    for entry in SCREENS:
        try:
            cls = entry.screen_class()
        except ImportError:  # an optional screen whose extra is not installed
            continue
        if all(cls is not seen for _, seen in found):
            found.append((entry.title, cls))
    return found


def bindings_of(node: type[DOMNode]) -> list[Binding]:
    """``node``'s own BINDINGS expanded (``"1,2"`` gives two), as Textual reads them."""
    declared: list[BindingType] = list(node.__dict__.get("BINDINGS", []))
    return list(Binding.make_bindings(declared))


def help_rows(app: App[Any]) -> Iterator[HelpRow]:
    """A row per action of the app and of every screen (keys of one action joined)."""
    for section, node in [(EVERYWHERE, type(app)), *screen_classes()]:
        keys: dict[tuple[str, str], list[str]] = {}
        tips: dict[tuple[str, str], str] = {}
        for binding in bindings_of(node):
            action = (binding.action, binding.description)
            keys.setdefault(action, []).append(app.get_key_display(binding))
            tips.setdefault(action, binding.tooltip)
        for key, shown in keys.items():
            name, description = key
            text = description or name
            if tips[key]:
                text += f": {tips[key]}"
            yield HelpRow(section, " ".join(dict.fromkeys(shown)), text)


class HelpScreen(StudyScreen):
    """A table of the keys; those of the screen you came from first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="help.back", tooltip="Close the help"),
    ]

    def __init__(self, origin: Screen[object] | None = None) -> None:
        super().__init__()
        self._origin = type(origin) if origin is not None else None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(
            Content.assemble(
                ("Keys", "bold"),
                " · ctrl+p opens the command palette (decks, screens, actions, themes)",
            ),
            classes="hint",
        )
        yield DataTable(id="help-table", cursor_type="row")
        yield KeyBar()

    def reload(self) -> None:
        """The rows, the origin screen's first; the description column fits the width."""
        table: DataTable[str | Text] = self.query_one("#help-table", DataTable)
        table.clear(columns=True)
        origin = next((n for n, cls in screen_classes() if cls is self._origin), None)
        rows = sorted(help_rows(self.app), key=lambda row: row.section != origin)  # stable
        where = max([len("Where"), *(len(row.section) for row in rows)])
        keys = max([len("Key"), *(len(row.keys) for row in rows)])
        room = self.size.width or self.app.size.width
        does = max(20, room - where - keys - 3 * CELL_PADDING - SCROLLBAR)
        table.add_column("Where", width=where)
        table.add_column("Key", width=keys)
        table.add_column("Does", width=does)
        for row in rows:
            table.add_row(
                Text(row.section),
                Text(row.keys, style="bold"),
                Text(row.description, overflow="fold"),
                height=None,  # as many lines as the description wraps to
            )
        table.focus()

    def on_resize(self, event: events.Resize) -> None:
        if self.is_mounted:
            self.reload()

    def rows(self) -> list[HelpRow]:
        """What the table shows, read back from its cells."""
        table: DataTable[str | Text] = self.query_one("#help-table", DataTable)
        cells = (table.get_row_at(i) for i in range(table.row_count))
        return [HelpRow(*(str(cell) for cell in row)) for row in cells]

    def action_back(self) -> None:
        self.app.pop_screen()
