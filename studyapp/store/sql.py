"""The store's one query path: SQL text with ``:name`` parameters, SQLite and PostgreSQL alike.

``Db(url)`` runs SQL text. On a SQLite file it uses one :func:`engine.connect_sqlite`
connection (same pragmas as the engine), serialised by a lock, so opening the app and showing
the first card never loads SQLAlchemy; elsewhere (PostgreSQL, in-memory SQLite) it runs the
same text through the SQLAlchemy engine. A :class:`Query` reads rows as their table's row
type (:meth:`Query.fetch`), or any columns converted as their table defines them
(:meth:`Query.typed`); plain reads (counts, ids, text) come as the driver gives them.
Writes take rows: :meth:`Query.insert` a new row, :meth:`Query.update` the columns that
differ between two versions of one. Only ``studyapp.store`` uses this module.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from studyapp.store.engine import connect_sqlite, sqlite_path, to_url
from studyapp.store.errors import explain
from studyapp.store.table import Column, Table, pg_value, sqlite_value

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

R = TypeVar("R", bound=tuple[Any, ...])


class Record(dict[str, Any]):
    """A plain result row: a dict whose keys also read as attributes."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


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
    """What one statement gave: column names, rows, rows changed, the new row id (SQLite's
    last row id; None elsewhere)."""

    names: list[str]
    rows: list[Any]
    rowcount: int
    lastrowid: int | None = None


class Backend:
    """Runs statements on one connection (see :class:`SqliteBackend`, :class:`AlchemyBackend`)."""

    dialect = "sqlite"
    """``sqlite`` or ``postgresql``: how values read back (:data:`studyapp.store.table.READERS`)."""
    direct = False
    """True on a plain ``sqlite3`` connection (positional parameters, ``executemany``)."""

    def run(self, sql: str, params: Mapping[str, Any]) -> Result:
        raise NotImplementedError

    def many(self, sql: str, rows: Sequence[Mapping[str, Any] | Sequence[Any]]) -> None:
        raise NotImplementedError


class Query:
    """Runs SQL inside one transaction of :meth:`Db.session`."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._run = backend.run
        self.dialect = backend.dialect
        self.direct = backend.direct
        self._version: int | None = None
        self._memo: dict[tuple[str, Any], Any] = {}

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on the direct connection: it changes when another
        connection commits (None elsewhere: no such mark). Read once per transaction: its
        own writes never move it."""
        if self.direct and self._version is None:
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

    # -- typed reads -----------------------------------------------------------------------

    def fetch(
        self, table: Table[R], where: str = "", params: Mapping[str, Any] | None = None
    ) -> list[R]:
        """``table.select`` followed by ``where`` (joins, ``WHERE``, ``ORDER BY``...), as rows."""
        rows = self._run(f"{table.select} {where}" if where else table.select, params or {}).rows
        read, db = table.read, self.dialect
        return [read(db, row) for row in rows]

    def first(
        self, table: Table[R], where: str, params: Mapping[str, Any] | None = None
    ) -> R | None:
        """The first row :meth:`fetch` finds, or None."""
        rows = self._run(f"{table.select} {where}", params or {}).rows
        return table.read(self.dialect, rows[0]) if rows else None

    def typed(
        self, sql: str, params: Mapping[str, Any] | None, columns: Sequence[Column | None]
    ) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose values convert as ``columns`` (one per result column; None:
        as it comes) define."""
        plan = Table.plan(self.dialect, columns)
        out = []
        for row in self._run(sql, params or {}).rows:
            values = list(row)
            for i, read in plan:
                if values[i] is not None:
                    values[i] = read(values[i])
            out.append(tuple(values))
        return out

    # -- plain reads -------------------------------------------------------------------------

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        """Rows as the driver gives them, by column name (counts, ids, text: no conversion)."""
        names, rows, _, _ = self._run(sql, params or {})
        return [Record(zip(names, row, strict=True)) for row in rows]

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Record | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def column(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The first column of every row: ids of a long queue without a dict each."""
        return [row[0] for row in self._run(sql, params or {}).rows]

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self._run(sql, params or {}).rows
        return rows[0][0] if rows else None

    # -- writes ------------------------------------------------------------------------------

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Run a write statement; returns the number of rows it changed."""
        self._forget()
        return self._run(sql, params or {}).rowcount

    def many(self, sql: str, rows: Sequence[Mapping[str, Any] | Sequence[Any]]) -> None:
        """Run a write statement once per parameter set (``executemany``). Named parameters
        convert by type; positional ones (SQLite's direct connection only) go as given."""
        self._forget()
        if rows:
            self._backend.many(sql, rows)

    def insert(self, table: Table[R], row: R) -> int:
        """Insert ``row`` (its generated key left out); returns the new row's key."""
        self._forget(table.name)
        if not table.generated:
            self._run(table.insert_sql, table.params(row))
            return 0
        if self.direct:
            new_id = self._run(table.insert_sql, table.params(row)).lastrowid
        else:
            new_id = self._run(f"{table.insert_sql} RETURNING {table.key}", table.params(row)).rows[
                0
            ][0]
        assert new_id is not None
        return int(new_id)

    def insert_many(self, table: Table[R], rows: Iterable[R]) -> None:
        """Insert new rows in one ``executemany``."""
        self.many(table.insert_sql, [table.params(row) for row in rows])

    def update(self, table: Table[R], old: R, new: R) -> bool:
        """Write the columns that differ between ``old`` and ``new`` (one row, by its key:
        SQLite rewrites an index entry for every indexed column an UPDATE sets, changed or
        not). False when the row is gone; True when written or nothing differed."""
        changed = table.changes(old, new)
        if not changed:
            return True
        self._forget(table.name)
        key = getattr(new, table.key)
        sql = table.update_sql(tuple(changed))
        return self._run(sql, {**changed, "row_key": key}).rowcount > 0

    def update_many(self, table: Table[R], pairs: Iterable[tuple[R, R]]) -> None:
        """:meth:`update` of many rows: rows changing the same columns share one statement."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for old, new in pairs:
            changed = table.changes(old, new)
            if changed:
                key = getattr(new, table.key)
                groups.setdefault(tuple(changed), []).append({**changed, "row_key": key})
        for names, params in groups.items():
            self._forget(table.name)
            self._backend.many(table.update_sql(names), params)


def _file_of(conn: sqlite3.Connection) -> str:
    """The file of a connection's main database (for an error message)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        row = None
    return str(row[2]) if row and row[2] else "the database"


_PLAIN = frozenset({int, float, str, type(None), bytes})
"""Parameter types sqlite3 takes as they are (no conversion call)."""


class SqliteBackend(Backend):
    """Statements on a plain ``sqlite3`` connection; a failure is a one-line ``StoreError``
    naming ``where`` (the database file)."""

    direct = True

    def __init__(self, conn: sqlite3.Connection, where: str | None = None) -> None:
        self.conn = conn
        self.where = where

    def _failed(self, error: BaseException) -> Exception:
        return explain(self.where or _file_of(self.conn), error)

    def run(self, sql: str, params: Mapping[str, Any]) -> Result:
        values = {k: v if type(v) in _PLAIN else sqlite_value(v) for k, v in params.items()}
        try:
            cursor = self.conn.execute(sql, values)
            if cursor.description is None:
                return Result([], [], cursor.rowcount, cursor.lastrowid)
            rows = cursor.fetchall()
        except (sqlite3.Error, MemoryError) as error:
            raise self._failed(error) from None
        return Result([d[0] for d in cursor.description], rows, cursor.rowcount, cursor.lastrowid)

    def many(self, sql: str, rows: Sequence[Mapping[str, Any] | Sequence[Any]]) -> None:
        if isinstance(rows[0], Mapping):
            rows = [
                {k: v if type(v) in _PLAIN else sqlite_value(v) for k, v in row.items()}  # type: ignore[union-attr]
                for row in rows
            ]
        try:
            self.conn.executemany(sql, rows)
        except (sqlite3.Error, MemoryError) as error:
            raise self._failed(error) from None


class AlchemyBackend(Backend):
    """Statements through a SQLAlchemy connection (PostgreSQL, in-memory SQLite)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = "sqlite" if conn.dialect.name == "sqlite" else "postgresql"
        self.convert = sqlite_value if self.dialect == "sqlite" else pg_value

    def run(self, sql: str, params: Mapping[str, Any]) -> Result:
        from sqlalchemy import text

        convert = self.convert
        result = self.conn.execute(text(sql), {k: convert(v) for k, v in params.items()})
        if not result.returns_rows:
            return Result([], [], result.rowcount)
        return Result(list(result.keys()), [tuple(row) for row in result], result.rowcount)

    def many(self, sql: str, rows: Sequence[Mapping[str, Any] | Sequence[Any]]) -> None:
        from sqlalchemy import text

        convert = self.convert
        self.conn.execute(
            text(sql),
            [{k: convert(v) for k, v in row.items()} for row in rows],  # type: ignore[union-attr]
        )


class Db:
    """The store as plain SQL; the SQLAlchemy engine is made only when someone asks for it."""

    def __init__(self, url: str) -> None:
        self.url = to_url(url)
        self.path = sqlite_path(self.url)
        self._engine: Engine | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._backend: SqliteBackend | None = None
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

    def session(self, write: bool = False) -> AbstractContextManager[Query]:
        """A :class:`Query` running in one transaction; a write begins ``BEGIN IMMEDIATE``
        on SQLite (the write lock up front)."""
        return _DirectSession(self, write) if self.direct else self._engine_session(write)

    @contextmanager
    def _engine_session(self, write: bool) -> Iterator[Query]:
        """One transaction on an engine connection (a write sets the engine's write options:
        ``BEGIN IMMEDIATE`` on SQLite)."""
        from sqlalchemy.exc import DBAPIError

        from studyapp.store.engine import write_options

        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(**write_options())
                with conn.begin():
                    yield Query(AlchemyBackend(conn))
        except DBAPIError as error:
            raise explain(self.where, error) from None

    def direct_query(self, conn: sqlite3.Connection) -> Query:
        """A :class:`Query` on the direct connection (inside :class:`_DirectSession`)."""
        if self._backend is None:
            self._backend = SqliteBackend(conn, self.where)
        return Query(self._backend)

    def close(self) -> None:
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None
                self._backend = None
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


class _DirectSession:
    """:meth:`Db.session` on the direct SQLite connection, as a plain class (an answer opens
    one per key press; generator frames cost more than it). Errors of ``BEGIN``/``COMMIT``
    become one-line ``StoreError``s; the body's own pass."""

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
