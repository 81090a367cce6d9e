"""The queries an Anki export needs: decks, their live cards, and their review log, as rows.

Three queries in all (no per-card query): the review log comes back in one pass ordered by
time, which is also the order Anki's revlog ids must follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studyapp.store.rows import CARD, DECK, REVIEW_LOG, CardRow, DeckRow, LogRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query


def _deck_filter(deck_id: int | None, column: str) -> tuple[str, dict[str, Any]]:
    if deck_id is None:
        return "", {}
    return f" AND {column} = :deck", {"deck": deck_id}


def decks(q: Query, deck_id: int | None) -> list[DeckRow]:
    where, params = _deck_filter(deck_id, "deck.id")
    return q.fetch(DECK, f"WHERE 1 = 1{where} ORDER BY deck.id", params)


def cards(q: Query, deck_id: int | None) -> list[CardRow]:
    """Live (not removed) cards, deck by deck in file order."""
    where, params = _deck_filter(deck_id, "card.deck_id")
    return q.fetch(
        CARD,
        f"WHERE card.removed = :no{where} ORDER BY card.deck_id, card.position, card.id",
        {"no": False, **params},
    )


def reviews(q: Query, deck_id: int | None) -> list[LogRow]:
    """Scheduled answers (``kind = 'review'``: quiz and prediction logs are not exported) of
    live cards, oldest first (ties by id)."""
    where, params = _deck_filter(deck_id, "card.deck_id")
    return q.fetch(
        REVIEW_LOG,
        "JOIN card ON card.id = review_log.card_id"
        f" WHERE review_log.kind = 'review' AND card.removed = :no{where}"
        " ORDER BY review_log.reviewed_at, review_log.id",
        {"no": False, **params},
    )
