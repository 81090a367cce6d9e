"""Home: the decks with today's counts, progress and exam countdowns."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from studyapp.ui.text import format_countdown, format_percent, literal, plural, shorten
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.views import DeckSummary
    from studyapp.ui.app import StudyApp


COUNTS_WIDTH = 33
"""Columns the counts (New .. Exam, with cell padding and a scrollbar) take beside the name."""
MIN_NAME_WIDTH = 12

COLUMNS = (
    ("Deck", "name"),
    ("New", "new"),
    ("Learn", "learning"),
    ("Due", "due"),
    ("Done", "today"),
    ("Exam", "exam"),
)


class HomeScreen(Screen[None]):
    """The deck list; enter starts a review of the selected deck."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Review", id="home.review", tooltip="Review the selected deck",
                priority=True),
        Binding("q", "quiz('choice')", "Quiz", id="home.quiz", tooltip="Multiple-choice quiz"),
        Binding("t", "quiz('typed')", "Typed quiz", id="home.typed_quiz"),
        Binding("b", "browse", "Browse", id="home.browse", tooltip="Search every card"),
        Binding("s", "stats", "Stats", id="home.stats", tooltip="Charts of your reviews"),
        Binding("e", "exam", "Exam date", id="home.exam", tooltip="Set the deck's exam date"),
        Binding("o", "optimise", "Optimise", id="home.optimise", show=False,
                tooltip="Fit FSRS parameters to your review log"),
        Binding("r", "refresh", "Refresh", id="home.refresh", show=False),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._decks: list[DeckSummary] = []

    @property
    def study(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Opening the database…", id="home-status")
        table: DataTable[str | Text] = DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        _add_columns(table)
        yield table
        yield Static("", id="deck-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#decks", DataTable).focus()
        if self.study.ready:
            self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.study.ready:
            self.refresh_data()

    def on_resize(self) -> None:
        # Deck names are cut to the width, so the counts stay on screen (60 columns too).
        if self.study.ready and self._decks:
            self.refresh_data()

    # -- data ----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload the deck counts from the service and redraw the table."""
        decks = self.study.attempt("Loading decks", self.study.service.decks, now=self.study.now())
        if decks is None:
            return
        self._decks = list(decks)
        table: DataTable[str | Text] = self.query_one("#decks", DataTable)
        selected = self.selected_deck()
        room = max(self.size.width - COUNTS_WIDTH, MIN_NAME_WIDTH)
        name_width = min(max((len(deck.name) for deck in self._decks), default=4), room)
        table.clear(columns=True)  # a fixed name width: auto widths only ever grow
        _add_columns(table, max(name_width, 4))
        for deck in self._decks:
            exam = "" if deck.days_to_exam is None else f"{deck.days_to_exam}d"
            table.add_row(
                literal(shorten(deck.name, name_width)),
                _count(deck.new, "new"),
                _count(deck.learning, "learning"),
                _count(deck.due, "due"),
                Text(str(deck.reviewed_today)),
                Text(exam),
                key=str(deck.id),
            )
        if selected is not None:
            for row, deck in enumerate(self._decks):
                if deck.id == selected.id:
                    table.move_cursor(row=row)
        self._show_status()
        self._show_detail()

    def show_error(self, error: str) -> None:
        self.query_one("#home-status", Static).update(
            Content.styled(f"Cannot open the database: {error}", "bold $error")
        )
        self.query_one("#deck-detail", Static).update(
            Content("Fix or move the file (or pass --db PATH), then start again. ctrl+q quits.")
        )

    def selected_deck(self) -> DeckSummary | None:
        table = self.query_one("#decks", DataTable)
        if not self._decks or table.cursor_row is None:
            return None
        row = min(max(table.cursor_row, 0), len(self._decks) - 1)
        return self._decks[row]

    def _show_status(self) -> None:
        done = sum(d.reviewed_today for d in self._decks)
        due = sum(d.due + d.learning for d in self._decks)
        new = sum(d.new for d in self._decks)
        self.query_one("#home-status", Static).update(
            Content.assemble(
                (f"Today: {done} answered", "bold"),
                f" · {due} due · {new} new waiting · {plural(len(self._decks), 'deck')}",
            )
        )

    def _show_detail(self) -> None:
        deck = self.selected_deck()
        detail = self.query_one("#deck-detail", Static)
        if deck is None:
            detail.update(
                Content("No decks yet: put deck files in decks/ or run `studyapp import FILE`.")
            )
            return
        parts: list[str | tuple[str, str]] = [
            (deck.name, "bold"),
            f"  {deck.total} cards, retention goal {format_percent(deck.desired_retention)}",
            f", limits {deck.new_limit} new / {deck.review_limit} reviews a day",
        ]
        if deck.exam_date is not None:
            parts += ["\n", (format_countdown(deck.exam_date, deck.days_to_exam), "bold $accent")]
            if deck.predicted_exam_recall is not None:
                recall = format_percent(deck.predicted_exam_recall)
                parts.append(f": predicted recall on exam day {recall}")
            else:
                parts.append(": recall is predicted once cards are reviewed")
        if deck.suspended_missing:
            cards = plural(deck.suspended_missing, "answer-missing card")
            missing = f"\n{cards} suspended (no answer in the file; b browses them)"
            parts.append((missing, "dim"))
        detail.update(Content.assemble(*parts))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_review()

    # -- actions -------------------------------------------------------------------------

    def _deck_or_warn(self) -> DeckSummary | None:
        if not self.study.ready:
            self.app.notify("The database is still opening.", severity="warning")
            return None
        deck = self.selected_deck()
        if deck is None:
            self.app.notify("No deck selected.", severity="warning")
        return deck

    def action_review(self) -> None:
        deck = self._deck_or_warn()
        if deck is not None:
            self.study.open_review(deck.id, deck.name)

    def action_quiz(self, mode: str) -> None:
        deck = self._deck_or_warn()
        if deck is not None:
            self.study.open_quiz(deck.id, mode)

    def action_browse(self) -> None:
        if self.study.ready:
            self.study.open_browser(None)

    def action_stats(self) -> None:
        if self.study.ready:
            self.study.open_stats()

    def action_exam(self) -> None:
        deck = self._deck_or_warn()
        if deck is not None:
            self.study.ask_exam_date(deck.id, deck.name, deck.exam_date)

    def action_optimise(self) -> None:
        deck = self._deck_or_warn()
        if deck is not None:
            self.study.optimise(deck.id)

    def action_refresh(self) -> None:
        if self.study.ready:
            self.refresh_data()


def _add_columns(table: DataTable[str | Text], name_width: int | None = None) -> None:
    for label, key in COLUMNS:  # Text labels: a str would load Rich's emoji table
        table.add_column(Text(label), key=key, width=name_width if key == "name" else None)


def _count(value: int, kind: str) -> Text:
    style = {"new": "blue", "learning": "red", "due": "green"}[kind]
    return Text(str(value), style=f"bold {style}" if value else "dim")
