"""Today's queue for a deck and its counts, as Anki counts them, within daily limits.

Counts (one definition, shown alike by home, the review header and ``studyapp stats``):
``new`` is the new cards today's queue will still show (after the daily new limit),
``learning`` the learning and relearning cards due today (later today included), ``review``
the review cards due today that the daily review limit still allows. The order of the queue:
learning cards due now, then reviews, then new cards; when nothing else is left, learning
cards due within :data:`LEARN_AHEAD`. Exam mode (an exam date ahead) replaces the review part:
the cards due before the exam are spread evenly over the days left, lowest predicted recall
first (see :func:`exam_reviews`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from studyapp.store import reviews as store
from studyapp.store.rows import NEW, REVIEW
from studyapp.study.fsrs import CardState
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


def exam_active(deck: DeckRow, ctx: Context, now: datetime) -> bool:
    return deck.exam_date is not None and ctx.today(now) < deck.exam_date


def build(
    q: Query,
    ctx: Context,
    deck: DeckRow,
    sched: Scheduler,
    now: datetime,
    usage: Usage,
    limit: int | None = None,
    counts: bool = False,
) -> DeckQueue:
    """Today's queue of ``deck`` at ``now`` (``sched``: the deck's scheduler, for exam mode).

    ``limit`` caps each part and stops at the first part that fills it; ``counts`` also
    fills :attr:`DeckQueue.counts`.
    """
    out = DeckQueue()
    day_end = ctx.day_end(now)
    new_left = max(0, deck.new_limit - usage.new_done)
    reviews_left = max(0, deck.review_limit - usage.reviews_done)

    def full() -> bool:
        return limit is not None and len(out.ids()) >= limit

    out.learning = store.ids(q, "learning", deck.id, now, now, day_end, limit)
    exam = exam_active(deck, ctx, now)
    exam_ids = (
        exam_reviews(q, ctx, deck, sched, now, usage) if exam and (counts or not full()) else []
    )
    if not full():
        if exam:
            out.reviews = exam_ids[:limit]
        else:
            take = reviews_left if limit is None else min(reviews_left, limit)
            out.reviews = store.ids(q, "review", deck.id, now, now, day_end, take)
    if not full():
        take = new_left if limit is None else min(new_left, limit)
        out.new = store.ids(q, "new", deck.id, now, now, day_end, take)
    if not out.ids():
        ahead = now + LEARN_AHEAD
        out.learning = store.ids(q, "learning", deck.id, now, ahead, day_end, limit)
    if counts:
        new, learning, review = store.counts(
            q, deck.id, now, day_end, new_left, None if exam else reviews_left
        )
        out.counts = Counts(new=new, learning=learning, review=len(exam_ids) if exam else review)
    return out


def exam_reviews(
    q: Query, ctx: Context, deck: DeckRow, sched: Scheduler, now: datetime, usage: Usage
) -> list[int]:
    """Today's share of the review cards due before the exam, lowest retrievability first.

    The pool is every review card due before exam day that wasn't reviewed today; with ``d``
    study days left and ``k`` review cards already done today, today's share is
    ``ceil((len(pool) + k) / d) - k``, so the pool is spread evenly over the days left.
    """
    assert deck.exam_date is not None
    pool = exam_pool(q, ctx, deck, now)
    days_left = max(1, (deck.exam_date - ctx.today(now)).days)
    done = usage.review_cards_done
    quota = max(0, math.ceil((len(pool) + done) / days_left) - done)
    ranked = sorted(pool, key=lambda r: (sched.retrievability(r[1], now) or 0.0, r[0]))
    return [card_id for card_id, _state in ranked[:quota]]


def exam_pool(q: Query, ctx: Context, deck: DeckRow, now: datetime) -> list[tuple[int, CardState]]:
    """Review cards due before exam day and not reviewed yet today."""
    assert deck.exam_date is not None
    rows = store.exam_pool(q, deck.id, now, ctx.day_start(deck.exam_date), ctx.today_start(now))
    return [
        (card_id, CardState(REVIEW, None, stability, None, due, last_review))
        for card_id, stability, last_review, due in rows
    ]


def exam_plan(
    q: Query, ctx: Context, deck: DeckRow, now: datetime, usage: Usage
) -> list[tuple[date, int]]:
    """Reviews per study day until the exam if the pool were spread evenly from today."""
    if not exam_active(deck, ctx, now):
        return []
    assert deck.exam_date is not None
    today = ctx.today(now)
    days_left = (deck.exam_date - today).days
    remaining = len(exam_pool(q, ctx, deck, now)) + usage.review_cards_done
    plan = []
    for offset in range(days_left):
        share = math.ceil(remaining / (days_left - offset))
        plan.append((today + timedelta(days=offset), share))
        remaining -= share
    return plan


def predicted_recall(q: Query, deck: DeckRow, sched: Scheduler, at: datetime) -> float | None:
    """Mean predicted recall at ``at`` over the deck's studied cards, with no more reviews."""
    values = [
        sched.retrievability(CardState(state, None, stability, None, None, last), at)
        for state, stability, last in store.studied(q, deck.id)
    ]
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
