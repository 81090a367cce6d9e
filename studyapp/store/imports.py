"""The batched writes of an import (Anki packages) and the facts an import checks first.

:class:`ImportWriter` wraps one write transaction's :class:`Query` and writes many rows per
statement (``executemany``): cards, their review-log rows, and card updates. On SQLite's
direct connection new cards and log rows go positionally, their times as integer
microseconds turned into text by SQLite itself (an import writes 10^6 values); elsewhere
they go as rows. Reads return typed rows. A deck file's origin (the path it was imported
from) is kept in ``studyapp_meta`` under ``origin:<deck source>``, so a different file with
the same base name is recognised; a name given with ``import --as NAME`` is kept under
``name:<deck source>``, so it names the deck whatever the file's ``deck:`` line says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.store import decks as store_decks
from studyapp.store.rows import CARD, REVIEW_LOG, CardRow, DeckRow, LogRow
from studyapp.store.sql import in_list
from studyapp.store.table import sqlite_value

if TYPE_CHECKING:
    from studyapp.store.sql import Query

ORIGIN_PREFIX = "origin:"
NAME_PREFIX = "name:"
CHUNK = 500
"""Keys per ``IN (...)`` lookup (well under every database's parameter limit)."""


class ImportWriter:
    """Batched reads and writes inside one write transaction (see the module docstring)."""

    def __init__(self, q: Query) -> None:
        self.q = q

    def cache_pages(self, size: int | None = None) -> int | None:
        """SQLite's page cache size (``PRAGMA cache_size``: pages, or KiB when negative);
        ``size`` sets it first. An import raises it while it writes (index inserts stay in
        memory) and puts it back; durability is untouched. None elsewhere."""
        if not self.q.direct:
            return None
        if size is not None:
            self.q.execute(f"PRAGMA cache_size = {int(size)}")
        return int(self.q.scalar("PRAGMA cache_size"))

    def decks(self, sources: Iterable[str]) -> dict[str, DeckRow]:
        """The decks with these sources (those that exist), by source."""
        return store_decks.by_sources(self.q, list(dict.fromkeys(sources)))

    def answers(self, card_ids: Sequence[int]) -> dict[int, list[LogRow]]:
        """Review-kind answers of these cards, oldest first."""
        out: dict[int, list[LogRow]] = {}
        for start in range(0, len(card_ids), CHUNK):
            marks, params = in_list("c", card_ids[start : start + CHUNK])
            rows = self.q.fetch(
                REVIEW_LOG,
                f"WHERE review_log.kind = 'review' AND review_log.card_id IN {marks}"
                " ORDER BY review_log.reviewed_at, review_log.id",
                params,
            )
            for log in rows:
                out.setdefault(log.card_id, []).append(log)
        return out

    def answer_summary(self, card_ids: Sequence[int]) -> dict[int, tuple[int, datetime | None]]:
        """``(count, latest time)`` of each card's review-kind answers (cards with some)."""
        out: dict[int, tuple[int, datetime | None]] = {}
        columns = [None, None, REVIEW_LOG["reviewed_at"]]
        for start in range(0, len(card_ids), CHUNK):
            marks, params = in_list("c", card_ids[start : start + CHUNK])
            rows = self.q.typed(
                "SELECT card_id, count(*) AS answers, max(reviewed_at) AS reviewed_at"
                f" FROM review_log WHERE kind = 'review' AND card_id IN {marks} GROUP BY card_id",
                params,
                columns,
            )
            for card_id, answers, latest in rows:
                out[int(card_id)] = (int(answers), latest)
        return out

    def keys_in_decks(self, source_prefix: str) -> dict[str, int]:
        """Ids by key (the lowest per key) of every card in a deck whose source starts with
        ``source_prefix``: one scan, so an import looks its keys up in memory."""
        out: dict[str, int] = {}
        for r in self.q.rows(
            'SELECT id, "key" FROM card WHERE deck_id IN (SELECT id FROM deck WHERE source'
            " LIKE :prefix) ORDER BY id", {"prefix": f"{source_prefix}%"},
        ):  # fmt: skip
            out.setdefault(r.key, int(r.id))
        return out

    def notes(self) -> list[tuple[int, int, str, str, str]]:
        """``(card id, deck id, deck source, card key, deck name)`` of every card, in one
        scan (an export names its notes by their deck's source and their card's key)."""
        rows = self.q.rows(
            'SELECT card.id AS id, deck.id AS deck_id, deck.source AS source, card."key" AS'
            ' "key", deck.name AS name FROM card JOIN deck ON deck.id = card.deck_id'
            " ORDER BY card.id"
        )
        return [(int(r.id), int(r.deck_id), r.source, r.key, r.name) for r in rows]

    def cards_by_id(self, ids: Sequence[int]) -> dict[int, CardRow]:
        """The cards with these ids, by id."""
        out: dict[int, CardRow] = {}
        for start in range(0, len(ids), CHUNK):
            marks, params = in_list("i", ids[start : start + CHUNK])
            for card in self.q.fetch(CARD, f"WHERE card.id IN {marks}", params):
                out[card.id] = card
        return out

    def deck_sources(self) -> dict[int, str]:
        """Every deck's source, by id."""
        return {deck.id: deck.source for deck in store_decks.all_decks(self.q)}

    def card_mark(self) -> tuple[int, int]:
        """``(largest card id, card count)``: unchanged between two transactions when no card
        was inserted or deleted meanwhile (so keys read earlier still hold)."""
        row = self.q.one("SELECT coalesce(max(id), 0) AS top, count(*) AS total FROM card")
        return (int(row.top), int(row.total)) if row is not None else (0, 0)

    def known_by_id(self, ids: Sequence[int], source_prefix: str) -> dict[str, CardRow]:
        """The cards with these ids that are still in a deck whose source starts with
        ``source_prefix``, by key (the lowest id per key)."""
        out: dict[str, CardRow] = {}
        for start in range(0, len(ids), CHUNK):
            marks, params = in_list("i", ids[start : start + CHUNK])
            rows = self.q.fetch(
                CARD,
                f"WHERE card.id IN {marks} AND card.deck_id IN (SELECT id FROM deck"
                " WHERE source LIKE :prefix) ORDER BY card.id",
                {**params, "prefix": f"{source_prefix}%"},
            )
            for card in rows:
                out.setdefault(card.key, card)
        return out

    def insert_imported_cards(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert new cards given positionally (:data:`IMPORTED_CARD` order; the other
        columns as a new :class:`CardRow` has them); returns their ids, in order.

        On SQLite the ids are the next ones after the largest (this transaction holds the
        write lock), so nothing is read back; elsewhere they are looked up by key.
        """
        if not rows:
            return []
        now = datetime.now(UTC)
        if self.q.direct:
            top = int(self.q.scalar("SELECT coalesce(max(id), 0) FROM card"))
            if top + len(rows) < _MAX_ID:
                self._insert_sqlite_cards(top + 1, rows, now)
                return list(range(top + 1, top + 1 + len(rows)))
        cards = []
        for row in rows:
            named = dict(zip(IMPORTED_CARD, row, strict=True))
            named["due"], named["last_review"] = (_from_micros(named["due"]),
                                                  _from_micros(named["last_review"]))  # fmt: skip
            for name in _LISTS:
                named[name] = tuple(named[name])
            cards.append(CardRow(id=0, created_at=now, **named))
        self.q.insert_many(CARD, cards)
        ids = self.card_ids([str(r[1]) for r in rows], {int(r[0]) for r in rows})
        return [ids[str(r[1])] for r in rows]

    def _insert_sqlite_cards(
        self, first: int, rows: Sequence[Sequence[Any]], now: datetime
    ) -> None:
        rest = [c for c in CARD.inserted if c not in IMPORTED_CARD and c != "created_at"]
        names = ["id", *IMPORTED_CARD, *rest, "created_at"]
        columns = ", ".join(CARD[n].sql for n in names)
        marks = [_MICROS_SQL.format(i + 1) if n in ("due", "last_review") else f"?{i + 1}"
                 for i, n in enumerate(names)]  # fmt: skip
        sql = f"INSERT INTO card ({columns}) VALUES ({', '.join(marks)})"
        fixed = (*(_fast(CARD[n].default) for n in rest), _fast(now))
        texts: dict[tuple[Any, ...], str] = {}  # tag lists repeat: JSON text made once each

        def js(value: list[str]) -> str:
            key = tuple(value)
            text = texts.get(key)
            if text is None:
                text = texts[key] = _fast(value)
            return text

        a = _FIRST_LIST  # the four list columns, then the rest
        self.q.many(sql, [
            (card_id, *r[:a], js(r[a]), js(r[a + 1]), js(r[a + 2]), js(r[a + 3]), *r[a + 4 :],
             *fixed)
            for card_id, r in enumerate(rows, first)
        ])  # fmt: skip

    def card_ids(self, keys: Sequence[str], deck_ids: Iterable[int]) -> dict[str, int]:
        """Ids by key of the cards with these keys in these decks (the lowest id per key)."""
        decks = list(dict.fromkeys(deck_ids))
        out: dict[str, int] = {}
        for start in range(0, len(keys), CHUNK):
            marks, params = in_list("k", keys[start : start + CHUNK])
            deck_marks, deck_params = in_list("d", decks)
            rows = self.q.rows(
                f'SELECT id, "key" FROM card WHERE deck_id IN {deck_marks} AND "key" IN {marks}'
                " ORDER BY id", {**params, **deck_params},
            )  # fmt: skip
            for r in rows:
                out.setdefault(r.key, int(r.id))
        return out

    def insert_log_rows(self, rows: Sequence[Sequence[Any]]) -> int:
        """Insert review-log rows given positionally (``REVIEW_LOG.inserted`` order), their
        times as integer microseconds since the epoch (UTC); returns how many."""
        names = REVIEW_LOG.inserted
        times = [i for i, n in enumerate(names) if REVIEW_LOG[n].kind == "datetime"]
        if not self.q.direct:
            logs = []
            for row in rows:
                values = list(row)
                for i in times:
                    values[i] = _from_micros(values[i])
                logs.append(LogRow(0, *values))
            self.q.insert_many(REVIEW_LOG, logs)
            return len(rows)
        # SQLite writes the times' text
        marks = [
            _MICROS_SQL.format(i + 1) if i in times else f"?{i + 1}" for i in range(len(names))
        ]
        sql = f"INSERT INTO review_log ({', '.join(names)}) VALUES ({', '.join(marks)})"
        if len(rows) < BULK_ROWS or len(rows) < self.log_size():
            self.q.many(sql, rows)
            return len(rows)
        # more rows than the log holds: its indexes are dropped and built again, sorted
        # once, instead of 10^5 inserts at random places (same transaction: a failure
        # rolls the drop back too)
        indexes = [
            (r.name, r.sql)
            for r in self.q.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'review_log' AND sql IS NOT NULL"
            )
        ]
        for name, _sql in indexes:
            self.q.execute(f'DROP INDEX "{name}"')
        self.q.many(sql, rows)
        for _name, create in indexes:
            self.q.execute(create)
        return len(rows)

    def log_size(self) -> int:
        """How many review-log rows are stored."""
        return int(self.q.scalar("SELECT count(*) FROM review_log") or 0)

    def update_cards(self, pairs: Sequence[tuple[CardRow, CardRow]]) -> None:
        """Write each card's changes (``(as stored, as it should be)``), grouped by the
        columns they change: one statement per group."""
        self.q.update_many(CARD, pairs)

    def delete_answers(self, card_ids: Sequence[int]) -> None:
        """Delete the review-kind answers of these cards (before their history is rewritten)."""
        for start in range(0, len(card_ids), CHUNK):
            marks, params = in_list("c", card_ids[start : start + CHUNK])
            self.q.execute(
                f"DELETE FROM review_log WHERE kind = 'review' AND card_id IN {marks}", params
            )


IMPORTED_CARD = (
    "deck_id", "key", "position", "line", "file_front", "file_back", "front", "back",
    "suspended", "file_tags", "tags", "file_flags", "flags", "state", "step", "stability",
    "difficulty", "due", "last_review", "reps", "lapses",
)  # fmt: skip
"""The columns of a new imported card, in order (:meth:`ImportWriter.insert_imported_cards`):
tags and flags as lists, ``due`` and ``last_review`` as integer microseconds (or None)."""
_FIRST_LIST = IMPORTED_CARD.index("file_tags")
_LISTS = IMPORTED_CARD[_FIRST_LIST : _FIRST_LIST + 4]
assert _LISTS == ("file_tags", "tags", "file_flags", "flags")
NEVER_ANSWERED = tuple(CARD[n].default for n in IMPORTED_CARD[IMPORTED_CARD.index("state") :])
"""The end of an :data:`IMPORTED_CARD` row for a card never answered (a new card's values)."""
_MAX_ID = (1 << 63) - 1
BULK_ROWS = 20_000
"""Review-log rows from which an insert into a smaller log rebuilds the log's indexes."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


_FRACTION = "((?{0} % 1000000) + 1000000) % 1000000"
_MICROS_SQL = (
    f"strftime('%Y-%m-%d %H:%M:%S', (?{{0}} - {_FRACTION}) / 1000000, 'unixepoch')"
    f" || printf('.%06d', {_FRACTION})"
)
"""SQL making, of integer microseconds since the epoch (parameter ``{0}``), the text
:func:`sqlite_value` makes of that datetime (NULL stays NULL); floor division, so times
before 1970 too."""


def _from_micros(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def _fast(value: Any) -> Any:
    """:func:`sqlite_value` with the common cases first (an import converts 10^6 values)."""
    kind = type(value)
    if value is None or kind is int or kind is float or kind is str or kind is bool:
        return value
    if kind is datetime and value.tzinfo is UTC:
        return value.isoformat(" ", "microseconds")[:26]
    return sqlite_value(value)


def origin(q: Query, source: str) -> str | None:
    """The path the deck ``source`` was imported from (None when not recorded)."""
    return store_decks.meta(q, ORIGIN_PREFIX + source)


def set_origin(q: Query, source: str, path: str) -> None:
    store_decks.set_meta(q, ORIGIN_PREFIX + source, path)


def given_name(q: Query, source: str) -> str | None:
    """The name the user gave the deck ``source`` (``import --as NAME``), None if none."""
    return store_decks.meta(q, NAME_PREFIX + source)


def set_given_name(q: Query, source: str, name: str) -> None:
    store_decks.set_meta(q, NAME_PREFIX + source, name)


def card_keys_of_deck(q: Query, deck_id: int) -> set[str]:
    """The keys of a deck's cards still in its file."""
    rows = q.rows(
        'SELECT "key" FROM card WHERE deck_id = :deck AND removed = :no',
        {"deck": deck_id, "no": False},
    )
    return {r.key for r in rows}
