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

    from studyapp.store.schema import Card

    return and_(
        Card.deck_id == deck_id,
        Card.removed == False,  # noqa: E712 (SQL expression)
        Card.suspended == False,  # noqa: E712
        or_(Card.buried_until == None, Card.buried_until <= to_db(now)),  # noqa: E711
    )


def usage_today(
    session: Session, deck_ids: list[int], now: datetime, tz: tzinfo | None
) -> dict[int, Usage]:
    from sqlalchemy import distinct, func
    from sqlmodel import select

    from studyapp.store.schema import Card, ReviewLog

    start = to_db(day_start(study_day(now, tz), tz))
    stmt = (
        select(
            Card.deck_id,
            ReviewLog.state_before,
            func.count(ReviewLog.id),
            func.count(distinct(ReviewLog.card_id)),
        )
        .join(Card, Card.id == ReviewLog.card_id)  # type: ignore[arg-type]
        .where(ReviewLog.reviewed_at >= start, ReviewLog.kind == "review")
        .where(Card.deck_id.in_(deck_ids))  # type: ignore[attr-defined]
        .group_by(Card.deck_id, ReviewLog.state_before)
    )
    out = {deck_id: Usage() for deck_id in deck_ids}
    for deck_id, state_before, answers, cards in session.exec(stmt).all():
        usage = out[deck_id]
        usage.answers += answers
        if state_before == NEW:
            usage.new_done += cards
        elif state_before == REVIEW:
            usage.reviews_done += answers
            usage.review_cards_done += cards
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
) -> DeckQueue:
    """Today's queue of ``deck`` at ``now`` (``limit`` caps each part, for next_card)."""
    from sqlalchemy import func
    from sqlmodel import select

    from studyapp.store.schema import Card

    assert deck.id is not None
    if usage is None:
        usage = usage_today(session, [deck.id], now, tz)[deck.id]
    q = DeckQueue(usage=usage)
    cond = active(deck.id, now)
    day_end = to_db(day_start(study_day(now, tz) + timedelta(days=1), tz))
    learning_states = Card.state.in_((LEARNING, RELEARNING))  # type: ignore[attr-defined]

    q.learning = list(
        session.exec(
            select(Card.id)
            .where(cond, learning_states, Card.due <= to_db(now))  # type: ignore[operator]
            .order_by(Card.due)  # type: ignore[arg-type]
            .limit(limit)
        ).all()
    )
    q.learning_due = (
        len(q.learning)
        if limit is None
        else _count(session, cond, learning_states, Card.due <= to_db(now))
    )  # type: ignore[operator]

    if exam_active(deck, now, tz):
        q.reviews = exam_reviews(session, deck, now, tz, usage)
        q.reviews_due = len(q.reviews)
    else:
        remaining = max(0, deck.review_limit - usage.reviews_done)
        take = remaining if limit is None else min(remaining, limit)
        due_cond = (Card.state == REVIEW, Card.due < day_end)  # type: ignore[operator]
        q.reviews = list(
            session.exec(
                select(Card.id).where(cond, *due_cond).order_by(Card.due, Card.id).limit(take)  # type: ignore[arg-type]
            ).all()
        )
        q.reviews_due = min(remaining, _count(session, cond, *due_cond))

    remaining_new = max(0, deck.new_limit - usage.new_done)
    take_new = remaining_new if limit is None else min(remaining_new, limit)
    q.new = list(
        session.exec(
            select(Card.id)
            .where(cond, Card.state == NEW)
            .order_by(Card.position, Card.id)  # type: ignore[arg-type]
            .limit(take_new)
        ).all()
    )
    q.new_available = min(remaining_new, _count(session, cond, Card.state == NEW))

    if not q.learning and not q.reviews and not q.new:
        q.learning = list(
            session.exec(
                select(Card.id)
                .where(cond, learning_states, Card.due <= to_db(now + LEARN_AHEAD))  # type: ignore[operator]
                .order_by(Card.due)  # type: ignore[arg-type]
                .limit(limit)
            ).all()
        )
    del func
    return q


def _count(session: Session, *conditions: Any) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from studyapp.store.schema import Card

    return int(session.exec(select(func.count(Card.id)).where(*conditions)).one())  # type: ignore[arg-type]


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
    from sqlmodel import select

    from studyapp.store.schema import Card

    assert deck.id is not None and deck.exam_date is not None
    exam_start = to_db(day_start(deck.exam_date, tz))
    today_start = to_db(day_start(study_day(now, tz), tz))
    stmt = select(Card.id, Card.stability, Card.last_review, Card.due).where(
        active(deck.id, now),
        Card.state == REVIEW,
        Card.due < exam_start,  # type: ignore[operator]
        or_(Card.last_review == None, Card.last_review < today_start),  # type: ignore[operator]  # noqa: E711
    )
    return [
        (card_id, scheduling.CardState(REVIEW, None, stability, None, due, last))
        for card_id, stability, last, due in session.exec(stmt).all()
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
    from sqlmodel import select

    from studyapp.store.schema import Card

    stmt = select(Card.state, Card.stability, Card.last_review).where(
        Card.deck_id == deck.id,
        Card.removed == False,  # noqa: E712
        Card.suspended == False,  # noqa: E712
        Card.state != NEW,
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
