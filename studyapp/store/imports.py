"""The batched writes of an import (Anki packages) and the facts an import checks first.

:class:`ImportWriter` wraps one write transaction's connection (a plain ``sqlite3``
connection, or a SQLAlchemy one elsewhere) and writes many rows per statement
(``executemany``): cards, their review-log rows, and card updates. Reads return typed rows.
A deck file's origin (the path it was imported from) is kept in ``studyapp_meta`` under
``origin:<deck source>``, so a different file with the same base name is recognised.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.store.cards import NEW_CARD
from studyapp.store.reviews import LOG_COLUMNS
from studyapp.store.sql import (
    DATE_COLUMNS,
    DATETIME_COLUMNS,
    JSON_COLUMNS,
    Query,
    _alchemy_run,
    _sqlite_run,
    in_list,
    pg_value,
    sqlite_value,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

ORIGIN_PREFIX = "origin:"
CHUNK = 500
"""Keys per ``IN (...)`` lookup (well under every database's parameter limit)."""


@dataclass(frozen=True, slots=True)
class KnownCard:
    """A stored card an import may update (matched by its key)."""

    id: int
    deck_id: int
    key: str
    file_front: str
    file_back: str
    edited: bool
    suspended: bool
    tags: tuple[str, ...]
    file_tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoggedAnswer:
    """A review-kind answer already stored for a card."""

    card_id: int
    reviewed_at: datetime
    rating: int
    duration_ms: int


class ImportWriter:
    """Batched reads and writes inside one write transaction (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection | Connection) -> None:
        self.conn = conn
        self.direct = isinstance(conn, sqlite3.Connection)
        self.q = Query(_sqlite_run(conn) if isinstance(conn, sqlite3.Connection)
                       else _alchemy_run(conn))  # fmt: skip

    def _many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        if isinstance(self.conn, sqlite3.Connection):  # only times, dates and JSON convert
            converted, special = [], DATETIME_COLUMNS | JSON_COLUMNS | DATE_COLUMNS
            for row in rows:
                out = dict(row)
                for key in special.intersection(out):
                    out[key] = _fast(out[key])
                converted.append(out)
            self.conn.executemany(sql, converted)
            return
        from sqlalchemy import text

        self.conn.execute(text(sql), [{k: pg_value(v) for k, v in r.items()} for r in rows])

    def cache_pages(self, size: int | None = None) -> int | None:
        """SQLite's page cache size (``PRAGMA cache_size``: pages, or KiB when negative);
        ``size`` sets it first. An import raises it while it writes (index inserts stay in
        memory) and puts it back; durability is untouched. None elsewhere."""
        if not isinstance(self.conn, sqlite3.Connection):
            return None
        if size is not None:
            self.conn.execute(f"PRAGMA cache_size = {int(size)}")
        return int(self.conn.execute("PRAGMA cache_size").fetchone()[0])

    def deck_ids(self, sources: Iterable[str]) -> dict[str, int]:
        """Ids of the decks with these sources (those that exist)."""
        out: dict[str, int] = {}
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), CHUNK):
            marks, params = in_list("s", wanted[start : start + CHUNK])
            for r in self.q.rows(f"SELECT id, source FROM deck WHERE source IN {marks}", params):
                out[r.source] = int(r.id)
        return out

    def answers(self, card_ids: Sequence[int]) -> dict[int, list[LoggedAnswer]]:
        """Review-kind answers of these cards, oldest first."""
        out: dict[int, list[LoggedAnswer]] = {}
        for start in range(0, len(card_ids), CHUNK):
            marks, params = in_list("c", card_ids[start : start + CHUNK])
            rows = self.q.rows(
                "SELECT card_id, reviewed_at, rating, duration_ms FROM review_log"
                f" WHERE kind = 'review' AND card_id IN {marks} ORDER BY reviewed_at, id",
                params,
            )
            for r in rows:
                out.setdefault(int(r.card_id), []).append(LoggedAnswer(
                    int(r.card_id), r.reviewed_at, int(r.rating), int(r.duration_ms or 0)
                ))  # fmt: skip
        return out

    def answer_summary(self, card_ids: Sequence[int]) -> dict[int, tuple[int, datetime | None]]:
        """``(count, latest time)`` of each card's review-kind answers (cards with some)."""
        out: dict[int, tuple[int, datetime | None]] = {}
        for start in range(0, len(card_ids), CHUNK):
            marks, params = in_list("c", card_ids[start : start + CHUNK])
            rows = self.q.rows(
                "SELECT card_id, count(*) AS answers, max(reviewed_at) AS reviewed_at"
                f" FROM review_log WHERE kind = 'review' AND card_id IN {marks} GROUP BY card_id",
                params,
            )
            for r in rows:
                out[int(r.card_id)] = (int(r.answers), r.reviewed_at)
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

    def card_mark(self) -> tuple[int, int]:
        """``(largest card id, card count)``: unchanged between two transactions when no card
        was inserted or deleted meanwhile (so keys read earlier still hold)."""
        row = self.q.one("SELECT coalesce(max(id), 0) AS top, count(*) AS total FROM card")
        return (int(row.top), int(row.total)) if row is not None else (0, 0)

    def known_by_id(self, ids: Sequence[int], source_prefix: str) -> dict[str, KnownCard]:
        """The cards with these ids that are still in a deck whose source starts with
        ``source_prefix``, by key (the lowest id per key)."""
        out: dict[str, KnownCard] = {}
        for start in range(0, len(ids), CHUNK):
            marks, params = in_list("i", ids[start : start + CHUNK])
            rows = self.q.rows(
                'SELECT id, deck_id, "key", file_front, file_back, edited, suspended, tags,'
                f" file_tags FROM card WHERE id IN {marks} AND deck_id IN (SELECT id FROM deck"
                " WHERE source LIKE :prefix) ORDER BY id",
                {**params, "prefix": f"{source_prefix}%"},
            )
            for r in rows:
                out.setdefault(r.key, KnownCard(
                    int(r.id), int(r.deck_id), r.key, r.file_front, r.file_back,
                    bool(r.edited), bool(r.suspended), tuple(r.tags or ()),
                    tuple(r.file_tags or ()),
                ))  # fmt: skip
        return out

    def insert_imported_cards(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert new cards given positionally (:data:`IMPORTED_CARD` order; the other
        columns as :data:`NEW_CARD`); returns their ids, in order.

        On SQLite the ids are the next ones after the largest (this transaction holds the
        write lock), so nothing is read back; elsewhere they are looked up by key.
        """
        if not rows:
            return []
        now = datetime.now(UTC)
        rest = [n for n in NEW_CARD if n not in IMPORTED_CARD]
        if isinstance(self.conn, sqlite3.Connection):
            (top,) = self.conn.execute("SELECT coalesce(max(id), 0) FROM card").fetchone()
            if int(top) + len(rows) < _MAX_ID:
                self._insert_sqlite_cards(int(top) + 1, rows, rest, now)
                return list(range(int(top) + 1, int(top) + 1 + len(rows)))
        names = ["deck_id", "key", *NEW_CARD, "created_at"]
        columns = ", ".join('"key"' if n == "key" else n for n in names)
        sql = f"INSERT INTO card ({columns}) VALUES ({', '.join(f':{n}' for n in names)})"
        dicts = []
        for row in rows:
            named = {**NEW_CARD, "created_at": now, **dict(zip(IMPORTED_CARD, row, strict=True))}
            named["due"], named["last_review"] = (_from_micros(named["due"]),
                                                  _from_micros(named["last_review"]))  # fmt: skip
            dicts.append(named)
        self._many(sql, dicts)
        ids = self.card_ids([str(r[1]) for r in rows], {int(r[0]) for r in rows})
        return [ids[str(r[1])] for r in rows]

    def _insert_sqlite_cards(
        self, first: int, rows: Sequence[Sequence[Any]], rest: list[str], now: datetime
    ) -> None:
        assert isinstance(self.conn, sqlite3.Connection)
        names = ["id", *IMPORTED_CARD, *rest, "created_at"]
        columns = ", ".join('"key"' if n == "key" else n for n in names)
        marks = [_MICROS_SQL.format(i + 1) if n in ("due", "last_review") else f"?{i + 1}"
                 for i, n in enumerate(names)]  # fmt: skip
        sql = f"INSERT INTO card ({columns}) VALUES ({', '.join(marks)})"
        fixed = (*(_fast(NEW_CARD[n]) for n in rest), _fast(now))
        texts: dict[tuple[Any, ...], str] = {}  # tag lists repeat: JSON text made once each

        def js(value: list[str]) -> str:
            key = tuple(value)
            text = texts.get(key)
            if text is None:
                text = texts[key] = _fast(value)
            return text

        a = _FIRST_LIST  # the four list columns, then the rest
        self.conn.executemany(sql, [
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
        """Insert review-log rows given positionally (``LOG_COLUMNS`` order), their times as
        integer microseconds since the epoch (UTC); returns how many."""
        times = [i for i, n in enumerate(LOG_COLUMNS) if n in DATETIME_COLUMNS]
        names = ", ".join(LOG_COLUMNS)
        if isinstance(self.conn, sqlite3.Connection):  # SQLite writes the times' text
            marks = [_MICROS_SQL.format(i + 1) if i in times else f"?{i + 1}"
                     for i in range(len(LOG_COLUMNS))]  # fmt: skip
            sql = f"INSERT INTO review_log ({names}) VALUES ({', '.join(marks)})"
            if len(rows) < BULK_ROWS or len(rows) < self.log_size():
                self.conn.executemany(sql, rows)
                return len(rows)
            # more rows than the log holds: its indexes are dropped and built again, sorted
            # once, instead of 10^5 inserts at random places (same transaction: a failure
            # rolls the drop back too)
            indexes = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'review_log' AND sql IS NOT NULL"
            ).fetchall()
            for name, _sql in indexes:
                self.conn.execute(f'DROP INDEX "{name}"')
            self.conn.executemany(sql, rows)
            for _name, create in indexes:
                self.conn.execute(create)
            return len(rows)
        dicts = []
        for row in rows:
            named = dict(zip(LOG_COLUMNS, row, strict=True))
            for i in times:
                named[LOG_COLUMNS[i]] = _from_micros(row[i])
            dicts.append(named)
        return self.insert_logs(dicts)

    def log_size(self) -> int:
        """How many review-log rows are stored."""
        return int(self.q.scalar("SELECT count(*) FROM review_log") or 0)

    def update_cards(self, changes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """Apply ``(card id, columns)``; rows with the same columns go in one statement."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for card_id, values in changes:
            if values:
                groups.setdefault(tuple(values), []).append({**values, "row_id": card_id})
        for names, rows in groups.items():
            sets = ", ".join(f"{n} = :{n}" for n in names)
            self._many(f"UPDATE card SET {sets} WHERE id = :row_id", rows)

    def insert_logs(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert review-log rows (keys of ``LOG_COLUMNS``); returns how many."""
        names = ", ".join(LOG_COLUMNS)
        if isinstance(self.conn, sqlite3.Connection):  # positional; only times and JSON convert
            sql = f"INSERT INTO review_log ({names}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})"
            convert = [(i, _fast) for i, n in enumerate(LOG_COLUMNS)
                       if n in DATETIME_COLUMNS or n in JSON_COLUMNS]  # fmt: skip
            values = []
            for row in rows:
                out = [row.get(n) for n in LOG_COLUMNS]
                for i, fn in convert:
                    out[i] = fn(out[i])
                values.append(out)
            self.conn.executemany(sql, values)
            return len(rows)
        sql = f"INSERT INTO review_log ({names}) VALUES ({', '.join(f':{n}' for n in LOG_COLUMNS)})"
        self._many(sql, [{n: r.get(n) for n in LOG_COLUMNS} for r in rows])
        return len(rows)

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
assert IMPORTED_CARD[_FIRST_LIST : _FIRST_LIST + 4] == ("file_tags", "tags", "file_flags", "flags")
NEVER_ANSWERED = tuple(NEW_CARD[n] for n in IMPORTED_CARD[IMPORTED_CARD.index("state") :])
"""The end of an :data:`IMPORTED_CARD` row for a card never answered (as :data:`NEW_CARD`)."""
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
    value = q.scalar(
        "SELECT value FROM studyapp_meta WHERE key = :key", {"key": ORIGIN_PREFIX + source}
    )
    return None if value is None else str(value)


def set_origin(q: Query, source: str, path: str) -> None:
    key = ORIGIN_PREFIX + source
    if not q.execute(
        "UPDATE studyapp_meta SET value = :v WHERE key = :key", {"key": key, "v": path}
    ):
        q.execute(
            "INSERT INTO studyapp_meta (key, value) VALUES (:key, :v)", {"key": key, "v": path}
        )


def card_keys_of_deck(q: Query, deck_id: int) -> set[str]:
    """The keys of a deck's cards still in its file."""
    rows = q.rows(
        'SELECT "key" FROM card WHERE deck_id = :deck AND removed = :no',
        {"deck": deck_id, "no": False},
    )
    return {r.key for r in rows}
