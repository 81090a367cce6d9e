"""Cards: one card, the browser's search, updates, and the batched writes of an import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from studyapp.store.rows import CardRecord

if TYPE_CHECKING:
    from studyapp.store.sql import Query, Record

CARD_COLUMNS = (
    'card.id, card.deck_id, deck.name AS deck_name, card."key", card.position, card.line,'
    " card.file_front, card.file_back, card.front, card.back, card.edited, card.removed,"
    " card.state, card.step, card.stability, card.difficulty, card.due, card.last_review,"
    " card.reps, card.lapses, card.suspended, card.buried_until, card.flags, card.tags,"
    " card.file_flags, card.file_tags, card.experiments, card.experiment_settings"
)
CARDS = f"SELECT {CARD_COLUMNS} FROM card JOIN deck ON deck.id = card.deck_id"
NEW_CARD: dict[str, Any] = {
    "position": 0, "line": 0, "file_front": "", "file_back": "", "front": "", "back": "",
    "edited": False, "removed": False, "state": 0, "step": None, "stability": None,
    "difficulty": None, "due": None, "last_review": None, "reps": 0, "lapses": 0,
    "suspended": False, "buried_until": None, "flags": [], "tags": [], "file_flags": [],
    "file_tags": [], "experiments": [], "experiment_settings": {},
}  # fmt: skip
"""Every column a new card needs besides ``deck_id`` and ``key``."""


def record(r: Record) -> CardRecord:
    """A row of :data:`CARDS` as a typed record."""
    return CardRecord(
        id=r.id,
        deck_id=r.deck_id,
        deck_name=r.deck_name,
        key=r.key,
        position=r.position,
        line=r.line,
        file_front=r.file_front,
        file_back=r.file_back,
        front=r.front,
        back=r.back,
        edited=bool(r.edited),
        removed=bool(r.removed),
        state=r.state,
        step=r.step,
        stability=r.stability,
        difficulty=r.difficulty,
        due=r.due,
        last_review=r.last_review,
        reps=r.reps,
        lapses=r.lapses,
        suspended=bool(r.suspended),
        buried_until=r.buried_until,
        flags=tuple(r.flags or ()),
        tags=tuple(r.tags or ()),
        file_flags=tuple(r.file_flags or ()),
        file_tags=tuple(r.file_tags or ()),
        experiments=tuple(r.experiments or ()),
        experiment_settings=dict(r.experiment_settings or {}),
    )


def get(q: Query, card_id: int) -> CardRecord | None:
    found = q.one(f"{CARDS} WHERE card.id = :id", {"id": card_id})
    return record(found) if found is not None else None


def of_deck(q: Query, deck_id: int) -> list[CardRecord]:
    """Every card of a deck (removed ones too), in file order."""
    rows = q.rows(
        f"{CARDS} WHERE card.deck_id = :deck ORDER BY card.position, card.id", {"deck": deck_id}
    )
    return [record(r) for r in rows]


def search(
    q: Query, needle: str, deck_id: int | None, include_removed: bool, limit: int | None
) -> list[CardRecord]:
    """Cards whose front, back or tags contain ``needle`` (lower case), by deck name and line."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"no": False}
    if deck_id is not None:
        where.append("card.deck_id = :deck")
        params["deck"] = deck_id
    if not include_removed:
        where.append("card.removed = :no")
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["needle"] = f"%{escaped}%"
        where.append(
            "(lower(card.front) LIKE :needle ESCAPE '\\' OR lower(card.back) LIKE :needle"
            " ESCAPE '\\' OR lower(CAST(card.tags AS TEXT)) LIKE :needle ESCAPE '\\')"
        )
    order = "deck.name, card.deck_id, card.position, card.id"
    sql = f"{CARDS} WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [record(r) for r in q.rows(sql, params)]


def update(q: Query, card_id: int, values: Mapping[str, Any]) -> bool:
    """Set card columns; False when there is no such card."""
    return q.update("card", card_id, values) > 0


def insert_many(q: Query, deck_id: int, cards: Iterable[Mapping[str, Any]]) -> None:
    """Insert new cards of one deck (each mapping: ``key`` plus any card columns)."""
    now = datetime.now(UTC)
    for values in cards:
        q.execute(_insert_sql(), {**NEW_CARD, **values, "deck_id": deck_id, "created_at": now})


def update_many(q: Query, changes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Apply ``(card id, columns)`` changes (an import's updates), in one transaction."""
    for card_id, values in changes:
        if values:
            q.update("card", card_id, values)


def _insert_sql() -> str:
    names = ["deck_id", "key", *NEW_CARD, "created_at"]
    columns = ", ".join('"key"' if n == "key" else n for n in names)
    return f"INSERT INTO card ({columns}) VALUES ({', '.join(f':{n}' for n in names)})"


def answerable(q: Query, deck_id: int) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """``(id, front, back, file_flags)`` of a deck's cards still in its file (quiz material)."""
    rows = q.rows(
        "SELECT id, front, back, file_flags FROM card WHERE deck_id = :deck AND removed = :no"
        " ORDER BY position, id",
        {"deck": deck_id, "no": False},
    )
    return [(r.id, r.front, r.back, tuple(r.file_flags or ())) for r in rows]
