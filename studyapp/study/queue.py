"""Today's queue for a deck: learning cards due now, reviews, new cards, within daily limits.

Exam mode (an exam date ahead) replaces the review part: the cards due before the exam
are spread evenly over the days left, lowest retrievability first (see :func:`exam_reviews`).
Queries touch the ``(deck_id, state, due)`` index and today's slice of the review log only,
so building a queue stays fast on large collections.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from studyapp.study import scheduling
from studyapp.study.clock import day_start, study_day, to_db
from studyapp.study.scheduling import LEARNING, NEW, RELEARNING, REVIEW

if TYPE_CHECKING:
    from sqlmodel import Session

    from studyapp.store.schema import Deck

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
    learning_due: int = 0
    reviews_due: int = 0
    new_available: int = 0
    usage: Usage = field(default_factory=Usage)

    def ids(self) -> list[int]:
        return [*self.learning, *self.reviews, *self.new]


def active(deck_id: int, now: datetime) -> Any:
    """SQL condition: the deck's cards that may be shown now."""
    from sqlalchemy import and_, or_
    from sqlmodel import col

    from studyapp.store.schema import Card

    return and_(
        col(Card.deck_id) == deck_id,
        col(Card.removed) == False,  # noqa: E712 (SQL expression)
        col(Card.suspended) == False,  # noqa: E712
        or_(col(Card.buried_until) == None, col(Card.buried_until) <= to_db(now)),  # noqa: E711
    )


def usage_today(
    session: Session, deck_ids: list[int], now: datetime, tz: tzinfo | None
) -> dict[int, Usage]:
    """Today's answers per deck, read from today's slice of the log (its time index).

    Two small queries, not one join: a join lets the planner walk every card of a large
    deck instead of today's few log rows.
    """
    from sqlmodel import col, select

    from studyapp.store.schema import Card, ReviewLog

    start = to_db(day_start(study_day(now, tz), tz))
    today = session.exec(
        select(col(ReviewLog.card_id), col(ReviewLog.state_before)).where(
            col(ReviewLog.reviewed_at) >= start, col(ReviewLog.kind) == "review"
        )
    ).all()
    out = {deck_id: Usage() for deck_id in deck_ids}
    if not today:
        return out
    deck_of: dict[int, int] = {}
    card_ids = sorted({card_id for card_id, _ in today})
    for chunk in range(0, len(card_ids), 900):
        found = session.exec(
            select(col(Card.id), col(Card.deck_id)).where(
                col(Card.id).in_(card_ids[chunk : chunk + 900])
            )
        ).all()
        deck_of.update({card_id: deck_id for card_id, deck_id in found if card_id is not None})
    new_cards: dict[int, set[int]] = {}
    review_cards: dict[int, set[int]] = {}
    for card_id, state_before in today:
        usage = out.get(deck_of.get(card_id, -1))
        if usage is None:
            continue
        usage.answers += 1
        if state_before == NEW:
            new_cards.setdefault(deck_of[card_id], set()).add(card_id)
        elif state_before == REVIEW:
            usage.reviews_done += 1
            review_cards.setdefault(deck_of[card_id], set()).add(card_id)
    for deck_id, usage in out.items():
        usage.new_done = len(new_cards.get(deck_id, ()))
        usage.review_cards_done = len(review_cards.get(deck_id, ()))
    return out


def exam_active(deck: Deck, now: datetime, tz: tzinfo | None) -> bool:
    return deck.exam_date is not None and study_day(now, tz) < deck.exam_date


def build(
    session: Session,
    deck: Deck,
    now: datetime,
    tz: tzinfo | None,
    usage: Usage | None = None,
    limit: int | None = None,
    counts: bool = False,
) -> DeckQueue:
    """Today's queue of ``deck`` at ``now``.

    ``limit`` caps each part and stops at the first part that fills it (``next_card``);
    ``counts`` also fills the ``*_due``/``new_available`` counts (the home screen).
    """
    from sqlmodel import col, select

    from studyapp.store.schema import Card

    assert deck.id is not None
    if usage is None:
        usage = usage_today(session, [deck.id], now, tz)[deck.id]
    q = DeckQueue(usage=usage)
    cond = active(deck.id, now)
    day_end = to_db(day_start(study_day(now, tz) + timedelta(days=1), tz))
    learning_states = col(Card.state).in_((LEARNING, RELEARNING))  # type: ignore[attr-defined]
    learning_cond = (cond, learning_states, col(Card.due) <= to_db(now))  # type: ignore[operator]

    def ids(*conditions: Any, order: tuple[Any, ...], take: int | None) -> list[int]:
        if take == 0:
            return []
        stmt = select(col(Card.id)).where(*conditions).order_by(*order).limit(take)
        return list(session.exec(stmt).all())  # type: ignore[arg-type]

    def full() -> bool:
        return limit is not None and not counts and len(q.ids()) >= limit

    q.learning = ids(*learning_cond, order=(col(Card.due), col(Card.id)), take=limit)
    if counts:
        q.learning_due = _count(session, *learning_cond)
    if not full():
        if exam_active(deck, now, tz):
            q.reviews = exam_reviews(session, deck, now, tz, usage)
            q.reviews_due = len(q.reviews)
            q.reviews = q.reviews[:limit]
        else:
            remaining = max(0, deck.review_limit - usage.reviews_done)
            take = remaining if limit is None else min(remaining, limit)
            due_cond = (cond, col(Card.state) == REVIEW, col(Card.due) < day_end)  # type: ignore[operator]
            q.reviews = ids(*due_cond, order=(col(Card.due), col(Card.id)), take=take)
            if counts:
                q.reviews_due = min(remaining, _count(session, *due_cond))
    if not full():
        remaining_new = max(0, deck.new_limit - usage.new_done)
        take_new = remaining_new if limit is None else min(remaining_new, limit)
        new_cond = (cond, col(Card.state) == NEW)
        q.new = ids(*new_cond, order=(col(Card.position), col(Card.id)), take=take_new)
        if counts:
            q.new_available = min(remaining_new, _count(session, *new_cond))
    if not q.learning and not q.reviews and not q.new:
        ahead = (cond, learning_states, col(Card.due) <= to_db(now + LEARN_AHEAD))  # type: ignore[operator]
        q.learning = ids(*ahead, order=(col(Card.due), col(Card.id)), take=limit)
    return q


def card_counts(session: Session, deck_id: int) -> tuple[int, int, int]:
    """(cards in the file, suspended, suspended for a missing answer) of one deck.

    Counted as all cards minus removed ones, and suspended ones apart, so that each count
    reads a narrow or partial index rather than every row of a large deck.
    """
    from sqlalchemy import String, cast
    from sqlmodel import col

    from studyapp.store.schema import Card

    deck = col(Card.deck_id) == deck_id
    removed = col(Card.removed) == True  # noqa: E712
    kept = col(Card.removed) == False  # noqa: E712
    suspended = col(Card.suspended) == True  # noqa: E712
    missing = cast(col(Card.file_flags), String).contains("answer-missing")
    total = _count(session, deck) - _count(session, deck, removed)
    return (
        total,
        _count(session, deck, suspended, kept),
        _count(session, deck, suspended, kept, missing),
    )


def _count(session: Session, *conditions: Any) -> int:
    from sqlalchemy import func
    from sqlmodel import col, select

    from studyapp.store.schema import Card

    return int(session.exec(select(func.count(col(Card.id))).where(*conditions)).one())  # type: ignore[arg-type]


def exam_reviews(
    session: Session, deck: Deck, now: datetime, tz: tzinfo | None, usage: Usage
) -> list[int]:
    """Today's share of the review cards due before the exam, lowest retrievability first.

    The pool is every review card due before exam day that wasn't reviewed today; with ``d``
    study days left and ``k`` review cards already done today, today's share is
    ``ceil((len(pool) + k) / d) - k``, so the pool is spread evenly over the days left.
    """
    rows = exam_pool(session, deck, now, tz)
    assert deck.exam_date is not None
    days_left = max(1, (deck.exam_date - study_day(now, tz)).days)
    done = usage.review_cards_done
    quota = max(0, math.ceil((len(rows) + done) / days_left) - done)
    sched = scheduling.scheduler(
        deck.desired_retention, scheduling.params_tuple(deck.fsrs_parameters)
    )
    ranked = sorted(rows, key=lambda r: (scheduling.retrievability(sched, r[1], now) or 0.0, r[0]))
    return [card_id for card_id, _state in ranked[:quota]]


def exam_pool(
    session: Session, deck: Deck, now: datetime, tz: tzinfo | None
) -> list[tuple[int, scheduling.CardState]]:
    """Review cards due before exam day and not reviewed yet today."""
    from sqlalchemy import or_
    from sqlmodel import col, select

    from studyapp.store.schema import Card

    assert deck.id is not None and deck.exam_date is not None
    exam_start = to_db(day_start(deck.exam_date, tz))
    today_start = to_db(day_start(study_day(now, tz), tz))
    stmt = select(col(Card.id), col(Card.stability), col(Card.last_review), col(Card.due)).where(
        active(deck.id, now),
        col(Card.state) == REVIEW,
        col(Card.due) < exam_start,  # type: ignore[operator]
        or_(col(Card.last_review) == None, col(Card.last_review) < today_start),  # type: ignore[operator]  # noqa: E711
    )
    return [
        (card_id, scheduling.CardState(REVIEW, None, stability, None, due, last))
        for card_id, stability, last, due in session.exec(stmt).all()
        if card_id is not None
    ]


def exam_plan(
    session: Session, deck: Deck, now: datetime, tz: tzinfo | None, usage: Usage
) -> list[tuple[date, int]]:
    """Reviews per study day until the exam if the pool were spread evenly from today."""
    if not exam_active(deck, now, tz):
        return []
    assert deck.exam_date is not None
    today = study_day(now, tz)
    days_left = (deck.exam_date - today).days
    remaining = len(exam_pool(session, deck, now, tz)) + usage.review_cards_done
    plan = []
    for offset in range(days_left):
        share = math.ceil(remaining / (days_left - offset))
        plan.append((today + timedelta(days=offset), share))
        remaining -= share
    return plan


def predicted_recall(session: Session, deck: Deck, at: datetime) -> float | None:
    """Mean predicted recall at ``at`` over the deck's studied cards, with no more reviews."""
    from sqlmodel import col, select

    from studyapp.store.schema import Card

    stmt = select(col(Card.state), col(Card.stability), col(Card.last_review)).where(
        col(Card.deck_id) == deck.id,
        col(Card.removed) == False,  # noqa: E712
        col(Card.suspended) == False,  # noqa: E712
        col(Card.state) != NEW,
    )
    sched = scheduling.scheduler(
        deck.desired_retention, scheduling.params_tuple(deck.fsrs_parameters)
    )
    values = [
        scheduling.retrievability(sched, scheduling.CardState(state, None, s, None, None, last), at)
        for state, s, last in session.exec(stmt).all()
    ]
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
