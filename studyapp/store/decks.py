"""Decks and collection-wide settings (``studyapp_meta``): reads, inserts and updates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from studyapp.store.rows import DeckRow
from studyapp.store.sql import writes_to

if TYPE_CHECKING:
    from studyapp.store.sql import Query, Record

DECK_COLUMNS = (
    "SELECT id, name, source, desired_retention, new_limit, review_limit, leech_threshold,"
    " exam_date, fsrs_parameters, file_hash, file_size, file_mtime FROM deck"
)
GLOBAL_PARAMS_KEY = "fsrs_parameters"
"""``studyapp_meta`` key of the collection-wide FSRS parameters (JSON list)."""


def _row(r: Record) -> DeckRow:
    params = r.fsrs_parameters
    return DeckRow(
        id=r.id,
        name=r.name,
        source=r.source,
        desired_retention=float(r.desired_retention),
        new_limit=int(r.new_limit),
        review_limit=int(r.review_limit),
        leech_threshold=int(r.leech_threshold),
        exam_date=r.exam_date,
        fsrs_parameters=tuple(float(p) for p in params) if params else None,
        file_hash=r.file_hash or "",
        file_size=int(r.file_size or 0),
        file_mtime=float(r.file_mtime or 0.0),
    )


def all_decks(q: Query) -> list[DeckRow]:
    """Every deck, by name."""
    return [_row(r) for r in q.rows(f"{DECK_COLUMNS} ORDER BY name, id")]


def get(q: Query, deck_id: int) -> DeckRow | None:
    """One deck (read once per transaction: an answer needs it in several places)."""

    def load() -> DeckRow | None:
        found = q.one(f"{DECK_COLUMNS} WHERE id = :id", {"id": deck_id})
        return _row(found) if found is not None else None

    return q.cached("deck", deck_id, load)  # type: ignore[no-any-return]


def generation() -> int:
    """Moves whenever this process writes a deck row (a mark for caches of deck rows)."""
    return writes_to("deck")


def by_source(q: Query, source: str) -> DeckRow | None:
    found = q.one(f"{DECK_COLUMNS} WHERE source = :source", {"source": source})
    return _row(found) if found is not None else None


def insert(q: Query, values: Mapping[str, Any]) -> int:
    """A new deck (every ``deck`` column but ``id`` and ``created_at``); returns its id."""
    return q.insert("deck", {**values, "created_at": datetime.now(UTC)})


def update(q: Query, deck_id: int, values: Mapping[str, Any]) -> bool:
    """Set deck columns; False when there is no such deck."""
    return q.update("deck", deck_id, values) > 0


def meta(q: Query, key: str) -> str | None:
    """A collection-wide setting (None when unset)."""
    value = q.scalar("SELECT value FROM studyapp_meta WHERE key = :key", {"key": key})
    return None if value is None else str(value)


def set_meta(q: Query, key: str, value: str) -> None:
    if not q.execute(
        "UPDATE studyapp_meta SET value = :value WHERE key = :key", {"key": key, "value": value}
    ):
        q.execute(
            "INSERT INTO studyapp_meta (key, value) VALUES (:key, :value)",
            {"key": key, "value": value},
        )
