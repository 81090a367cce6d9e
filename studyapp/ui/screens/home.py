"""Home: the decks with today's counts, progress and exam countdowns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static

from studyapp.study.exam import CLEAR_OFFER
from studyapp.textsafe import escape_controls
from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.screens.exam import ExamPlanLoaded
from studyapp.ui.text import (
    COUNT_COLORS,
    format_countdown,
    format_percent,
    literal,
    plural,
    shorten,
)
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from studyapp.study.views import DeckSummary, ExamPlan


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

DECK_ACTIONS = frozenset({"review", "quiz", "exam", "exam_plan", "optimize"})
"""Actions that need a selected deck (dimmed in the key bar without one)."""


@dataclass
class DecksLoaded(Loaded):
    """The deck list with today's counts (``service.decks.list``)."""

    decks: list[DeckSummary]


class HomeScreen(StudyScreen):
    """The deck list; enter starts a review of the selected deck."""

    RELOAD_ON_RESUME = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Review", id="home.review", tooltip="Review the selected deck",
                priority=True),
        Binding("q", "quiz('choice')", "Quiz", id="home.quiz",
                tooltip="Multiple-choice quiz on the deck (schedule untouched)"),
        Binding("t", "quiz('typed')", "Typed quiz", id="home.typed_quiz",
                tooltip="Type the answers (schedule untouched)"),
        Binding("b", "browse", "Browse", id="home.browse", tooltip="Search every card"),
        Binding("s", "stats", "Stats", id="home.stats", tooltip="Charts of your reviews"),
        Binding("e", "exam", "Exam date", id="home.exam", tooltip="Set the deck's exam date"),
        Binding("p", "exam_plan", "Exam plan", id="home.exam_plan",
                tooltip="The plan to the exam: reviews and new cards each day"),
        Binding("o", "optimize", "Optimize", id="home.optimize", show=False,
                tooltip="Fit FSRS parameters to your review log"),
        Binding("r", "refresh", "Refresh", id="home.refresh", show=False,
                tooltip="Read the counts again"),
    ]  # fmt: skip

    decks: reactive[tuple[DeckSummary, ...]] = reactive((), always_update=True, init=False)
    """The decks as last loaded."""
    deck: reactive[DeckSummary | None] = reactive(None, bindings=True, init=False)
    """The selected deck (None: no decks yet, or still loading)."""
    failed: reactive[str] = reactive("", init=False)
    """Why the database could not open ('' when it did)."""
    plan: reactive[ExamPlan | None] = reactive(None, init=False)
    """The selected deck's exam plan (None: no exam date, or still working it out)."""

    def __init__(self, decks: Sequence[DeckSummary] | None = None) -> None:
        """``decks``: the deck list already read (the app read it before the first frame);
        None: read it on a worker once the database is open."""
        super().__init__()
        self._first_decks = decks
        self._filled_width = -1
        """The name column's width the table was last filled for."""

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
        self.watch(self.app, "theme", lambda: self._fill(self.decks), init=False)

    def on_resize(self) -> None:
        # Deck names are cut to the width, so the counts stay on screen (60 columns too).
        if self.decks and self._name_width(self.decks) != self._filled_width:
            self._fill(self.decks)

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the deck counts on a worker (the table keeps the old ones meanwhile)."""
        if self._first_decks is not None:  # read before the first frame: drawn with it
            first, self._first_decks = self._first_decks, None
            self.decks = tuple(first)
        elif self.app.startup_error:
            self.failed = self.app.startup_error
        elif self.app.ready:
            decks = self.app.service.decks
            self.load(DecksLoaded, decks.list, now=self.app.now(), label="Loading decks")

    @on(DecksLoaded)
    def _decks_loaded(self, message: DecksLoaded) -> None:
        self.decks = tuple(message.decks)

    def watch_decks(self, decks: tuple[DeckSummary, ...]) -> None:
        self._fill(decks)
        self._show_status()

    def watch_deck(self, old: DeckSummary | None, deck: DeckSummary | None) -> None:
        if self.plan is not None and (deck is None or self.plan.deck_id != deck.id):
            self.plan = None
        self._show_detail()
        if deck is not None and deck.exam_date is not None and self.app.ready:
            plans = self.app.service.decks.exam_plan
            self.load(ExamPlanLoaded, plans, deck.id, now=self.app.now(), label="Exam plan")

    @on(ExamPlanLoaded)
    def _plan_loaded(self, message: ExamPlanLoaded) -> None:
        deck = self.deck
        if message.plan is not None and deck is not None and message.plan.deck_id == deck.id:
            self.plan = message.plan

    def watch_plan(self) -> None:
        self._show_detail()

    def watch_failed(self, error: str) -> None:
        self.set_class(bool(error), "-failed")
        self.query_one("#home-status", Static).update(Content(f"Cannot open the database: {error}"))
        self.query_one("#deck-detail", Static).update(
            Content("Fix or move the file (or pass --db PATH), then start again. ctrl+q quits.")
        )

    def _fill(self, decks: tuple[DeckSummary, ...]) -> None:
        table: DataTable[str | Text] = self.query_one("#decks", DataTable)
        selected = self.deck.id if self.deck is not None else None
        name_width = self._filled_width = self._name_width(decks)
        table.clear(columns=True)  # a fixed name width: auto widths only ever grow
        _add_columns(table, max(name_width, 4))
        colors = {kind: self.app.theme_variables.get(v, v) for kind, v in COUNT_COLORS.items()}
        for deck in decks:
            exam = _exam_cell(deck.days_to_exam)
            table.add_row(
                literal(shorten(deck.name, name_width)),
                _count(deck.new, colors["new"]),
                _count(deck.learning, colors["learning"]),
                _count(deck.due, colors["due"]),
                Text(str(deck.reviewed_today)),
                exam,
                key=str(deck.id),
            )
        row = next((i for i, deck in enumerate(decks) if deck.id == selected), 0)
        if decks:
            table.move_cursor(row=row)
        self.deck = decks[row] if decks else None
        self.set_class(not decks, "-empty")

    def _name_width(self, decks: tuple[DeckSummary, ...]) -> int:
        """The deck-name column's width: the longest name, cut to what the counts leave."""
        room = max(self.size.width - COUNTS_WIDTH, MIN_NAME_WIDTH)
        return min(max((len(deck.name) for deck in decks), default=4), room)

    def _show_status(self) -> None:
        decks = self.decks
        done = sum(d.reviewed_today for d in decks)
        # The same three counts as the table's columns and the review header (Anki's).
        new, learning, due = (sum(getattr(d, key) for d in decks) for _, key in COLUMNS[1:4])
        self.query_one("#home-status", Static).update(
            Content.assemble(
                (f"Today: {done} answered", "bold"),
                f" · {new} new · {learning} learning · {due} due · {plural(len(decks), 'deck')}",
            )
        )

    def _show_detail(self) -> None:
        deck = self.deck
        detail = self.query_one("#deck-detail", Static)
        if deck is None:
            detail.update(
                Content("No decks yet: put deck files in decks/ or run `studyapp import FILE`.")
            )
            return
        parts: list[str | tuple[str, str]] = [
            (escape_controls(deck.name), "bold"),
            f"  {deck.total} cards, retention goal {format_percent(deck.desired_retention)}",
            f", limits {deck.new_limit} new / {deck.review_limit} reviews a day",
        ]
        if deck.exam is not None:
            figure = deck.exam
            countdown = format_countdown(figure.exam_date, deck.days_to_exam)
            when = f"{figure.exam_date:%m-%d} {figure.exam_time}"
            parts += ["\n", (countdown.replace(figure.exam_date.isoformat(), when),
                              "bold $accent"), f" · {figure.headline(short=True)}"]  # fmt: skip
            parts.append(("\n" + figure.caveat(), "$text-muted"))
            parts += self._plan_parts(deck)
        if deck.suspended_missing:
            cards = plural(deck.suspended_missing, "answer-missing card")
            missing = f"\n{cards} suspended (no answer in the file; b browses them)"
            parts.append((missing, "$text-muted"))
        detail.update(Content.assemble(*parts))

    def _plan_parts(self, deck: DeckSummary) -> list[str | tuple[str, str]]:
        """The plan in one or two lines, what makes it impossible, the offer to clear."""
        plan = self.plan
        if deck.days_to_exam is not None and deck.days_to_exam < 0:
            return [("\n" + CLEAR_OFFER + " (e, then an empty date)", "$warning")]
        if plan is None or plan.deck_id != deck.id:
            return [("\nWorking out the plan…", "$text-muted")]
        parts: list[str | tuple[str, str]] = []
        if plan.days:
            parts.append("\n" + plan_line(plan, max(self.size.width - 2, 40)))
        for problem in plan.problems:
            parts.append(("\nCan't be kept: " + problem, "$warning"))
        return parts

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        decks = self.decks
        if decks and 0 <= event.cursor_row < len(decks):
            self.deck = decks[event.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_review()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Deck keys are dimmed until a deck is selected."""
        if action in DECK_ACTIONS and self.deck is None:
            return None
        if action == "exam_plan" and self.deck is not None and self.deck.exam_date is None:
            return None
        return True

    def _acting_deck(self) -> DeckSummary | None:
        """The deck under the table's cursor now: a key typed right after an arrow acts on
        the row the arrow moved to, before its highlight message has updated :attr:`deck`."""
        decks, row = self.decks, self.query_one("#decks", DataTable).cursor_row
        if decks and 0 <= row < len(decks):
            self.deck = decks[row]
        return self.deck

    def action_review(self) -> None:
        if (deck := self._acting_deck()) is not None:
            self.app.open("review", deck.id, deck.name)

    def action_quiz(self, mode: str) -> None:
        if (deck := self._acting_deck()) is not None:
            self.app.open("typed-quiz" if mode == "typed" else "quiz", deck.id)

    def action_browse(self) -> None:
        self.app.open("browser")

    def action_stats(self) -> None:
        self.app.open("stats")

    def action_exam(self) -> None:
        if (deck := self._acting_deck()) is not None:
            self.app.ask_exam_date(deck.id, deck.name, deck.exam_date)

    def action_exam_plan(self) -> None:
        if (deck := self._acting_deck()) is not None and deck.exam_date is not None:
            self.app.open("exam-plan", deck.id, deck.name)

    def action_optimize(self) -> None:
        if (deck := self._acting_deck()) is not None:
            self.app.optimize(deck.id)

    def action_refresh(self) -> None:
        self.reload()


def _add_columns(table: DataTable[str | Text], name_width: int | None = None) -> None:
    for label, key in COLUMNS:  # Text labels: a str would load Rich's emoji table
        table.add_column(Text(label), key=key, width=name_width if key == "name" else None)


def _exam_cell(days: int | None) -> Text:
    """The Exam column: days to go, ``today``, or ``past`` (then e clears it)."""
    if days is None:
        return Text("")
    if days < 0:
        return Text("past", style="dim")
    return Text("today" if days == 0 else f"{days}d")


def plan_line(plan: ExamPlan, width: int) -> str:
    """``plan, reviews+new: today 0+20 · Wed 4+20 · … · exam 25``, days left out of the
    middle to fit ``width``."""
    items = []
    last = len(plan.days) - 1
    for index, day in enumerate(plan.days):
        label = "today" if index == 0 else "exam" if index == last else f"{day.day:%a}"
        items.append(f"{label} {day.reviews}+{day.new}" if day.new else f"{label} {day.reviews}")
    head, tail = "plan, reviews+new: ", ""
    for keep in range(len(items), 0, -1):  # the first days, then the exam day
        shown = items if keep >= len(items) - 1 else [*items[:keep], "…", items[-1]]
        line = head + " · ".join(shown) + tail
        if len(line) <= width:
            return line
    return line


def _count(value: int, color: str) -> Text:
    return Text(str(value), style=f"bold {color}" if value else "dim")
