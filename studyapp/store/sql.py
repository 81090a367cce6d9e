"""The store's one query path: SQL text with ``:name`` parameters, SQLite and PostgreSQL alike.

``Db(url)`` runs SQL text. On a SQLite file it uses one :func:`engine.connect_sqlite`
connection (same pragmas as the engine), serialised by a lock, so opening the app and showing
the first card never loads SQLAlchemy; elsewhere (PostgreSQL, in-memory SQLite) it runs the
same text through the SQLAlchemy engine. Values are converted here, once, for both: aware UTC
datetimes, dates, bools and parsed JSON come back keyed by column name (:class:`Record`);
parameters are stored as the SQLModel schema stores them. Only ``studyapp.store`` uses it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from studyapp.store.engine import connect_sqlite, sqlite_path, to_url
from studyapp.store.errors import explain

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

DATETIME_COLUMNS = frozenset(
    {"due", "last_review", "buried_until", "reviewed_at", "created_at", "due_before",
     "last_review_before", "due_after"}
)  # fmt: skip
DATE_COLUMNS = frozenset({"exam_date"})
JSON_COLUMNS = frozenset(
    {"tags", "flags", "file_flags", "file_tags", "experiments", "fsrs_parameters", "undo",
     "experiment_settings", "params", "seeds", "metrics", "history"}
)  # fmt: skip
BOOL_COLUMNS = frozenset({"suspended", "removed", "edited", "verdict_passed", "prediction_correct"})


class Record(dict[str, Any]):
    """A result row: a dict whose keys also read as attributes."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def sqlite_value(value: Any) -> Any:
    """A parameter as SQLAlchemy stores it in SQLite (UTC text datetimes, JSON text)."""
    if isinstance(value, datetime):
        zone = value.tzinfo
        if zone is not None and zone is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(sep=" ", timespec="microseconds")[:26]  # no "+00:00"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return value


def pg_value(value: Any) -> Any:
    """A parameter for PostgreSQL: naive UTC datetimes (``timestamp`` columns), JSON text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list | dict | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return value


def _from_pg(name: str, value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if name in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    return value


def in_list(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1, ...)`` and its parameters, for ``IN`` with plain SQL text."""
    names = [f"{prefix}{i}" for i in range(len(values))]
    return "(" + ", ".join(f":{n}" for n in names) + ")", dict(zip(names, values, strict=True))


_WRITES: dict[str, int] = {}
"""Write statements this process ran, per table (``*``: a raw statement, any table)."""


def writes_to(table: str) -> int:
    """A mark that moves whenever this process writes ``table`` (or runs any raw write)."""
    return _WRITES.get(table, 0) + _WRITES.get("*", 0)


class Result(NamedTuple):
    """What one statement gave: column names, converted rows, rows changed, the new row id
    (SQLite only; None elsewhere)."""

    names: list[str]
    rows: list[Any]
    rowcount: int
    lastrowid: int | None = None


_Run = Callable[[str, Mapping[str, Any]], Result]
_TEXTS: dict[tuple[str, str, tuple[str, ...], bool], str] = {}
"""INSERT and UPDATE text per (kind, table, columns, RETURNING?): built once, not per call."""


def _text(kind: str, table: str, names: tuple[str, ...], returning: bool = False) -> str:
    key = (kind, table, names, returning)
    sql = _TEXTS.get(key)
    if sql is None:
        if kind == "insert":
            marks = ", ".join(f":{name}" for name in names)
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
            sql += " RETURNING id" if returning else ""
        else:
            sets = ", ".join(f"{name} = :{name}" for name in names)
            sql = f"UPDATE {table} SET {sets} WHERE id = :row_id"
        sql = _TEXTS[key] = sql
    return sql


class Query:
    """Runs SQL inside one transaction of :meth:`Db.session`."""

    def __init__(self, run: _Run, direct: bool = False) -> None:
        self._run = run
        self._direct = direct
        self._version: int | None = None
        self._memo: dict[tuple[str, Any], Any] = {}

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on the direct connection: it changes when another
        connection commits (None elsewhere: no such mark). Read once per transaction: its
        own writes never move it."""
        if self._direct and self._version is None:
            self._version = int(self.scalar("PRAGMA data_version"))
        return self._version

    def cached(self, table: str, key: Any, load: Callable[[], Any]) -> Any:
        """``load()`` once per transaction for ``(table, key)``; a write to ``table`` (or any
        :meth:`execute`) forgets it, so a row read twice in one transaction is fetched once."""
        if (table, key) not in self._memo:
            self._memo[(table, key)] = load()
        return self._memo[(table, key)]

    def _forget(self, table: str | None = None) -> None:
        _WRITES[table or "*"] = _WRITES.get(table or "*", 0) + 1
        if table is None:
            self._memo.clear()
        else:
            for name, key in [k for k in self._memo if k[0] == table]:
                del self._memo[(name, key)]

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        names, rows, _, _ = self._run(sql, params or {})
        return [Record(zip(names, row, strict=True)) for row in rows]

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Record | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def tuples(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Every row's values in column order (converted, no names): for long or hot reads."""
        return self._run(sql, params or {}).rows

    def column(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The first column of every row (converted): ids of a long queue without a dict each."""
        return [row[0] for row in self._run(sql, params or {}).rows]

    def values(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Any] | None:
        """The first row's values in column order (converted, no names): for hot paths."""
        rows = self._run(sql, params or {}).rows
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self._run(sql, params or {}).rows
        return rows[0][0] if rows else None

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Run a write statement; returns the number of rows it changed."""
        self._forget()
        return self._run(sql, params or {}).rowcount

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """``INSERT INTO table`` one row; returns its new ``id`` (SQLite's last row id on the
        direct connection, ``RETURNING id`` elsewhere)."""
        self._forget(table)
        result = self._run(_text("insert", table, tuple(values), not self._direct), values)
        new_id = result.lastrowid if self._direct else result.rows[0][0]
        assert new_id is not None
        return int(new_id)

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> int:
        """``UPDATE table SET ... WHERE id = row_id``; returns the rows changed (0 or 1)."""
        self._forget(table)
        sql = _text("update", table, tuple(values))
        return self._run(sql, {**values, "row_id": row_id}).rowcount


def _file_of(conn: sqlite3.Connection) -> str:
    """The file of a connection's main database (for an error message)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        row = None
    return str(row[2]) if row and row[2] else "the database"


_PLAIN = frozenset({int, float, str, type(None), bytes})
"""Parameter types sqlite3 takes as they are (no conversion call)."""
_Reader = Callable[[Any], Any]


def _read_datetime(value: str) -> datetime:
    """Stored UTC text as an aware datetime (the suffix is parsed in C: 5x a ``replace``)."""
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:  # an offset or a bare date already in the text
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _reader(name: str) -> _Reader | None:
    """How a SQLite value of column ``name`` is read (None: as it comes)."""
    if name in DATETIME_COLUMNS:
        return _read_datetime
    if name in JSON_COLUMNS:
        return json.loads
    if name in BOOL_COLUMNS:
        return bool
    if name in DATE_COLUMNS:
        return date.fromisoformat
    return None


_PLANS: dict[tuple[str, ...], tuple[tuple[int, _Reader], ...]] = {}
"""Per result shape (column names): the columns to convert and how (built once per shape)."""


def _plan(names: tuple[str, ...]) -> tuple[tuple[int, _Reader], ...]:
    plan = _PLANS.get(names)
    if plan is None:
        found = ((i, _reader(n)) for i, n in enumerate(names))
        plan = _PLANS[names] = tuple((i, r) for i, r in found if r is not None)
    return plan


def _from_sqlite(name: str, value: Any) -> Any:
    read = _reader(name)
    return value if value is None or read is None else read(value)


def _sqlite_rows(names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[Any]:
    plan = _plan(names)
    if not plan:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, read in plan:
            if values[i] is not None:
                values[i] = read(values[i])
        out.append(values)
    return out


def _sqlite_run(conn: sqlite3.Connection, where: str | None = None) -> _Run:
    """Runs statements on ``conn``; a failure is a one-line ``StoreError`` naming ``where``."""

    def run(sql: str, params: Mapping[str, Any]) -> Result:
        values = {k: v if type(v) in _PLAIN else sqlite_value(v) for k, v in params.items()}
        try:
            cursor = conn.execute(sql, values)
            if cursor.description is None:
                return Result([], [], cursor.rowcount, cursor.lastrowid)
            names = tuple(d[0] for d in cursor.description)
            rows = _sqlite_rows(names, cursor.fetchall())
        except (sqlite3.Error, MemoryError) as error:
            raise explain(where or _file_of(conn), error) from None
        return Result(list(names), rows, cursor.rowcount, cursor.lastrowid)

    return run


def _alchemy_run(conn: Connection) -> _Run:
    from sqlalchemy import text

    sqlite = conn.dialect.name == "sqlite"

    def run(sql: str, params: Mapping[str, Any]) -> Result:
        convert = sqlite_value if sqlite else pg_value
        read = _from_sqlite if sqlite else _from_pg
        result = conn.execute(text(sql), {k: convert(v) for k, v in params.items()})
        if not result.returns_rows:
            return Result([], [], result.rowcount)
        names = list(result.keys())
        rows = [tuple(read(n, v) for n, v in zip(names, row, strict=True)) for row in result]
        return Result(names, rows, result.rowcount)

    return run


class Db:
    """The store as plain SQL; the SQLAlchemy engine is made only when someone asks for it."""

    def __init__(self, url: str) -> None:
        self.url = to_url(url)
        self.path = sqlite_path(self.url)
        self._engine: Engine | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._run: _Run | None = None
        """Statements on :attr:`_sqlite` (made once: it holds only the connection)."""
        self._lock = threading.RLock()
        self._engine_lock = threading.Lock()

    @property
    def direct(self) -> bool:
        """True on a SQLite file: SQL runs on a plain sqlite3 connection."""
        return self.path is not None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (``engine.make_engine``), created on first use."""
        with self._engine_lock:
            if self._engine is None:
                from studyapp.store.engine import make_engine

                self._engine = make_engine(self.url)
            return self._engine

    @property
    def where(self) -> str:
        """The database as errors name it: the file, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        return self.url.replace(f":{parts.password}@", ":***@", 1)

    @property
    def has_engine(self) -> bool:
        return self._engine is not None

    def sqlite(self) -> sqlite3.Connection:
        """The direct connection (SQLite files only); callers hold :meth:`locked`."""
        assert self.path is not None
        if self._sqlite is None:
            self._sqlite = connect_sqlite(self.path)
        return self._sqlite

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self.sqlite()

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[sqlite3.Connection | Connection]:
        """One transaction: the sqlite3 connection, or a SQLAlchemy connection elsewhere.

        A write begins ``BEGIN IMMEDIATE`` on SQLite (the write lock up front).
        """
        if not self.direct:
            from sqlalchemy.exc import DBAPIError

            from studyapp.store.engine import write_options

            try:
                with self.engine.connect() as conn:
                    if write:
                        conn.execution_options(**write_options())
                    with conn.begin():
                        yield conn
            except DBAPIError as error:
                raise explain(self.where, error) from None
            return
        inside = False  # the caller's own errors (another file's sqlite3 too) pass unchanged
        try:
            with self._lock:
                direct = self.sqlite()
                direct.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                done = False
                try:
                    inside = True
                    yield direct
                    inside = False
                    direct.execute("COMMIT")
                    done = True
                finally:
                    if not done and direct.in_transaction:
                        direct.execute("ROLLBACK")
        except (sqlite3.Error, MemoryError) as error:
            if inside:
                raise
            raise explain(self.where, error) from None

    def session(self, write: bool = False) -> AbstractContextManager[Query]:
        """A :class:`Query` running in one transaction (see :meth:`transaction`)."""
        return _DirectSession(self, write) if self.direct else self._engine_session(write)

    @contextmanager
    def _engine_session(self, write: bool) -> Iterator[Query]:
        with self.transaction(write) as conn:
            yield Query(_alchemy_run(conn))  # type: ignore[arg-type]

    def direct_query(self, conn: sqlite3.Connection) -> Query:
        """A :class:`Query` on the direct connection (inside :class:`_DirectSession`)."""
        if self._run is None:
            self._run = _sqlite_run(conn, self.where)
        return Query(self._run, direct=True)

    def close(self) -> None:
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None
                self._run = None
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


class _DirectSession:
    """:meth:`Db.session` on the direct SQLite connection: :meth:`Db.transaction` as a plain
    class (an answer opens one per key press; three generator frames cost more than it).
    Errors of ``BEGIN``/``COMMIT`` become one-line ``StoreError``s; the body's own pass."""

    __slots__ = ("db", "write")

    def __init__(self, db: Db, write: bool) -> None:
        self.db = db
        self.write = write

    def __enter__(self) -> Query:
        db = self.db
        db._lock.acquire()
        try:
            conn = db.sqlite()
            conn.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
        except (sqlite3.Error, MemoryError) as error:
            db._lock.release()
            raise explain(db.where, error) from None
        except BaseException:
            db._lock.release()
            raise
        return db.direct_query(conn)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        db = self.db
        conn = db.sqlite()
        try:
            if kind is None:
                try:
                    conn.execute("COMMIT")
                except (sqlite3.Error, MemoryError) as error:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise explain(db.where, error) from None
            elif conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            db._lock.release()
