"""Cards: one card, a deck's cards, the browser's search, and writing changed cards."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from studyapp.store.rows import CARD, CardRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query

BY_ID = "WHERE card.id = :id"


def get(q: Query, card_id: int) -> CardRow | None:
    return q.first(CARD, BY_ID, {"id": card_id})


def locked(q: Query, card_id: int) -> CardRow | None:
    """The card, read to be changed in this write transaction: no other writer changes it
    until the transaction ends (``FOR UPDATE`` on PostgreSQL, whose other writers wait and
    then read what this one wrote; SQLite's write transaction holds the whole database)."""
    lock = " FOR UPDATE" if q.dialect == "postgresql" else ""
    return q.first(CARD, BY_ID + lock, {"id": card_id})


def of_deck(q: Query, deck_id: int) -> list[CardRow]:
    """Every card of a deck (removed ones too), in file order."""
    return q.fetch(
        CARD, "WHERE card.deck_id = :deck ORDER BY card.position, card.id", {"deck": deck_id}
    )


def search(
    q: Query, needle: str, deck_id: int | None, include_removed: bool, limit: int | None
) -> list[CardRow]:
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
    sql = f"JOIN deck ON deck.id = card.deck_id WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return q.fetch(CARD, sql, params)


def save(q: Query, old: CardRow, new: CardRow) -> bool:
    """Write what changed from ``old`` to ``new``; False when the card is gone."""
    return q.update(CARD, old, new)


def save_many(q: Query, pairs: Iterable[tuple[CardRow, CardRow]]) -> None:
    """:func:`save` of many cards (an import's updates): few statements."""
    q.update_many(CARD, pairs)


def revert(q: Query, before: CardRow, after: CardRow) -> CardRow | None:
    """Undo a change: the columns ``after`` changed from ``before`` get ``before``'s values
    back, on the card as it is now (others stay). The card as it was; None when it is gone."""
    current = locked(q, before.id)
    if current is None:
        return None
    save(q, current, current._replace(**CARD.changes(after, before)))
    return current


def insert_many(q: Query, cards: Iterable[CardRow]) -> None:
    """Insert new cards (``id`` 0: made by the database)."""
    q.insert_many(CARD, cards)


def answerable(q: Query, deck_id: int) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """``(id, front, back, file_flags)`` of a deck's cards still in its file (quiz material)."""
    rows = q.typed(
        "SELECT id, front, back, file_flags FROM card WHERE deck_id = :deck AND removed = :no"
        " ORDER BY position, id",
        {"deck": deck_id, "no": False},
        [CARD["id"], CARD["front"], CARD["back"], CARD["file_flags"]],
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]
