"""The review path: today's queue queries, answers (card update + log row), undo, history.

Queries touch the ``(deck_id, state, due, ...)`` index and today's slice of the review log
only, so a queue or its counts stay fast on large collections. Counts take a ``cap``: they
stop counting there (``LIMIT`` in a subquery), so a deck of 100,000 new cards with a daily
limit of 20 costs 20 index steps, not 100,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from studyapp.store.rows import CARD, LEARNING, NEW, RELEARNING, REVIEW, REVIEW_LOG, LogRow
from studyapp.store.sql import in_list

if TYPE_CHECKING:
    from studyapp.store.sql import Query

ACTIVE = (
    "card.deck_id = :deck AND card.removed = :no AND card.suspended = :no"
    " AND (card.buried_until IS NULL OR card.buried_until <= :now)"
)
"""The deck's cards that may be shown now (parameters ``deck``, ``now``, ``no=False``)."""
LEARNING_UNTIL = f"{ACTIVE} AND card.state IN ({LEARNING}, {RELEARNING}) AND card.due <= :until"
REVIEWS_TODAY = f"{ACTIVE} AND card.state = {REVIEW} AND card.due < :day_end"
NEW_CARDS = f"{ACTIVE} AND card.state = {NEW}"
PARTS = {"learning": LEARNING_UNTIL, "review": REVIEWS_TODAY, "new": NEW_CARDS}
ORDER = {
    "learning": "card.due, card.id",
    "review": "card.due, card.id",
    "new": "card.position, card.id",
}
DUE_ID = (CARD["due"], CARD["id"])


class TodayUsage(NamedTuple):
    """One deck's review-kind answers since a time, by the card's state before the answer."""

    deck_id: int
    state_before: int
    answers: int
    cards: int
    """Distinct cards among those answers."""


def _params(deck_id: int, now: datetime, until: datetime, day_end: datetime) -> dict[str, Any]:
    return {"deck": deck_id, "no": False, "now": now, "until": until, "day_end": day_end}


def ids(
    q: Query, part: str, deck_id: int, now: datetime, until: datetime, day_end: datetime,
    take: int | None,
) -> list[int]:  # fmt: skip
    """Card ids of one queue part (``learning`` due by ``until``, ``review``, ``new``) in order."""
    if take == 0:
        return []
    limit = "" if take is None else f" LIMIT {int(take)}"
    sql = f"SELECT card.id FROM card WHERE {PARTS[part]} ORDER BY {ORDER[part]}{limit}"
    return q.column(sql, _params(deck_id, now, until, day_end))


def learning_due(
    q: Query, deck_id: int, now: datetime, until: datetime, take: int
) -> list[tuple[datetime, int]]:
    """``(due, id)`` of the deck's first ``take`` learning and relearning cards due by
    ``until``, in order."""
    sql = (
        f"SELECT card.due, card.id FROM card WHERE {LEARNING_UNTIL}"
        f" ORDER BY {ORDER['learning']} LIMIT {int(take)}"
    )
    return [(due, card) for due, card in q.typed(sql, _params(deck_id, now, until, until), DUE_ID)]


def count(
    q: Query, part: str, deck_id: int, now: datetime, until: datetime, day_end: datetime,
    cap: int | None = None,
) -> int:  # fmt: skip
    """How many cards a queue part holds, counting no further than ``cap``."""
    params = _params(deck_id, now, until, day_end)
    if cap is None:
        return int(q.scalar(f"SELECT count(*) FROM card WHERE {PARTS[part]}", params) or 0)
    if cap <= 0:
        return 0
    inner = f"SELECT 1 FROM card WHERE {PARTS[part]} LIMIT {int(cap)}"
    return int(q.scalar(f"SELECT count(*) FROM ({inner}) AS capped", params) or 0)


def counts(
    q: Query, deck_id: int, now: datetime, day_end: datetime, new_cap: int, review_cap: int | None
) -> tuple[int, int, int]:
    """``(new, learning, review)`` counts of one deck in one statement: new cards up to
    ``new_cap``, learning cards due today, reviews due today up to ``review_cap`` (None: not
    counted, 0 returned; exam mode counts its own)."""
    params = _params(deck_id, now, day_end, day_end)

    def capped(part: str, cap: int) -> str:
        if cap <= 0:
            return "0"
        inner = f"SELECT 1 FROM card WHERE {PARTS[part]} LIMIT {int(cap)}"
        return f"(SELECT count(*) FROM ({inner}) AS capped_{part})"

    review = "0" if review_cap is None else capped("review", review_cap)
    row = q.rows(
        f"SELECT {capped('new', new_cap)} AS new,"
        f" (SELECT count(*) FROM card WHERE {PARTS['learning']}) AS learning, {review} AS review",
        params,
    )[0]
    return int(row.new or 0), int(row.learning or 0), int(row.review or 0)


def usage_since(q: Query, start: datetime, deck_ids: Sequence[int]) -> list[TodayUsage]:
    """Review-kind answers since ``start`` per deck and state before, in one query.

    Walks today's log rows (the ``reviewed_at`` index) and looks each row's card up by primary
    key in a scalar subquery: a join made SQLite build a Bloom filter over every card first
    (milliseconds on 10,000 cards). Cost grows with today's answers, not with the collection.
    """
    if not deck_ids:
        return []
    placeholders, params = in_list("d", list(deck_ids))
    rows = q.rows(
        "SELECT deck_id, state_before, count(*) AS answers, count(DISTINCT card_id) AS cards"
        " FROM (SELECT (SELECT card.deck_id FROM card WHERE card.id = review_log.card_id)"
        " AS deck_id, review_log.state_before AS state_before, review_log.card_id AS card_id"
        " FROM review_log WHERE review_log.reviewed_at >= :start"
        " AND review_log.kind = 'review') AS today"
        f" WHERE deck_id IN {placeholders} GROUP BY deck_id, state_before",
        {"start": start, **params},
    )
    return [TodayUsage(r.deck_id, r.state_before, int(r.answers), int(r.cards)) for r in rows]


def deck_card_counts(q: Query, deck_id: int, missing_flags: Sequence[str]) -> tuple[int, int, int]:
    """(cards in the file, suspended, suspended with one of ``missing_flags`` in the file).

    All cards minus removed ones, suspended ones apart: each count reads a narrow or partial
    index rather than every row of a large deck.
    """
    flags = {f"flag{i}": f'%"{flag}"%' for i, flag in enumerate(missing_flags)}
    params = {"deck": deck_id, "yes": True, "no": False, **flags}

    def n(where: str) -> int:
        return int(q.scalar(f"SELECT count(*) FROM card WHERE {where}", params) or 0)

    total = n("card.deck_id = :deck") - n("card.deck_id = :deck AND card.removed = :yes")
    suspended = "card.deck_id = :deck AND card.suspended = :yes AND card.removed = :no"
    any_flag = " OR ".join(f"CAST(card.file_flags AS TEXT) LIKE :{name}" for name in flags)
    missing = n(f"{suspended} AND ({any_flag})") if flags else 0
    return total, n(suspended), missing


# -- answers and undo -----------------------------------------------------------------------


def add_log(q: Query, log: LogRow) -> int:
    """Insert a review log row (``id`` 0); returns its id."""
    return q.insert(REVIEW_LOG, log)


def log(q: Query, log_id: int) -> LogRow | None:
    return q.first(REVIEW_LOG, "WHERE review_log.id = :id", {"id": log_id})


def answered_after(q: Query, card_id: int, log_id: int) -> bool:
    """True when the card has a review-kind answer logged after ``log_id``."""
    found = q.scalar(
        "SELECT id FROM review_log WHERE card_id = :card AND kind = 'review' AND id > :id LIMIT 1",
        {"card": card_id, "id": log_id},
    )
    return found is not None


def delete_log(q: Query, log_id: int) -> None:
    q.execute("DELETE FROM review_log WHERE id = :id", {"id": log_id})


def history(q: Query, deck_id: int | None) -> list[tuple[int, datetime, int, int]]:
    """``(card_id, reviewed_at, rating, duration_ms)`` of review-kind answers, by card and time."""
    where = "review_log.kind = 'review'"
    params: dict[str, Any] = {}
    if deck_id is not None:
        where += " AND card.deck_id = :deck"
        params["deck"] = deck_id
    columns = [REVIEW_LOG[n] for n in ("card_id", "reviewed_at", "rating", "duration_ms")]
    rows = q.typed(
        "SELECT review_log.card_id, review_log.reviewed_at, review_log.rating,"
        " review_log.duration_ms FROM review_log JOIN card ON card.id = review_log.card_id"
        f" WHERE {where} ORDER BY review_log.card_id, review_log.reviewed_at, review_log.id",
        params,
        columns,
    )
    return [(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]
