"""``service.cards``: one card, the browser's search, and changes outside a review session.

Also the one home of the "needs text" policy: a card whose answer is missing, or whose
question needs an image the export left out, is suspended with the reason until edited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from studyapp.deckfmt.model import ANSWER_MISSING, IMAGE_MISSING, QUESTION_IMAGE_MISSING
from studyapp.store import answers as store_answers
from studyapp.store import cards as store
from studyapp.store.rows import STATE_NAMES
from studyapp.study import answering
from studyapp.study.errors import StudyError
from studyapp.study.views import Answer, CardView, ListedCard

if TYPE_CHECKING:
    from studyapp.store.rows import CardRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context
    from studyapp.study.parameters import FsrsPart

NEEDS_TEXT = (ANSWER_MISSING, QUESTION_IMAGE_MISSING)
"""File flags that keep a card suspended until its text is written in the app."""
MISSING_ANSWER_IMAGE = (
    "the answer in the lecture export was an image, which the export left out; "
    "the card is suspended from reviews until you write an answer (e to edit)"
)
MISSING_ANSWER = (
    "the deck file gives no answer for this card; it is suspended from reviews "
    "until you write one (e to edit)"
)
MISSING_QUESTION_IMAGE = (
    "the question refers to an image the lecture export left out; the card is suspended "
    "from reviews until you rewrite the question (e to edit)"
)


def missing_reason(flags: tuple[str, ...], front_rewritten: bool, back: str) -> str | None:
    """Why a card can't be reviewed as the file gives it (None: it can).

    ``flags``: the card's file and app flags; ``front_rewritten``: the question was edited
    in the app; ``back``: the answer as it stands now.
    """
    if QUESTION_IMAGE_MISSING in flags and not front_rewritten:
        return MISSING_QUESTION_IMAGE
    if ANSWER_MISSING not in flags or back.strip():
        return None
    return MISSING_ANSWER_IMAGE if IMAGE_MISSING in flags else MISSING_ANSWER


def needs_text(flags: Sequence[str]) -> bool:
    """True for a card the import suspends until its text is written (:data:`NEEDS_TEXT`)."""
    return any(flag in flags for flag in NEEDS_TEXT)


def _reason(card: CardRow, front: str | None = None, back: str | None = None) -> str | None:
    front = card.front if front is None else front
    return missing_reason(
        (*card.file_flags, *card.flags),
        front != card.file_front,
        card.back if back is None else back,
    )


class CardsPart:
    """``service.cards``: get, browse, edit, flag, suspend and bury outside a review session."""

    def __init__(self, ctx: Context, fsrs: FsrsPart) -> None:
        self.ctx = ctx
        self.fsrs = fsrs

    def view(self, q: Query, card: CardRow, now: datetime) -> CardView:
        """A stored card as the screens show it (with its predicted recall now)."""
        deck = self.fsrs.deck(q, card.deck_id)
        sched = self.fsrs.scheduler(q, deck)
        return CardView(
            id=card.id,
            deck_id=card.deck_id,
            deck_name=deck.name,
            front=card.front,
            back=card.back,
            flags=card.flags,
            tags=card.tags,
            experiments=card.experiments,
            experiment_settings=card.experiment_settings,
            state=STATE_NAMES[card.state],  # type: ignore[arg-type]
            missing_reason=_reason(card),
            due=card.due,
            stability=card.stability,
            difficulty=card.difficulty,
            retrievability=sched.retrievability(answering.state_of(card), now),
            reps=card.reps,
            lapses=card.lapses,
            suspended=card.suspended,
            buried=card.buried_until is not None and card.buried_until > now,
            removed=card.removed,
            line=card.line,
        )

    def record(self, q: Query, card_id: int) -> CardRow:
        card = store.get(q, card_id)
        if card is None:
            raise StudyError(f"no card with id {card_id}")
        return card

    def get(self, card_id: int, now: datetime | None = None) -> CardView:
        """One card; StudyError if there is no such card."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self.view(q, self.record(q, card_id), now)

    def browse(
        self,
        query: str = "",
        deck_id: int | None = None,
        now: datetime | None = None,
        *,
        include_removed: bool = False,
        limit: int | None = None,
    ) -> list[CardView]:
        """Cards whose front, back or tags contain ``query`` (case-insensitive), by deck/line."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            found = store.search(q, query.strip().lower(), deck_id, include_removed, limit)
            return [self.view(q, card, now) for card in found]

    def listing(self, deck_id: int | None = None, now: datetime | None = None) -> list[ListedCard]:
        """Every card of a deck (or of every deck) with how often it was answered, graded
        predictions included: what ``studyapp cards`` prints."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            counts = store_answers.counts(q, deck_id)
            found = store.search(q, "", deck_id, False, None)
            return [
                ListedCard(self.view(q, card, now), *counts.get(card.id, (0, 0))) for card in found
            ]

    def history(self, card_id: int, limit: int | None = None) -> list[Answer]:
        """The card's answers of every kind (reviews, quiz answers, predictions), newest
        first: the browser's history."""
        with self.ctx.read() as q:
            self.record(q, card_id)
            logs = store_answers.of_card(q, card_id, limit)
        return [Answer(log.reviewed_at, log.kind, log.rating) for log in logs]

    def change(self, card_id: int, change: Callable[[CardRow], CardRow]) -> tuple[CardRow, CardRow]:
        """Apply ``change`` to the card in one write; returns the card before and after."""
        with self.ctx.write() as q:
            before = store.locked(q, card_id)
            if before is None:
                raise StudyError(f"no card with id {card_id}")
            after = change(before)
            store.save(q, before, after)
        return before, after

    def flagged(self, card: CardRow, flag: str, on: bool) -> CardRow:
        """``card`` with ``flag`` added (or with ``on=False`` removed)."""
        flag = flag.strip()
        if not flag:
            raise StudyError("a flag needs a name")
        flags = tuple(f for f in card.flags if f != flag)
        return card._replace(flags=(*flags, flag) if on else flags)

    def edited(self, card: CardRow, front: str, back: str) -> CardRow:
        """``card`` with new text: ``edited`` set, and the end of a "needs text" suspension
        once the missing part is written. Control characters never get in."""
        from studyapp.textsafe import strip_controls

        front, back = strip_controls(front), strip_controls(back)
        if not front.strip():
            raise StudyError("a card needs a question")
        new = card._replace(
            front=front, back=back, edited=(front, back) != (card.file_front, card.file_back)
        )
        blocked_before = _reason(card) is not None
        unblocked = blocked_before and _reason(card, front, back) is None
        if unblocked and card.suspended and "leech" not in card.tags:
            new = new._replace(suspended=False)
        return new

    def flag(self, card_id: int, flag: str, on: bool = True) -> CardView:
        """Add (or with ``on=False`` remove) a flag such as ``marked`` or ``wrong``."""
        self.change(card_id, lambda card: self.flagged(card, flag, on))
        return self.get(card_id)

    def edit(self, card_id: int, front: str, back: str) -> CardView:
        """Change the card's text in the app; its history and identity are kept.

        The edit survives re-syncs of the deck file as long as the file's version of the
        card does not change; a later edit in the file wins. Writing the missing answer
        (or rewriting a question whose image is missing) ends that card's suspension.
        """
        self.change(card_id, lambda card: self.edited(card, front, back))
        return self.get(card_id)

    def suspend(self, card_id: int) -> None:
        """Take the card out of reviews until unsuspended."""
        self.change(card_id, lambda card: card._replace(suspended=True))

    def unsuspend(self, card_id: int) -> None:
        self.change(card_id, lambda card: card._replace(suspended=False))

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide the card until the next study day."""
        until = self.ctx.day_end(self.ctx.now(now))
        self.change(card_id, lambda card: card._replace(buried_until=until))

    def unbury(self, card_id: int) -> None:
        self.change(card_id, lambda card: card._replace(buried_until=None))
