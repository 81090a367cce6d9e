"""The per-answer hot path: one read, one update, one insert, without the ORM.

An answer must be persisted in well under a millisecond of our own overhead, so it skips the
ORM's identity map and unit of work. On SQLite it runs three fixed SQL statements on the
DBAPI connection of the SQLAlchemy transaction (same engine, same pragmas, same BEGIN
IMMEDIATE and commit), converting values exactly as SQLAlchemy stores them; on other
databases it uses SQLAlchemy Core statements built once with bound parameters.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
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


LOAD_COLUMNS = (
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "suspended", "tags", "buried_until", "desired_retention", "fsrs_parameters",
    "leech_threshold", "exam_date",
)  # fmt: skip
SQLITE_LOAD = (
    "SELECT card.state, card.step, card.stability, card.difficulty, card.due, "
    "card.last_review, card.reps, card.lapses, card.suspended, card.tags, card.buried_until, "
    "deck.desired_retention, deck.fsrs_parameters, deck.leech_threshold, deck.exam_date "
    "FROM card JOIN deck ON card.deck_id = deck.id WHERE card.id = ?"
)
SQLITE_UPDATE = (
    "UPDATE card SET " + ", ".join(f"{name} = ?" for name in CARD_UPDATE) + " WHERE id = ?"
)
LOG_COLUMNS = (
    "card_id", "reviewed_at", "rating", "duration_ms", "kind", "state_before", "step_before",
    "stability_before", "difficulty_before", "due_before", "last_review_before", "state_after",
    "step_after", "stability_after", "difficulty_after", "due_after", "undo",
)  # fmt: skip
SQLITE_INSERT = (
    f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(LOG_COLUMNS))})"
)
_DATETIMES = frozenset({"due", "last_review", "buried_until"})
_JSON = frozenset({"tags", "fsrs_parameters", "undo"})


def _raw(conn: Connection | sqlite3.Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection (given, or under a SQLAlchemy one); None on other databases."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection  # type: ignore[return-value]


def meta_value(conn: Connection | sqlite3.Connection, key: str) -> str | None:
    """A ``studyapp_meta`` value (None if unset)."""
    raw = _raw(conn)
    if raw is not None:
        row = raw.execute("SELECT value FROM studyapp_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    from sqlalchemy import text

    assert not isinstance(conn, sqlite3.Connection)
    return conn.execute(
        text("SELECT value FROM studyapp_meta WHERE key = :key"), {"key": key}
    ).scalar()


def _to_sqlite(value: Any) -> Any:
    """A Python value as SQLAlchemy stores it in SQLite (UTC text datetimes, JSON text)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _from_sqlite(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATETIMES:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if name in _JSON:
        return json.loads(value)
    if name == "suspended":
        return bool(value)
    if name == "exam_date":
        return date.fromisoformat(value)
    return value


def load_for_answer(conn: Connection | sqlite3.Connection, card_id: int) -> Any | None:
    """The card's scheduling columns with its deck's settings (attributes), or None."""
    raw = _raw(conn)
    if raw is None:
        assert not isinstance(conn, sqlite3.Connection)
        return conn.execute(_statements()[0], {"card_id": card_id}).first()
    row = raw.execute(SQLITE_LOAD, (card_id,)).fetchone()
    if row is None:
        return None
    return SimpleNamespace(
        **{name: _from_sqlite(name, value) for name, value in zip(LOAD_COLUMNS, row, strict=True)}
    )


def update_card(
    conn: Connection | sqlite3.Connection, card_id: int, values: dict[str, Any]
) -> None:
    """Set every column of :data:`CARD_UPDATE` (all of them must be in ``values``)."""
    raw = _raw(conn)
    if raw is None:
        assert not isinstance(conn, sqlite3.Connection)
        params = {f"new_{name}": values[name] for name in CARD_UPDATE}
        conn.execute(_statements()[1], {"card_id": card_id, **params})
        return
    raw.execute(SQLITE_UPDATE, (*(_to_sqlite(values[n]) for n in CARD_UPDATE), card_id))


def insert_log(conn: Connection | sqlite3.Connection, values: dict[str, Any]) -> int:
    """Insert a review log row (keys: :data:`LOG_COLUMNS`); returns its id."""
    raw = _raw(conn)
    if raw is None:
        assert not isinstance(conn, sqlite3.Connection)
        result = conn.execute(_statements()[2], values)
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
    cursor = raw.execute(SQLITE_INSERT, tuple(_to_sqlite(values.get(n)) for n in LOG_COLUMNS))
    assert cursor.lastrowid is not None
    return cursor.lastrowid
