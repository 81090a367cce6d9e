"""Browser: every card, filtered as you type, with state, due, stability and retrievability.

It opens with the search box focused, so keys typed while it opens type into the search
and never act on the table; the cards load on a worker. The highlighted card's detail shows
its history, every kind of answer counted: reviews, quiz answers and graded experiment
predictions (``service.cards.history``, loaded on a worker per card).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.text import format_due, format_percent, literal, plural, shorten
from studyapp.ui.widgets.card_image import CardImage
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.views import Answer, CardView

SEARCH_DELAY_S = 0.15
"""Typing pauses this long before the table is filtered again."""
HISTORY_SHOWN = 4
"""The latest answers the detail names (all of them are counted)."""
RATING_WORDS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@dataclass
class CardsFound(Loaded):
    """The cards a search found (``service.cards.browse``)."""

    cards: list[CardView]


@dataclass
class HistoryLoaded(Loaded):
    """A card's answers, newest first (``service.cards.history``): ``(card id, answers)``."""

    history: tuple[int, list[Answer]]


def answer_word(answer: Answer) -> str:
    """``prediction right``, ``review Good``, ``quiz Again``."""
    if answer.kind == "prediction":
        return "prediction " + ("right" if answer.rating >= 3 else "wrong")
    return f"{answer.kind} {RATING_WORDS.get(answer.rating, str(answer.rating))}"


def history_text(answers: list[Answer]) -> str:
    """``3 answers (2 predictions) · latest: Nov 20 prediction right, ...``."""
    predictions = sum(answer.kind == "prediction" for answer in answers)
    text = plural(len(answers), "answer")
    if predictions:
        text += f" ({plural(predictions, 'prediction')})"
    if answers:
        latest = ", ".join(
            f"{a.at.strftime('%b %d')} {answer_word(a)}" for a in answers[:HISTORY_SHOWN]
        )
        text += f" · latest: {latest}"
    return text


class BrowserScreen(StudyScreen):
    """An Input filtering a DataTable of cards; the selected card's text and links below."""

    AUTO_FOCUS = "#browse-search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="browse.search", key_display="/",
                tooltip="Type to filter the cards (enter goes to the table)"),
        Binding("x", "experiment", "Experiment", id="browse.experiment",
                tooltip="Run the card's linked experiment"),
        Binding("s", "toggle_suspend", "(Un)suspend", id="browse.suspend",
                tooltip="Take the card out of reviews, or put it back"),
        Binding("e", "edit", "Edit", id="browse.edit", tooltip="Edit front and back"),
        Binding("escape", "back", "Back", id="browse.back",
                tooltip="From the search: to the table; from the table: home"),
    ]  # fmt: skip

    card: reactive[CardView | None] = reactive(None, bindings=True, init=False)
    """The highlighted card (None: no match)."""

    def __init__(self, deck_id: int | None = None) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.rows: list[CardView] = []
        self._timer: Timer | None = None
        self._query = ""
        self._history: tuple[int, list[Answer]] | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(placeholder="Search front, back or tags…", id="browse-search")
        table: DataTable[str | Text] = DataTable(
            id="browse-table", cursor_type="row", zebra_stripes=True
        )
        table.add_column("Deck", key="deck", width=12)
        table.add_column("Front", key="front", width=30)
        table.add_column("State", key="state")
        table.add_column("Due", key="due")
        table.add_column("Stab.", key="stability")
        table.add_column("R", key="r")
        table.add_column("Exp", key="exp")
        yield table
        yield Static("", id="browse-detail")
        yield CardImage(id="browse-image")
        yield KeyBar()

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Search again on a worker; the table keeps the last result meanwhile."""
        query = self.query_one("#browse-search", Input).value
        app = self.app
        self.load(
            CardsFound, app.service.cards.browse, query, self.deck_id, now=app.now(), label="Search"
        )

    @on(CardsFound)
    def _cards_found(self, message: CardsFound) -> None:
        query = self.query_one("#browse-search", Input).value
        table: DataTable[str | Text] = self.query_one("#browse-table", DataTable)
        if query != self._query:  # a new search starts at its first match
            self._query = query
            table.move_cursor(row=0)
        self.rows = list(message.cards)
        keep = table.cursor_row
        table.clear()
        now = self.app.now() or datetime.now(UTC)
        for row in self.rows:
            state = row.state + (" S" if row.suspended else "") + (" B" if row.buried else "")
            table.add_row(
                literal(shorten(row.deck_name, 12)),
                literal(shorten(row.front, 30)),
                Text(state, style="dim" if row.suspended else ""),
                "-" if row.state == "new" else format_due(row.due, now),
                "-" if row.stability is None else f"{row.stability:.1f}d",
                format_percent(row.retrievability),
                str(len(row.experiments)) if row.experiments else "",
                key=str(row.id),
            )
        if self.rows:
            table.move_cursor(row=min(keep or 0, len(self.rows) - 1))
        self.card = self._highlighted()
        self.set_class(not self.rows, "-empty")
        self._show_detail()  # also when the same card stays highlighted

    def _highlighted(self) -> CardView | None:
        table = self.query_one("#browse-table", DataTable)
        if not self.rows or table.cursor_row is None:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def selected(self) -> CardView | None:
        return self.card

    def watch_card(self) -> None:
        self._show_detail()
        self._load_history()

    def _load_history(self) -> None:
        row = self.card
        if row is not None:
            history = self.app.service.cards.history
            self.load(HistoryLoaded, lambda card_id: (card_id, history(card_id)), row.id)

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        self._history = message.history
        self._show_detail()

    def on_screen_resume(self) -> None:
        self._load_history()  # an experiment run from here logs a prediction

    def _show_detail(self) -> None:
        row = self.card
        detail = self.query_one("#browse-detail", Static)
        self.query_one(CardImage).show_text(f"{row.front}\n{row.back}" if row else None)
        if row is None:
            detail.update(Content(f"No card matches. {len(self.rows)} cards."))
            return
        # History and links first: a long answer must not push them out of the panel at 80x24.
        parts: list[str | tuple[str, str]] = []
        history = self._history
        known = history is not None and history[0] == row.id
        answers = history_text(history[1]) if history is not None and known else "…"
        facts = [answers, plural(row.lapses, "lapse")]
        if row.tags:
            facts.append("tags " + ", ".join(row.tags))
        if row.flags:
            facts.append("flags " + ", ".join(row.flags))
        parts.append((" · ".join(facts), "dim"))
        if row.experiments:
            from studyapp.experiments.links import describe_link

            settings = _suggestions(row)
            shown = ", ".join(describe_link(e, settings.get(e)) for e in row.experiments)
            hint = "  x chooses one to run" if len(row.experiments) > 1 else "  x runs it"
            parts += ["\n", ("Experiments: ", "bold"), shown, (hint, "dim")]
        answer: str | tuple[str, str] = row.back or ("(no answer)", "italic $warning")
        parts += ["\n", ("Q: ", "bold"), row.front, "\n", ("A: ", "bold"), answer]
        if row.missing_reason:  # the one wording, as the review screen shows it
            parts += ["\n", (row.missing_reason, "italic $warning")]
        detail.update(Content.assemble(*parts))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.card = self._highlighted()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value == "/":  # "/" is the search key: typed into the empty box, it is that
            event.input.value = ""
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY_S, self.reload)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.reload()
        self.query_one("#browse-table", DataTable).focus()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Card keys need a highlighted card (x on one without links says so)."""
        if action in {"toggle_suspend", "edit", "experiment"}:
            return True if self.card is not None else None
        return True

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_experiment(self) -> None:
        row = self.card
        if row is not None:
            self.app.open_experiment(row.experiments, row.id, _suggestions(row))

    def action_toggle_suspend(self) -> None:
        row = self.card
        if row is None:
            return
        with self.reported("Suspend"):
            cards = self.app.service.cards
            (cards.unsuspend if row.suspended else cards.suspend)(row.id)
            self.app.notify(f"Card {'unsuspended' if row.suspended else 'suspended'}")
            self.app.announce("suspend")

    def action_edit(self) -> None:
        row = self.card
        if row is None:
            return
        from studyapp.ui.screens.modals import EditCardModal

        def edited(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            with self.reported("Edit"):
                self.app.service.cards.edit(row.id, *result)
                self.app.announce("edit")

        self.app.push_screen(EditCardModal(row.front, row.back), edited)

    def action_back(self) -> None:
        if self.query_one("#browse-search", Input).has_focus:
            self.query_one("#browse-table", DataTable).focus()
            return
        self.app.pop_screen()


def _suggestions(row: CardView) -> dict[str, dict[str, str]]:
    """The row's suggested settings per linked experiment (``studyapp.experiments.links``)."""
    from studyapp.experiments.links import card_suggestions

    return card_suggestions(row.experiments, row.front, row.back, row.experiment_settings)
