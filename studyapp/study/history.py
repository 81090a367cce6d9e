"""A card's FSRS state rebuilt from an imported (Anki) review log, by replaying it with fsrs.

Pure: no database. Each usable entry (Anki ease 1-4 on a learn, review, relearn or filtered
entry) is replayed through ``fsrs.Scheduler.review_card`` at its own timestamp, so a card
reviewed five times in Anki arrives with the stability, difficulty and due date those five
answers give. Manual and rescheduled entries (ease 0: "set due date", rescheduling) change no
memory and are skipped; a manual entry with factor 0 is Anki's "Forget" and resets the card
to new, so only the answers after it count (as Anki's own FSRS does).

This is the reference, on ``fsrs`` objects; an import replays with the equal and much faster
:class:`studyapp.study.fsrs_fast.FastFsrs` (plain floats, integer microseconds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, REVIEW, AnkiReview

NEW = 0
"""Our stored state for a card never answered (fsrs has no 'new' state)."""
_ANSWER_KINDS = frozenset({LEARN, REVIEW, RELEARN, FILTERED})
_RATINGS = {1: Rating.Again, 2: Rating.Hard, 3: Rating.Good, 4: Rating.Easy}


@dataclass(frozen=True, slots=True)
class HistoryState:
    """The scheduling fields of a card (``state`` 0 new, 1-3 as ``fsrs.State``)."""

    state: int
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None


NEW_STATE = HistoryState(NEW)


@dataclass(frozen=True, slots=True)
class ReplayedReview:
    """One replayed answer: what a review-log row needs (before and after states)."""

    review: AnkiReview
    before: HistoryState
    after: HistoryState


@dataclass(frozen=True, slots=True)
class Replay:
    """The outcome: the card's state now, its replayed answers, reps and lapses."""

    state: HistoryState
    reviews: list[ReplayedReview]
    reps: int
    lapses: int
    skipped: int
    """Entries that carried no answer (manual, rescheduled, ease 0) or came before a reset."""


@lru_cache(maxsize=16)
def default_scheduler(retention: float = 0.9) -> Scheduler:
    """FSRS with its default parameters and steps (1 min, 10 min; relearn 10 min), no fuzz."""
    return Scheduler(desired_retention=retention, enable_fuzzing=False)


def replay(reviews: Iterable[AnkiReview], scheduler: Scheduler | None = None) -> Replay:
    """Replay ``reviews`` (oldest first) from a new card; see the module docstring."""
    sched = scheduler or default_scheduler()
    entries = list(reviews)
    start = _after_last_reset(entries)
    card: Card | None = None
    state = NEW_STATE
    out: list[ReplayedReview] = []
    lapses = 0
    for review in entries[start:]:
        rating = _RATINGS.get(review.rating)
        if rating is None or review.kind not in _ANSWER_KINDS:
            continue
        if card is None:
            # an explicit id: fsrs.Card() without one sleeps 1 ms to make a unique id
            card = Card(card_id=0, state=State.Learning, step=0, due=review.at)
        before = state
        card, _ = sched.review_card(card, rating, review.at)
        if rating is Rating.Again and before.state == int(State.Review):
            lapses += 1
        state = HistoryState(
            int(card.state), card.step, card.stability, card.difficulty, card.due,
            card.last_review,
        )  # fmt: skip
        out.append(ReplayedReview(review, before, state))
    return Replay(state, out, len(out), lapses, len(entries) - len(out))


def _after_last_reset(entries: list[AnkiReview]) -> int:
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.kind == MANUAL and entry.rating == 0 and entry.factor == 0:
            return index + 1
    return 0
