"""Review: the front, reveal, rate 1-4 with each button's interval, undo, bury, suspend, edit.

One call to ``service.reviews`` per key press: ``start`` on open, ``answer`` (committed
before it returns, with the next card, its counts and intervals), ``undo``, ``bury``,
``suspend``, ``flag`` and ``edit`` (each returns the card to show and is undoable).
Card text is shown with :class:`Content` (never markup).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive, var
from textual.widgets import Header, Rule, Static

from studyapp.study.exam import LABEL_MARKS, LABEL_NOTE
from studyapp.study.views import Rating
from studyapp.textsafe import escape_controls, strip_controls
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.text import COUNT_COLORS, format_interval
from studyapp.ui.widgets.card_image import CardImage
from studyapp.ui.widgets.keybar import KeyBar
from studyapp.ui.widgets.rating_bar import LABELS, RatingBar

if TYPE_CHECKING:
    from studyapp.study.views import AnswerResult, CardView, QueuedCard

FLAGS = ("marked", "wrong")
"""Flags offered by the flag key (``wrong``: the card's text needs fixing)."""


class ReviewScreen(StudyScreen):
    """One deck's review session.

    View state is reactive: ``queued`` (the card on screen with its counts and intervals)
    redraws the card when it changes, ``revealed`` toggles the ``-revealed`` class (of the
    divider and the rating bar only: a class on the screen would restyle every widget) that
    shows the answer and the rating bar, and ``has_card`` / ``has_experiments`` refresh
    the key bar only when what it can offer changes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "space", "Reveal", id="review.space", key_display="space",
                tooltip="Show the answer; once shown, answer Good"),
        Binding("enter", "reveal", "Reveal", id="review.reveal", show=False,
                tooltip="Show the answer"),
        Binding("1", "rate(1)", "Again", id="review.again", show=False, tooltip="Forgot it"),
        Binding("2", "rate(2)", "Hard", id="review.hard", show=False, tooltip="Recalled, barely"),
        Binding("3", "rate(3)", "Good", id="review.good", show=False, tooltip="Recalled"),
        Binding("4", "rate(4)", "Easy", id="review.easy", show=False, tooltip="Recalled at once"),
        Binding("a", "ahead", "Review ahead", id="review.ahead",
                tooltip="Exam mode: go on with the cards the day's queue left out, up to the exam"),
        Binding("u", "undo", "Undo", id="review.undo",
                tooltip="Take back this session's last answer, bury, suspend, flag or edit"),
        Binding("b", "bury", "Bury", id="review.bury", tooltip="Hide until tomorrow"),
        Binding("s", "suspend", "Suspend", id="review.suspend", tooltip="Out of reviews"),
        Binding("e", "edit", "Edit", id="review.edit", tooltip="Edit front and back"),
        Binding("f", "flag", "Flag", id="review.flag", tooltip="Mark or report the card"),
        Binding("x", "experiment", "Experiment", id="review.experiment",
                tooltip="Run the card's linked experiment"),
        Binding("escape", "back", "Home", id="review.back", tooltip="Back to the deck list"),
    ]  # fmt: skip

    queued: reactive[QueuedCard | None] = reactive(None, init=False, always_update=True)
    """The card on screen with the session's counts and its four intervals (None: done)."""
    revealed: reactive[bool] = reactive(False, init=False)
    """Whether the answer and the rating bar show."""
    has_card: var[bool] = var(False, bindings=True)
    has_experiments: var[bool] = var(False, bindings=True)
    ahead_left: var[int] = var(0, bindings=True)
    """Exam mode, the day's queue done: cards that reviewing ahead would offer."""

    def __init__(self, deck_id: int | None, deck_name: str = "") -> None:
        """Review ``deck_id``'s due cards (every deck's for None)."""
        super().__init__()
        self.deck_id = deck_id
        self.deck_name = deck_name
        self.answered = 0
        self.note = ""
        self._shown_at = time.monotonic()

    @property
    def card(self) -> CardView | None:
        """The card on screen (None when the session is done)."""
        return self.queued.card if self.queued is not None else None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="review-status")
        with VerticalScroll(id="card"):
            yield Static("", id="front", markup=False)
            yield Rule(id="divider")
            yield Static("", id="back", markup=False)
            yield CardImage(id="card-image")
        yield Static("", id="links")
        yield RatingBar(id="ratings")
        yield KeyBar()

    def on_mount(self) -> None:
        first = None
        with self.reported("Opening the review"):
            first = self.app.service.reviews.start(self.deck_id, now=self.app.now())
        self.show_card(first)

    # -- display -------------------------------------------------------------------------

    def show_card(self, queued: QueuedCard | None, note: str = "") -> None:
        """Show ``queued``'s front (answer hidden), or the end-of-session message."""
        self.note = note
        self.revealed = False
        self.queued = queued

    def watch_queued(self, queued: QueuedCard | None) -> None:
        card = queued.card if queued is not None else None
        self._shown_at = time.monotonic()
        front = self.query_one("#front", Static)
        if card is None:
            self.ahead_left = self._ahead_count()
            more: list[str | tuple[str, str]] = []
            if self.ahead_left:
                more = [
                    "\n\nExam mode: ",
                    (f"{self.ahead_left} more cards", "bold"),
                    " can be reviewed before the exam. Press a to review ahead.",
                ]
            front.update(
                Content.assemble(
                    ("Done for now!", "bold $success"),
                    f"\n\n{self.answered} answered this session. ",
                    "Press u to undo the last answer or escape to go home.",
                    *more,
                )
            )
        else:
            front.update(Content(strip_controls(card.front)))
        self.query_one("#back", Static).update(Content(""))
        self.query_one(CardImage).show_text(card.front if card is not None else None)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self._show_links()
        self._show_status()
        self.has_card = card is not None
        self.has_experiments = bool(card and card.experiments)

    def watch_revealed(self, revealed: bool) -> None:
        for shown in (self.query_one("#divider"), self.query_one(RatingBar)):
            shown.set_class(revealed, "-revealed")
        card = self.card
        if not revealed or card is None:
            return
        back = self.query_one("#back", Static)
        if card.missing_reason:
            back.update(
                Content.assemble(("No answer in the deck file: ", "bold $warning"),
                                 card.missing_reason)
            )  # fmt: skip
        elif not card.back.strip():
            back.update(Content.styled("(this card has no answer)", "dim"))
        else:
            back.update(Content(strip_controls(card.back)))
        self.query_one(CardImage).show_text(f"{card.front}\n{card.back}")
        queued = self.queued
        kept = queued.kept if queued else {}
        marks = {rating: LABEL_MARKS[how] for rating, how in kept.items()}
        self.query_one(RatingBar).show_intervals(queued.intervals if queued else None, marks)
        if kept:
            self.note = LABEL_NOTE
            self._show_status()

    def reveal(self) -> None:
        if self.card is not None:
            self.revealed = True

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

    def _show_status(self) -> None:
        parts: list[str | tuple[str, str]] = [(escape_controls(self.deck_name or "Review"), "bold")]
        if self.queued is not None:
            new, learning, due = self.queued.counts
            parts += [
                "  ",
                (f"{new} new", f"${COUNT_COLORS['new']}"),
                " · ",
                (f"{learning} learning", f"${COUNT_COLORS['learning']}"),
                " · ",
                (f"{due} due", f"${COUNT_COLORS['due']}"),
            ]
        card = self.card
        if card is not None:
            ahead = self.queued is not None and self.queued.ahead
            parts.append(("  [" + card.state + (", ahead]" if ahead else "]"), "dim"))
            if card.flags:
                parts.append(("  flags: " + ", ".join(card.flags), "$accent"))
        if self.note:
            parts += ["\n", (self.note, "italic")]
        self.query_one("#review-status", Static).update(Content.assemble(*parts))

    # -- bindings ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rating keys need a revealed card; card keys need a card (dimmed otherwise)."""
        if action in {"rate", "reveal", "bury", "suspend", "edit", "flag", "space", "experiment"}:
            return True if self.has_card else None
        if action == "ahead":
            return not self.has_card and self.ahead_left > 0
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
        with self.reported("Saving the answer"):  # not saved: the card stays to answer again
            reviews = self.app.service.reviews
            outcome = reviews.answer(card.id, rating, duration_ms, now=self.app.now())
            self.answered += 1
            self.show_card(outcome.next, _answer_note(outcome.result))

    def action_undo(self) -> None:
        if not self.app.ready:
            return
        with self.reported("Undo"):
            reviews = self.app.service.reviews
            undone = reviews.undo(now=self.app.now())
            if undone is None:
                self.app.notify("Nothing to undo in this session.", severity="warning")
                return
            if undone.kind == "answer":
                self.answered = max(self.answered - 1, 0)
            more = reviews.undo_depth()
            self.show_card(undone.next, f"{undone.describe()} ({more} more to undo)")

    def action_bury(self) -> None:
        if self.card is None:
            return
        with self.reported("Bury"):
            queued = self.app.service.reviews.bury(self.card.id, now=self.app.now())
            self.show_card(queued, "Buried until tomorrow (u undoes)")

    def action_suspend(self) -> None:
        if self.card is None:
            return
        with self.reported("Suspend"):
            queued = self.app.service.reviews.suspend(self.card.id, now=self.app.now())
            self.show_card(queued, "Suspended (u undoes; unsuspend it in the browser)")

    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return
        from studyapp.ui.screens.modals import EditCardModal

        def edited(result: tuple[str, str] | None) -> None:
            if result is None or self.card is None:
                return
            with self.reported("Edit"):
                front, back = result
                updated = self.app.service.reviews.edit(card.id, front, back, now=self.app.now())
                self._show_same(updated, "Card edited (u undoes)")

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
            with self.reported("Flag"):
                updated = self.app.service.reviews.flag(card.id, flag, on, now=self.app.now())
                self._show_same(updated, f"Flag {flag} {'added' if on else 'removed'} (u undoes)")

        self.app.push_screen(ChooseModal("Flag this card", options), chosen)

    def _show_same(self, queued: QueuedCard, note: str) -> None:
        """The card on screen again, changed, with its answer still shown if it was."""
        revealed = self.revealed
        self.show_card(queued, note)
        self.revealed = revealed

    def action_experiment(self) -> None:
        if self.card is not None:
            self.app.open_experiment(self.card.experiments, self.card.id, self._suggestions())

    def action_back(self) -> None:
        self.app.go_home()

    def _ahead_count(self) -> int:
        if not self.app.ready:
            return 0
        with self.reported("Reviewing ahead"):
            return self.app.service.reviews.ahead_count(self.deck_id, now=self.app.now())
        return 0

    def action_ahead(self) -> None:
        if self.card is not None or not self.ahead_left:
            return
        with self.reported("Reviewing ahead"):
            queued = self.app.service.reviews.review_ahead(now=self.app.now())
            self.show_card(queued, "Reviewing ahead: cards due before the exam, soonest first")

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))


def _answer_note(result: AnswerResult) -> str:
    note = f"{LABELS[Rating(result.rating)]}"
    if result.interval is not None:
        note += f": next in {format_interval(result.interval)}"
    if result.exam_note:
        note += f" — {result.exam_note}"
    if result.leech:
        note += "; leech: tagged and suspended"
    return note
