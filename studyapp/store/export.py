"""The queries an Anki export needs: decks, their live cards, and their review log, typed.

Three queries in all (no per-card query): the review log comes back in one pass ordered by
time, which is also the order Anki's revlog ids must follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyapp.store.sql import Query


@dataclass(frozen=True, slots=True)
class ExportDeck:
    id: int
    name: str
    source: str
    desired_retention: float
    new_limit: int
    review_limit: int


@dataclass(frozen=True, slots=True)
class ExportCard:
    id: int
    deck_id: int
    key: str
    front: str
    back: str
    tags: tuple[str, ...]
    flags: tuple[str, ...]
    state: int
    due: datetime | None
    last_review: datetime | None
    stability: float | None
    difficulty: float | None
    reps: int
    lapses: int
    suspended: bool
    buried_until: datetime | None


@dataclass(frozen=True, slots=True)
class ExportReview:
    """One scheduled answer (``kind = 'review'``; quiz and prediction logs are not exported)."""

    id: int
    card_id: int
    reviewed_at: datetime
    rating: int
    duration_ms: int
    state_before: int
    due_after: datetime | None


def query_for(handle: Any) -> Query:
    """A :class:`Query` from a ``Query`` or a SQLModel/SQLAlchemy session (same transaction)."""
    from studyapp.store.sql import Query, _alchemy_run

    if isinstance(handle, Query):
        return handle
    return Query(_alchemy_run(handle.connection()))


def _deck_filter(deck_id: int | None, column: str) -> tuple[str, dict[str, Any]]:
    if deck_id is None:
        return "", {}
    return f" AND {column} = :deck", {"deck": deck_id}


def decks(q: Query, deck_id: int | None) -> list[ExportDeck]:
    where, params = _deck_filter(deck_id, "id")
    rows = q.rows(
        "SELECT id, name, source, desired_retention, new_limit, review_limit FROM deck"
        f" WHERE 1 = 1{where} ORDER BY id",
        params,
    )
    return [ExportDeck(**row) for row in rows]


def cards(q: Query, deck_id: int | None) -> list[ExportCard]:
    """Live (not removed) cards, deck by deck in file order."""
    where, params = _deck_filter(deck_id, "deck_id")
    rows = q.rows(
        "SELECT id, deck_id, key, front, back, tags, flags, state, due, last_review, stability,"
        " difficulty, reps, lapses, suspended, buried_until FROM card"
        f" WHERE removed = :no{where} ORDER BY deck_id, position, id",
        {"no": False, **params},
    )
    out = []
    for row in rows:
        row["tags"], row["flags"] = tuple(row["tags"] or ()), tuple(row["flags"] or ())
        out.append(ExportCard(**row))
    return out


def reviews(q: Query, deck_id: int | None) -> Iterator[ExportReview]:
    """Scheduled answers of live cards, oldest first (ties by id)."""
    where, params = _deck_filter(deck_id, "card.deck_id")
    rows = q.rows(
        "SELECT review_log.id AS id, review_log.card_id AS card_id, reviewed_at, rating,"
        " duration_ms, state_before, due_after FROM review_log"
        " JOIN card ON card.id = review_log.card_id"
        f" WHERE review_log.kind = 'review' AND card.removed = :no{where}"
        " ORDER BY review_log.reviewed_at, review_log.id",
        {"no": False, **params},
    )
    for row in rows:
        yield ExportReview(**row)
