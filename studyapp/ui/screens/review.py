"""Review: the front, reveal, rate 1-4 with each button's interval, undo, bury, suspend, edit.

Every answer goes through ``service.answer``, which commits before it returns, and only
then is the next card drawn. Card text is shown with :class:`Content` (never markup).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Rule, Static

from studyapp.study.views import Rating
from studyapp.ui.text import format_interval
from studyapp.ui.widgets.keybar import KeyBar
from studyapp.ui.widgets.rating_bar import LABELS, RatingBar

if TYPE_CHECKING:
    from studyapp.study.views import AnswerResult, CardView
    from studyapp.ui.app import StudyApp

FLAGS = ("marked", "wrong")
"""Flags offered by the flag key (``wrong``: the card's text needs fixing)."""


class ReviewScreen(Screen[None]):
    """One deck's review session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "space", "Reveal / Good", id="review.space", key_display="space"),
        Binding("enter", "reveal", "Reveal", id="review.reveal", show=False),
        Binding("1", "rate(1)", "Again", id="review.again", show=False),
        Binding("2", "rate(2)", "Hard", id="review.hard", show=False),
        Binding("3", "rate(3)", "Good", id="review.good", show=False),
        Binding("4", "rate(4)", "Easy", id="review.easy", show=False),
        Binding("u", "undo", "Undo", id="review.undo", tooltip="Take back the last answer"),
        Binding("b", "bury", "Bury", id="review.bury", tooltip="Hide until tomorrow"),
        Binding("s", "suspend", "Suspend", id="review.suspend", tooltip="Out of reviews"),
        Binding("e", "edit", "Edit", id="review.edit", tooltip="Edit front and back"),
        Binding("f", "flag", "Flag", id="review.flag", tooltip="Mark or report the card"),
        Binding("x", "experiment", "Experiment", id="review.experiment",
                tooltip="Run the card's linked experiment"),
        Binding("escape", "back", "Home", id="review.back"),
    ]  # fmt: skip

    def __init__(self, deck_id: int | None, deck_name: str = "") -> None:
        """Review ``deck_id``'s due cards (every deck's for None)."""
        super().__init__()
        self.deck_id = deck_id
        self.deck_name = deck_name
        self.card: CardView | None = None
        self.revealed = False
        self.answered = 0
        self._shown_at = time.monotonic()
        self._footer_state: tuple[bool, bool] | None = None

    @property
    def study(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="review-status")
        with VerticalScroll(id="card"):
            yield Static("", id="front", markup=False)
            yield Rule(id="divider")
            yield Static("", id="back", markup=False)
        yield Static("", id="links")
        yield RatingBar(id="ratings")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_card(self.study.attempt("Next card", self._next))

    def _next(self) -> CardView | None:
        return self.study.service.next_card(self.deck_id, now=self.study.now())

    # -- display -------------------------------------------------------------------------

    def show_card(self, card: CardView | None, note: str = "") -> None:
        """Show ``card``'s front (answer hidden), or the end-of-session message."""
        self.card = card
        self.revealed = False
        self._shown_at = time.monotonic()
        front = self.query_one("#front", Static)
        if card is None:
            front.update(
                Content.assemble(
                    ("Done for now!", "bold $success"),
                    f"\n\n{self.answered} answered this session. ",
                    "Press u to undo the last answer or escape to go home.",
                )
            )
        else:
            front.update(Content(card.front))
        self.query_one("#back", Static).update(Content(""))
        self.query_one("#divider").display = False
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self._show_links()
        self._show_status(note)
        self.query_one(RatingBar).display = False
        self._refresh_footer()

    def reveal(self) -> None:
        card = self.card
        if card is None or self.revealed:
            return
        self.revealed = True
        back = self.query_one("#back", Static)
        if card.missing_reason:
            back.update(
                Content.assemble(("No answer in the deck file: ", "bold $warning"),
                                 card.missing_reason)
            )  # fmt: skip
        elif not card.back.strip():
            back.update(Content.styled("(this card has no answer)", "dim"))
        else:
            back.update(Content(card.back))
        self.query_one("#divider").display = True
        bar = self.query_one(RatingBar)
        bar.show_intervals(
            self.study.attempt("Intervals", self.study.service.preview, card.id, self.study.now())
        )
        bar.display = True

    def _show_links(self) -> None:
        links = self.query_one("#links", Static)
        card = self.card
        if card is None or not card.experiments:
            links.update(Content(""))
            links.display = False
            return
        from studyapp.experiments.links import describe_link

        settings = self._suggestions()
        first, *rest = (describe_link(e, settings.get(e)) for e in card.experiments)
        more = f" (+{len(rest)} more: {', '.join(rest)})" if rest else ""
        links.update(
            Content.assemble(("Experiment: ", "bold"), first, more, ("  x runs it", "dim"))
        )
        links.display = True

    def _suggestions(self) -> dict[str, dict[str, str]]:
        """The card's suggested settings per linked experiment (``studyapp.experiments.links``)."""
        from studyapp.experiments.links import card_suggestions

        card = self.card
        if card is None:
            return {}
        return card_suggestions(card.experiments, card.front, card.back, card.experiment_settings)

    def _show_status(self, note: str = "") -> None:
        parts: list[str | tuple[str, str]] = [(self.deck_name or "Review", "bold")]
        summary = None
        if self.study.ready:
            try:
                summary = _summary(self.study, self.deck_id)
            except Exception:
                summary = None
        if summary is not None:
            new, learning, due = summary
            parts += [
                "  ",
                (f"{new} new", "$primary"),
                " · ",
                (f"{learning} learning", "$warning"),
                " · ",
                (f"{due} due", "$success"),
            ]
        card = self.card
        if card is not None:
            parts.append(("  [" + card.state + "]", "dim"))
            if card.flags:
                parts.append(("  flags: " + ", ".join(card.flags), "$accent"))
        if note:
            parts += ["\n", (note, "italic")]
        self.query_one("#review-status", Static).update(Content.assemble(*parts))

    # -- bindings ------------------------------------------------------------------------

    def _refresh_footer(self) -> None:
        """Refresh the footer only when what it shows changes (a recompose per card is slow)."""
        state = (self.card is not None, bool(self.card and self.card.experiments))
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rating keys need a revealed card; card keys need a card (dimmed otherwise)."""
        if action == "rate":  # hidden from the footer; the rating bar shows when usable
            return True if self.card is not None else None
        if action in {"reveal", "bury", "suspend", "edit", "flag", "space"}:
            return True if self.card is not None else None
        if action == "experiment":
            return True if self.card is not None and self.card.experiments else None
        return True

    def action_space(self) -> None:
        if self.revealed:
            self.action_rate(int(Rating.GOOD))
        else:
            self.reveal()

    def action_reveal(self) -> None:
        self.reveal()

    def action_rate(self, value: int) -> None:
        card = self.card
        if card is None or not self.revealed:
            return
        rating = Rating(value)
        duration_ms = int((time.monotonic() - self._shown_at) * 1000)
        result = self.study.attempt(
            "Saving the answer",
            self.study.service.answer,
            card.id,
            rating,
            duration_ms,
            now=self.study.now(),
        )
        if result is None:
            return  # not saved: keep the card on screen so the answer can be given again
        self.answered += 1
        self.show_card(self.study.attempt("Next card", self._next), _answer_note(result))

    def action_undo(self) -> None:
        if not self.study.ready:
            return
        service = self.study.service
        card = self.study.attempt("Undo", service.undo)
        if card is None:
            self.app.notify("Nothing to undo in this session.", severity="warning")
            return
        self.answered = max(self.answered - 1, 0)
        self.show_card(card, f"Undone: the card is back ({service.undo_depth()} more to undo)")

    def action_bury(self) -> None:
        if self.card is None:
            return
        card_id = self.card.id
        if self._done(self.study.service.bury, card_id, now=self.study.now()):
            self.show_card(self.study.attempt("Next card", self._next), "Buried until tomorrow")

    def action_suspend(self) -> None:
        if self.card is None:
            return
        if self._done(self.study.service.suspend, self.card.id):
            note = "Suspended (unsuspend it in the browser)"
            self.show_card(self.study.attempt("Next card", self._next), note)

    def _done(self, func, *args, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        try:
            func(*args, **kwargs)
        except Exception as error:
            self.app.notify(str(error), severity="error")
            return False
        return True

    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return
        from studyapp.ui.screens.modals import EditCardModal

        def edited(result: tuple[str, str] | None) -> None:
            if result is None or self.card is None:
                return
            updated = self.study.attempt("Edit", self.study.service.edit, card.id, *result)
            if updated is not None:
                revealed = self.revealed
                self.show_card(updated, "Card edited")
                if revealed:
                    self.reveal()

        self.app.push_screen(EditCardModal(card.front, card.back), edited)

    def action_flag(self) -> None:
        card = self.card
        if card is None:
            return
        from studyapp.ui.screens.modals import ChooseModal

        options = [
            (flag, f"{'remove' if flag in card.flags else 'add'} flag: {flag}") for flag in FLAGS
        ]

        def chosen(flag: str | None) -> None:
            if flag is None or self.card is None or self.card.id != card.id:
                return
            on = flag not in self.card.flags
            updated = self.study.attempt("Flag", self.study.service.flag, card.id, flag, on)
            if updated is not None:
                self.card = updated
                self._show_status(f"Flag {flag} {'added' if on else 'removed'}")

        self.app.push_screen(ChooseModal("Flag this card", options), chosen)

    def action_experiment(self) -> None:
        if self.card is not None:
            self.study.open_experiment(self.card.experiments, self.card.id, self._suggestions())

    def action_back(self) -> None:
        self.study.go_home()

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))


def _summary(study: StudyApp, deck_id: int | None) -> tuple[int, int, int]:
    """``(new, learning, due)`` still to show today in the deck (every deck for None)."""
    if deck_id is not None:
        deck = study.service.deck(deck_id, now=study.now())
        return deck.new, deck.learning, deck.due
    decks = study.service.decks(now=study.now())
    return (
        sum(d.new for d in decks),
        sum(d.learning for d in decks),
        sum(d.due for d in decks),
    )


def _answer_note(result: AnswerResult) -> str:
    note = f"{LABELS[Rating(result.rating)]}"
    if result.interval is not None:
        note += f": next in {format_interval(result.interval)}"
    if result.capped_by_exam:
        note += " (kept before the exam)"
    if result.leech:
        note += "; leech: tagged and suspended"
    return note
