"""Help: every key binding, read from the bindings themselves (never a hand-written copy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from studyapp.ui.widgets.keybar import KeyBar


def screen_classes() -> list[tuple[str, type[DOMNode]]]:
    """The app's screens (and dialogs) whose bindings the help lists, in reading order."""
    from studyapp.ui.screens.browser import BrowserScreen
    from studyapp.ui.screens.home import HomeScreen
    from studyapp.ui.screens.modals import ChooseModal, EditCardModal, ExamDateModal
    from studyapp.ui.screens.quiz import QuizScreen
    from studyapp.ui.screens.review import ReviewScreen
    from studyapp.ui.screens.stats import StatsScreen

    screens: list[tuple[str, type[DOMNode]]] = [
        ("Home", HomeScreen),
        ("Review", ReviewScreen),
        ("Quiz", QuizScreen),
        ("Browser", BrowserScreen),
        ("Stats", StatsScreen),
    ]
    try:  # the experiment screens (torch-free modules; torch loads only when a run starts)
        from studyapp.ui.screens.experiment import ExperimentScreen
        from studyapp.ui.screens.runs import RunsScreen

        screens += [("Experiment", ExperimentScreen), ("Runs", RunsScreen)]
    except ImportError:
        pass
    return [
        *screens,
        ("Edit dialog", EditCardModal),
        ("Exam dialog", ExamDateModal),
        ("Chooser", ChooseModal),
    ]


def bindings_of(node: type[DOMNode]) -> list[Binding]:
    """``node``'s own BINDINGS expanded (``"1,2"`` gives two), as Textual reads them."""
    declared: list[BindingType] = list(node.__dict__.get("BINDINGS", []))
    return list(Binding.make_bindings(declared))


def help_rows(app: App[object]) -> Iterator[tuple[str, str, str, str]]:
    """``(section, key, description, id)`` for the app's and every screen's bindings."""
    for section, node in [("Everywhere", type(app)), *screen_classes()]:
        for binding in bindings_of(node):
            description = binding.description or binding.action
            if binding.tooltip:
                description += f" ({binding.tooltip})"
            yield section, app.get_key_display(binding), description, binding.id or ""


class HelpScreen(Screen[None]):
    """A searchable-by-eye table of bindings; the keys of the screen you came from first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="help.back"),
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
        table: DataTable[str | Text] = DataTable(id="help-table", cursor_type="row")
        table.add_columns("Where", "Key", "Does", "Id")
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        table: DataTable[str | Text] = self.query_one("#help-table", DataTable)
        origin_name = next((n for n, cls in screen_classes() if cls is self._origin), None)
        rows = list(help_rows(self.app))
        rows.sort(key=lambda row: 0 if row[0] == origin_name else 1)  # stable: origin first
        for section, key, description, binding_id in rows:
            table.add_row(Text(section), Text(key, style="bold"), Text(description), binding_id)
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
