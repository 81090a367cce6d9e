"""A card's logged answers of every kind (reviews, quiz answers, graded predictions): how many
each card has, and one card's answers, newest first (the browser's history)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studyapp.store.rows import REVIEW_LOG, LogRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query

PREDICTION = "prediction"


def counts(q: Query, deck_id: int | None = None) -> dict[int, tuple[int, int]]:
    """``{card id: (answers of every kind, predictions among them)}`` of the cards that have
    answers, in one deck or every deck."""
    where = ""
    params: dict[str, Any] = {"prediction": PREDICTION}
    if deck_id is not None:
        where = "JOIN card ON card.id = review_log.card_id WHERE card.deck_id = :deck"
        params["deck"] = deck_id
    rows = q.rows(
        "SELECT review_log.card_id AS card, COUNT(*) AS answers, SUM(CASE WHEN review_log.kind"
        f" = :prediction THEN 1 ELSE 0 END) AS predictions FROM review_log {where}"
        " GROUP BY review_log.card_id",
        params,
    )
    return {int(r.card): (int(r.answers), int(r.predictions or 0)) for r in rows}


def of_card(q: Query, card_id: int, limit: int | None = None) -> list[LogRow]:
    """The card's answers of every kind, newest first (at most ``limit``)."""
    params: dict[str, Any] = {"card": card_id}
    sql = "WHERE review_log.card_id = :card"
    sql += " ORDER BY review_log.reviewed_at DESC, review_log.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return q.fetch(REVIEW_LOG, sql, params)
