"""Today's queue for a deck and its counts, as Anki counts them, within daily limits.

Counts (one definition, shown alike by home, the review header and ``studyapp stats``):
``new`` is the new cards today's queue will still show (after the daily new limit),
``learning`` the learning and relearning cards due today (later today included), ``review``
the review cards due today that the daily review limit still allows. The order of the queue:
learning cards due now, then reviews, then new cards; when nothing else is left, learning
cards due within :data:`LEARN_AHEAD`. Exam mode (:mod:`studyapp.study.exam`, through exam
day) takes the reviews due before the day's end and before the exam, lowest predicted recall
first; with ``ahead`` (the student asked to review ahead), an otherwise empty queue holds
the cards due on later days before the exam.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from studyapp.store import reviews as store
from studyapp.store.rows import NEW, REVIEW
from studyapp.study import exam as exam_mode
from studyapp.study.views import Counts

if TYPE_CHECKING:
    from studyapp.store.rows import CardRow, DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context
    from studyapp.study.fsrs import Scheduler

LEARN_AHEAD = timedelta(minutes=20)


@dataclass
class Usage:
    """What a deck already did today (review-kind answers only)."""

    new_done: int = 0
    reviews_done: int = 0
    review_cards_done: int = 0
    answers: int = 0


@dataclass
class DeckQueue:
    learning: list[int] = field(default_factory=list)
    reviews: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    def ids(self) -> list[int]:
        return [*self.learning, *self.reviews, *self.new]


def usage_today(q: Query, ctx: Context, deck_ids: list[int], now: datetime) -> dict[int, Usage]:
    """Today's answers per deck, read from today's slice of the log (one query)."""
    out = {deck_id: Usage() for deck_id in deck_ids}
    for row in store.usage_since(q, ctx.today_start(now), deck_ids):
        usage = out[row.deck_id]
        usage.answers += row.answers
        if row.state_before == NEW:
            usage.new_done += row.cards
        elif row.state_before == REVIEW:
            usage.reviews_done += row.answers
            usage.review_cards_done += row.cards
    return out


@dataclass
class UsageCache:
    """Today's usage of a session's decks, kept between answers instead of re-read.

    Kept while nothing else wrote: the mark is (this service's write count, SQLite's data
    version, which moves when another connection commits); a new study day, another deck
    set, an undo, any other write or PostgreSQL (no data version) reads the log again.
    """

    key: tuple[datetime, tuple[int, ...]] | None = None
    mark: tuple[int, int] | None = None
    usage: dict[int, Usage] = field(default_factory=dict)

    def get(self, q: Query, ctx: Context, deck_ids: list[int], now: datetime) -> dict[int, Usage]:
        version = q.data_version()
        if version is None:
            return usage_today(q, ctx, deck_ids, now)
        key = (ctx.today_start(now), tuple(deck_ids))
        if self.key != key or self.mark != (ctx.writes, version):
            self.usage = usage_today(q, ctx, deck_ids, now)
            self.key = key
        self.mark = (ctx.writes, version)
        return self.usage

    def answered(self, q: Query, ctx: Context, card: CardRow, now: datetime, counted: bool) -> None:
        """Account for the answer this write transaction just logged (``counted``: a
        review-kind answer); forget everything when anything else may have changed."""
        if self.key is None:
            return
        version = q.data_version()
        if version is None:
            return
        same_day = self.key[0] == ctx.today_start(now)
        if not same_day or self.mark != (ctx.writes - 1, version):
            self.key = None
            return
        usage = self.usage.get(card.deck_id)
        if counted and usage is not None:
            usage.answers += 1
            if card.state == NEW:
                usage.new_done += 1
            elif card.state == REVIEW:
                usage.reviews_done += 1
                if card.last_review is not None and card.last_review >= self.key[0]:
                    self.key = None  # maybe not a new distinct card: count again
                    return
                usage.review_cards_done += 1
        self.mark = (ctx.writes, version)


def build(
    q: Query,
    ctx: Context,
    deck: DeckRow,
    sched: Scheduler,
    now: datetime,
    usage: Usage,
    limit: int | None = None,
    counts: bool = False,
    ahead: bool = False,
) -> DeckQueue:
    """Today's queue of ``deck`` at ``now`` (``sched``: the deck's scheduler, for exam mode).

    ``limit`` caps each part and stops at the first part that fills it; ``counts`` also
    fills :attr:`DeckQueue.counts`; ``ahead``: review ahead when nothing else is left (exam
    mode only).
    """
    out = DeckQueue()
    day_end = ctx.day_end(now)
    new_left = max(0, deck.new_limit - usage.new_done)
    reviews_left = max(0, deck.review_limit - usage.reviews_done)

    def full() -> bool:
        return limit is not None and len(out.ids()) >= limit

    out.learning = store.ids(q, "learning", deck.id, now, now, day_end, limit)
    window = exam_mode.window(deck, sched.days)
    exam = window if window is not None and window.on(now) else None
    exam_ids = []
    if exam is not None and (counts or not full()):
        exam_ids = exam_mode.todays_reviews(q, deck.id, exam, sched, now, reviews_left)
    if not full():
        if exam is not None:
            out.reviews = exam_ids[:limit]
        else:
            take = reviews_left if limit is None else min(reviews_left, limit)
            out.reviews = store.ids(q, "review", deck.id, now, now, day_end, take)
    if not full():
        take = new_left if limit is None else min(new_left, limit)
        out.new = store.ids(q, "new", deck.id, now, now, day_end, take)
    if not out.ids():
        until = now + LEARN_AHEAD
        out.learning = store.ids(q, "learning", deck.id, now, until, day_end, limit)
    shown = Counts()
    if counts:
        new, learning, review = store.counts(
            q, deck.id, now, day_end, new_left, None if exam else reviews_left
        )
        shown = Counts(new, learning, len(exam_ids) if exam is not None else review)
    left = out.ids() or exam_ids or shown.new or shown.learning
    if ahead and exam is not None and not left:  # reviewing ahead: nothing else is left today
        ahead_ids = exam_mode.ahead(q, deck.id, exam, now, None if counts else limit)
        out.reviews = ahead_ids if limit is None else ahead_ids[:limit]
        shown = shown._replace(review=len(ahead_ids))
    out.counts = shown
    return out
