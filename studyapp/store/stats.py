"""The stats' queries: button counts, answer times, retention, due dates, deck sizes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyapp.store.rows import CARD, LEARNING, RELEARNING, REVIEW, REVIEW_LOG

if TYPE_CHECKING:
    from studyapp.store.sql import Query

JOIN = "FROM review_log JOIN card ON card.id = review_log.card_id WHERE review_log.kind = 'review'"


def _deck(deck_id: int | None) -> tuple[str, dict[str, Any]]:
    return ("", {}) if deck_id is None else (" AND card.deck_id = :deck", {"deck": deck_id})


def button_counts(q: Query, deck_id: int | None) -> dict[int, int]:
    """Review-kind answers per rating 1-4."""
    where, params = _deck(deck_id)
    rows = q.rows(
        f"SELECT review_log.rating, count(*) AS n {JOIN}{where} GROUP BY review_log.rating", params
    )
    out = {rating: 0 for rating in (1, 2, 3, 4)}
    out.update({int(r.rating): int(r.n) for r in rows})
    return out


def answer_times(q: Query, deck_id: int | None, since: datetime) -> list[datetime]:
    """When each review-kind answer since ``since`` was given."""
    where, params = _deck(deck_id)
    rows = q.typed(
        f"SELECT review_log.reviewed_at {JOIN}{where} AND review_log.reviewed_at >= :since",
        {**params, "since": since},
        [REVIEW_LOG["reviewed_at"]],
    )
    return [r[0] for r in rows]


def retention(q: Query, deck_id: int | None) -> tuple[int, int]:
    """(answers to review-state cards, of which not Again)."""
    where, params = _deck(deck_id)
    row = q.one(
        "SELECT count(*) AS judged, coalesce(sum(CASE WHEN review_log.rating > 1 THEN 1"
        f" ELSE 0 END), 0) AS recalled {JOIN}{where} AND review_log.state_before = {REVIEW}",
        params,
    )
    return (int(row.judged), int(row.recalled)) if row is not None else (0, 0)


def due_dates(q: Query, deck_id: int | None, horizon: datetime) -> list[datetime]:
    """Due dates before ``horizon`` of studied cards that are neither suspended nor removed."""
    where, params = _deck(deck_id)
    rows = q.typed(
        f"SELECT card.due FROM card WHERE card.removed = :no AND card.suspended = :no{where}"
        f" AND card.state IN ({LEARNING}, {REVIEW}, {RELEARNING}) AND card.due < :horizon",
        {**params, "no": False, "horizon": horizon},
        [CARD["due"]],
    )
    return [r[0] for r in rows]


def deck_sizes(q: Query, deck_id: int | None) -> list[tuple[str, float, int]]:
    """``(name, desired retention, cards still in the file)`` per deck."""
    where = "" if deck_id is None else " WHERE deck.id = :deck"
    rows = q.rows(
        "SELECT deck.name, deck.desired_retention, count(card.id) AS n FROM deck"
        " LEFT JOIN card ON card.deck_id = deck.id AND card.removed = :no"
        f"{where} GROUP BY deck.id, deck.name, deck.desired_retention",
        {"no": False, "deck": deck_id},
    )
    return [(r.name, float(r.desired_retention), int(r.n)) for r in rows]
