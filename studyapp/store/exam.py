"""Exam mode's queries: the reviews due before a moment, each day's load, every card's
schedule (the plan and the figure), the cards kept past or at the exam.

The store never decides: which cards an exam keeps, and when, is ``studyapp.study.exam``.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from studyapp.store.reviews import ACTIVE
from studyapp.store.rows import CARD, REVIEW, REVIEW_LOG, CardRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query

STUDYABLE = "card.deck_id = :deck AND card.removed = :no AND card.suspended = :no"
"""A deck's cards that count at the exam: in its file and not suspended (buried ones too)."""


class ScheduleRow(NamedTuple):
    """A card's schedule: what the plan replays and the figure reads."""

    id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int


class EarlierState(NamedTuple):
    """A card's schedule before its first review-kind answer after a moment (its log row's
    "before" half): what the card was at that moment."""

    card_id: int
    state: int
    stability: float | None
    last_review: datetime | None


def due_pool(
    q: Query, deck_id: int, now: datetime, until: datetime
) -> list[tuple[int, float | None, datetime | None, datetime | None]]:
    """``(id, stability, last_review, due)`` of the deck's review cards showable now and due
    before ``until``."""
    rows = q.typed(
        "SELECT card.id, card.stability, card.last_review, card.due FROM card"
        f" WHERE {ACTIVE} AND card.state = {REVIEW} AND card.due < :until",
        {"deck": deck_id, "no": False, "now": now, "until": until},
        [CARD[name] for name in ("id", "stability", "last_review", "due")],
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def ahead(
    q: Query, deck_id: int, now: datetime, start: datetime, until: datetime, take: int | None
) -> list[int]:
    """Ids of review cards showable now and due from ``start`` to before ``until``, the
    soonest first (reviewing ahead)."""
    limit = "" if take is None else f" LIMIT {int(take)}"
    return q.column(
        f"SELECT card.id FROM card WHERE {ACTIVE} AND card.state = {REVIEW}"
        f" AND card.due >= :start AND card.due < :until ORDER BY card.due, card.id{limit}",
        {"deck": deck_id, "no": False, "now": now, "start": start, "until": until},
    )


def due_counts(q: Query, deck_id: int, bounds: list[datetime], leave_out: int = 0) -> list[int]:
    """How many of the deck's studyable review cards are due in each span ``bounds[i]`` to
    before ``bounds[i + 1]`` (one index range scan), ``leave_out`` (a card id) apart."""
    if len(bounds) < 2:
        return []
    params: dict[str, object] = {"deck": deck_id, "no": False, "leave_out": leave_out}
    params |= {f"b{i}": bound for i, bound in enumerate(bounds)}
    spans = ", ".join(
        f"SUM(CASE WHEN card.due < :b{i + 1} THEN 1 ELSE 0 END) AS n{i}"
        for i in range(len(bounds) - 1)
    )
    row = q.rows(
        f"SELECT {spans} FROM card WHERE {STUDYABLE} AND card.state = {REVIEW}"
        f" AND card.due >= :b0 AND card.due < :b{len(bounds) - 1} AND card.id != :leave_out",
        params,
    )[0]
    below = [int(getattr(row, f"n{i}") or 0) for i in range(len(bounds) - 1)]
    return [below[0], *(b - a for a, b in pairwise(below))]


def schedules(q: Query, deck_id: int) -> list[ScheduleRow]:
    """Every studyable card's schedule, new cards in file order."""
    names = ("id", "state", "step", "stability", "difficulty", "due", "last_review", "reps")
    rows = q.typed(
        f"SELECT {', '.join('card.' + n for n in names)} FROM card WHERE {STUDYABLE}"
        " ORDER BY card.position, card.id",
        {"deck": deck_id, "no": False},
        [CARD[name] for name in names],
    )
    return [ScheduleRow(*r) for r in rows]


def states_before(q: Query, deck_id: int, at: datetime) -> dict[int, EarlierState]:
    """For each studyable card answered after ``at``: its schedule at ``at`` (the "before"
    half of its first review-kind answer after it)."""
    rows = q.typed(
        "SELECT review_log.card_id, review_log.state_before, review_log.stability_before,"
        " review_log.last_review_before FROM review_log JOIN card ON card.id = review_log.card_id"
        f" WHERE {STUDYABLE} AND review_log.kind = 'review' AND review_log.reviewed_at > :at"
        " ORDER BY review_log.card_id, review_log.reviewed_at, review_log.id",
        {"deck": deck_id, "no": False, "at": at},
        [REVIEW_LOG[n] for n in ("card_id", "state_before", "stability_before",
                                 "last_review_before")],
    )  # fmt: skip
    out: dict[int, EarlierState] = {}
    for card_id, state, stability, last in rows:
        out.setdefault(card_id, EarlierState(card_id, state, stability, last))
    return out


def reviews_due(q: Query, deck_id: int, start: datetime, until: datetime | None) -> list[CardRow]:
    """The deck's studyable review cards due from ``start`` (to before ``until``; None: no
    end), the soonest first."""
    end = "" if until is None else " AND card.due < :until"
    return q.fetch(
        CARD,
        f"WHERE {STUDYABLE} AND card.state = {REVIEW} AND card.due >= :start{end}"
        " ORDER BY card.due, card.id",
        {"deck": deck_id, "no": False, "start": start, "until": until},
    )


def again_counts(q: Query, deck_id: int) -> list[tuple[int, bool, int]]:
    """``(state before, was Again, answers)`` of the deck's review-kind answers."""
    rows = q.rows(
        "SELECT review_log.state_before AS state, review_log.rating = 1 AS again,"
        " count(*) AS n FROM review_log JOIN card ON card.id = review_log.card_id"
        " WHERE card.deck_id = :deck AND review_log.kind = 'review'"
        " GROUP BY review_log.state_before, review_log.rating = 1",
        {"deck": deck_id},
    )
    return [(int(r.state), bool(r.again), int(r.n)) for r in rows]
