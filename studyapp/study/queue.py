"""Today's queue for a deck: learning cards due now, reviews, new cards, within daily limits.

Exam mode (an exam date ahead) replaces the review part: the cards due before the exam
are spread evenly over the days left, lowest retrievability first (see :func:`exam_reviews`).
Queries are plain SQL (``studyapp.store.sql``, so the first card needs no SQLAlchemy) that
touch the ``(deck_id, state, due)`` index and today's slice of the review log only, so
building a queue stays fast on large collections. ``deck`` arguments are rows of ``deck``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from studyapp.store.sql import in_list
from studyapp.study import scheduling
from studyapp.study.clock import day_start, study_day
from studyapp.study.scheduling import LEARNING, NEW, RELEARNING, REVIEW

if TYPE_CHECKING:
    from studyapp.store.sql import Query

LEARN_AHEAD = timedelta(minutes=20)
ACTIVE = (
    "card.deck_id = :deck AND card.removed = :no AND card.suspended = :no"
    " AND (card.buried_until IS NULL OR card.buried_until <= :now)"
)
"""The deck's cards that may be shown now (parameters ``deck``, ``now``, ``no=False``)."""
LEARNING_NOW = f"{ACTIVE} AND card.state IN ({LEARNING}, {RELEARNING}) AND card.due <= :until"
REVIEWS_TODAY = f"{ACTIVE} AND card.state = {REVIEW} AND card.due < :day_end"
NEW_CARDS = f"{ACTIVE} AND card.state = {NEW}"


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


def usage_today(
    q: Query, deck_ids: list[int], now: datetime, tz: tzinfo | None
) -> dict[int, Usage]:
    """Today's answers per deck, read from today's slice of the log (its time index).

    Two small queries, not one join: a join lets the planner walk every card of a large
    deck instead of today's few log rows.
    """
    start = day_start(study_day(now, tz), tz)
    today = q.rows(
        "SELECT card_id, state_before FROM review_log"
        " WHERE reviewed_at >= :start AND kind = 'review'",
        {"start": start},
    )
    out = {deck_id: Usage() for deck_id in deck_ids}
    if not today:
        return out
    deck_of: dict[int, int] = {}
    card_ids = sorted({r.card_id for r in today})
    for chunk in range(0, len(card_ids), 500):
        placeholders, params = in_list("c", card_ids[chunk : chunk + 500])
        for r in q.rows(f"SELECT id, deck_id FROM card WHERE id IN {placeholders}", params):
            deck_of[r.id] = r.deck_id
    new_cards: dict[int, set[int]] = {}
    review_cards: dict[int, set[int]] = {}
    for r in today:
        deck_id = deck_of.get(r.card_id, -1)
        usage = out.get(deck_id)
        if usage is None:
            continue
        usage.answers += 1
        if r.state_before == NEW:
            new_cards.setdefault(deck_id, set()).add(r.card_id)
        elif r.state_before == REVIEW:
            usage.reviews_done += 1
            review_cards.setdefault(deck_id, set()).add(r.card_id)
    for deck_id, usage in out.items():
        usage.new_done = len(new_cards.get(deck_id, ()))
        usage.review_cards_done = len(review_cards.get(deck_id, ()))
    return out


def exam_active(deck: Any, now: datetime, tz: tzinfo | None) -> bool:
    return deck.exam_date is not None and study_day(now, tz) < deck.exam_date


def _ids(q: Query, where: str, order: str, params: dict[str, Any], take: int | None) -> list[int]:
    if take == 0:
        return []
    limit = "" if take is None else f" LIMIT {int(take)}"
    return [
        r.id
        for r in q.rows(f"SELECT card.id FROM card WHERE {where} ORDER BY {order}{limit}", params)
    ]


def _count(q: Query, where: str, params: dict[str, Any]) -> int:
    return int(q.scalar(f"SELECT count(*) FROM card WHERE {where}", params) or 0)


def build(
    q: Query,
    deck: Any,
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
    if usage is None:
        usage = usage_today(q, [deck.id], now, tz)[deck.id]
    out = DeckQueue(usage=usage)
    day_end = day_start(study_day(now, tz) + timedelta(days=1), tz)
    params = {"deck": deck.id, "no": False, "now": now, "until": now, "day_end": day_end}

    def full() -> bool:
        return limit is not None and not counts and len(out.ids()) >= limit

    out.learning = _ids(q, LEARNING_NOW, "card.due, card.id", params, limit)
    if counts:
        out.learning_due = _count(q, LEARNING_NOW, params)
    if not full():
        if exam_active(deck, now, tz):
            reviews = exam_reviews(q, deck, now, tz, usage)
            out.reviews_due = len(reviews)
            out.reviews = reviews[:limit]
        else:
            remaining = max(0, deck.review_limit - usage.reviews_done)
            take = remaining if limit is None else min(remaining, limit)
            out.reviews = _ids(q, REVIEWS_TODAY, "card.due, card.id", params, take)
            if counts:
                out.reviews_due = min(remaining, _count(q, REVIEWS_TODAY, params))
    if not full():
        remaining_new = max(0, deck.new_limit - usage.new_done)
        take_new = remaining_new if limit is None else min(remaining_new, limit)
        out.new = _ids(q, NEW_CARDS, "card.position, card.id", params, take_new)
        if counts:
            out.new_available = min(remaining_new, _count(q, NEW_CARDS, params))
    if not out.learning and not out.reviews and not out.new:
        ahead = {**params, "until": now + LEARN_AHEAD}
        out.learning = _ids(q, LEARNING_NOW, "card.due, card.id", ahead, limit)
    return out


def card_counts(q: Query, deck_id: int) -> tuple[int, int, int]:
    """(cards in the file, suspended, suspended for a missing answer) of one deck.

    Counted as all cards minus removed ones, and suspended ones apart, so that each count
    reads a narrow or partial index rather than every row of a large deck.
    """
    params = {"deck": deck_id, "yes": True, "no": False, "missing": "%answer-missing%"}
    total = _count(q, "card.deck_id = :deck", params) - _count(
        q, "card.deck_id = :deck AND card.removed = :yes", params
    )
    suspended = "card.deck_id = :deck AND card.suspended = :yes AND card.removed = :no"
    missing = f"{suspended} AND CAST(card.file_flags AS TEXT) LIKE :missing"
    return total, _count(q, suspended, params), _count(q, missing, params)


def _scheduler(deck: Any) -> Any:
    return scheduling.scheduler(
        deck.desired_retention, scheduling.params_tuple(deck.fsrs_parameters)
    )


def exam_reviews(q: Query, deck: Any, now: datetime, tz: tzinfo | None, usage: Usage) -> list[int]:
    """Today's share of the review cards due before the exam, lowest retrievability first.

    The pool is every review card due before exam day that wasn't reviewed today; with ``d``
    study days left and ``k`` review cards already done today, today's share is
    ``ceil((len(pool) + k) / d) - k``, so the pool is spread evenly over the days left.
    """
    rows = exam_pool(q, deck, now, tz)
    days_left = max(1, (deck.exam_date - study_day(now, tz)).days)
    done = usage.review_cards_done
    quota = max(0, math.ceil((len(rows) + done) / days_left) - done)
    sched = _scheduler(deck)
    ranked = sorted(rows, key=lambda r: (scheduling.retrievability(sched, r[1], now) or 0.0, r[0]))
    return [card_id for card_id, _state in ranked[:quota]]


def exam_pool(
    q: Query, deck: Any, now: datetime, tz: tzinfo | None
) -> list[tuple[int, scheduling.CardState]]:
    """Review cards due before exam day and not reviewed yet today."""
    params = {
        "deck": deck.id,
        "no": False,
        "now": now,
        "exam_start": day_start(deck.exam_date, tz),
        "today_start": day_start(study_day(now, tz), tz),
    }
    rows = q.rows(
        "SELECT card.id, card.stability, card.last_review, card.due FROM card"
        f" WHERE {ACTIVE} AND card.state = {REVIEW} AND card.due < :exam_start"
        " AND (card.last_review IS NULL OR card.last_review < :today_start)",
        params,
    )
    return [
        (r.id, scheduling.CardState(REVIEW, None, r.stability, None, r.due, r.last_review))
        for r in rows
    ]


def exam_plan(
    q: Query, deck: Any, now: datetime, tz: tzinfo | None, usage: Usage
) -> list[tuple[date, int]]:
    """Reviews per study day until the exam if the pool were spread evenly from today."""
    if not exam_active(deck, now, tz):
        return []
    today = study_day(now, tz)
    days_left = (deck.exam_date - today).days
    remaining = len(exam_pool(q, deck, now, tz)) + usage.review_cards_done
    plan = []
    for offset in range(days_left):
        share = math.ceil(remaining / (days_left - offset))
        plan.append((today + timedelta(days=offset), share))
        remaining -= share
    return plan


def predicted_recall(q: Query, deck: Any, at: datetime) -> float | None:
    """Mean predicted recall at ``at`` over the deck's studied cards, with no more reviews."""
    rows = q.rows(
        "SELECT state, stability, last_review FROM card WHERE deck_id = :deck"
        f" AND removed = :no AND suspended = :no AND state != {NEW}",
        {"deck": deck.id, "no": False},
    )
    sched = _scheduler(deck)
    values = [
        scheduling.retrievability(
            sched, scheduling.CardState(r.state, None, r.stability, None, None, r.last_review), at
        )
        for r in rows
    ]
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
