"""Core (not ORM) statements for the per-answer hot path: one read, one update, one insert.

An answer must be persisted in a few milliseconds even on a large collection, so it skips
the ORM's identity map and unit of work, and its statements are built once with bound
parameters (SQLAlchemy then reuses their compiled form); tables and types are the same.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row
    from sqlalchemy.sql import Executable

CARD_UPDATE = (
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "tags", "suspended",
)  # fmt: skip


@cache
def _statements() -> tuple[Executable, Executable, Executable]:
    from sqlalchemy import bindparam, insert, select, update

    from studyapp.store.schema import Card, Deck, ReviewLog

    card_t, deck_t = Card.__table__, Deck.__table__  # type: ignore[attr-defined]
    card, deck = card_t.c, deck_t.c
    load = (
        select(
            card.state, card.step, card.stability, card.difficulty, card.due, card.last_review,
            card.reps, card.lapses, card.suspended, card.tags, card.buried_until,
            deck.desired_retention, deck.fsrs_parameters, deck.leech_threshold, deck.exam_date,
        )
        .join_from(card_t, deck_t, card.deck_id == deck.id)
        .where(card.id == bindparam("card_id"))
    )  # fmt: skip
    change = (
        update(card_t)
        .where(card.id == bindparam("card_id"))
        .values({name: bindparam(f"new_{name}") for name in CARD_UPDATE})
    )
    add = insert(ReviewLog.__table__)  # type: ignore[attr-defined]
    return load, change, add


def load_for_answer(conn: Connection, card_id: int) -> Row[Any] | None:
    """The card's scheduling columns with its deck's settings, or None."""
    return conn.execute(_statements()[0], {"card_id": card_id}).first()


def update_card(conn: Connection, card_id: int, values: dict[str, Any]) -> None:
    """Set every column of :data:`CARD_UPDATE` (all of them must be in ``values``)."""
    params = {f"new_{name}": values[name] for name in CARD_UPDATE}
    conn.execute(_statements()[1], {"card_id": card_id, **params})


def insert_log(conn: Connection, values: dict[str, Any]) -> int:
    result = conn.execute(_statements()[2], values)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
