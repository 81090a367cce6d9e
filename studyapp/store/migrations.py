"""Schema version and ordered migrations, plus the checks that keep foreign files untouched.

``prepare(engine)`` brings any database to :data:`SCHEMA_VERSION`: an empty database
gets the current tables; an older studyapp database runs the migrations after its version,
in one transaction; a newer one, or a database with tables that aren't studyapp's, raises
``StoreError`` without writing anything. ``check_sqlite_file(path)`` reads a SQLite file's
header and tables read-only *before* any engine touches it (setting WAL would write to it).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.store import rows
from studyapp.store.errors import CORRUPT, MISSING_SCHEMA, READ_ONLY, StoreError, explain

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 5
"""Bump with a migration below whenever a table of ``rows.py`` changes."""
SQLITE_HEADER = b"SQLite format 3\x00"
META_TABLE = "studyapp_meta"
TABLES = tuple(table.name for table in rows.TABLES)
"""studyapp's tables (a current database missing one is damaged, not new)."""
WAL_BYTES = 19
"""Header bytes 18-19 (read and write versions) are 2 in WAL mode."""
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
"""Files up to this size get SQLite's ``quick_check`` on open (larger ones: header and schema)."""


def _v1_to_v2(conn: Connection) -> None:
    """v2: review kinds (quiz and prediction answers), experiment runs (issue 5), and queue
    indexes that cover the queue's filters."""
    from studyapp.store.schema import sql_table

    conn.exec_driver_sql("ALTER TABLE review_log ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'review'")
    sql_table("experiment_run").create(conn)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_card_queue")
    for index in sql_table("card").indexes:
        if index.name in ("ix_card_queue", "ix_card_new", "ix_card_suspended", "ix_card_removed"):
            index.create(conn, checkfirst=True)


def _v2_to_v3(conn: Connection) -> None:
    """v3: the settings a deck file gives a card's experiment links (issue 5)."""
    conn.exec_driver_sql(
        "ALTER TABLE card ADD COLUMN experiment_settings JSON NOT NULL DEFAULT '{}'"
    )


def _v3_to_v4(conn: Connection) -> None:
    """v4: the exam's time of day (issue 22); decks without one get 09:00."""
    conn.exec_driver_sql("ALTER TABLE deck ADD COLUMN exam_time INTEGER NOT NULL DEFAULT 540")


def _v4_to_v5(conn: Connection) -> None:
    """v5: a stored run keeps its verdict's sentence for a student (issue 17). A database
    that began before v2 has it already: v2 made ``experiment_run`` as the rows define it."""
    from sqlalchemy import inspect

    if "verdict_plain" in {
        column["name"] for column in inspect(conn).get_columns("experiment_run")
    }:
        return
    conn.exec_driver_sql(
        "ALTER TABLE experiment_run ADD COLUMN verdict_plain VARCHAR NOT NULL DEFAULT ''"
    )


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _v1_to_v2,
    3: _v2_to_v3,
    4: _v3_to_v4,
    5: _v4_to_v5,
}
"""``MIGRATIONS[v]`` turns a version ``v - 1`` database into version ``v``."""


def check_sqlite_file(path: Path) -> int | None:
    """Raise StoreError unless ``path`` is absent, empty, or a SQLite file studyapp can use.

    Returns the file's schema version (None for a new or empty database).
    """
    if not path.exists():
        return None
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(WAL_BYTES + 1)
    except OSError as error:
        raise StoreError(f"{path}: cannot read the database: {error.strerror}") from None
    if not header:
        return None
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise StoreError(
            f"{path}: not a SQLite database (corrupt or some other file); it was left "
            "untouched: move it away or pass another --db"
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            version = None
            if META_TABLE in tables:
                found = conn.execute(
                    f"SELECT value FROM {META_TABLE} WHERE key='schema_version'"
                ).fetchone()
                version = found[0] if found else None
            problem = None
            if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                row = conn.execute("PRAGMA quick_check(1)").fetchone()
                problem = row[0] if row and row[0] != "ok" else None
        finally:
            conn.close()
    except sqlite3.Error as error:  # a healthy file in a read-only folder is not "corrupt"
        wal_missing = header[WAL_BYTES - 1 : WAL_BYTES + 1] == b"\x02\x02" and not all(
            Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")
        )
        raise explain(str(path), error, wal_missing) from None
    if problem:
        raise StoreError(f"{path}: {CORRUPT.format(detail=' '.join(problem.split()))}")
    _check_tables(str(path), tables, version)
    number = int(str(version)) if version is not None else None
    if number == SCHEMA_VERSION and not set(TABLES) <= tables:
        missing = ", ".join(sorted(set(TABLES) - tables))
        raise StoreError(f"{path}: {MISSING_SCHEMA.format(detail='no table ' + missing)}")
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise StoreError(f"{path}: {READ_ONLY}")
    return number


def _check_tables(where: str, tables: set[str], version: object) -> None:
    tables = {t for t in tables if not t.startswith("sqlite_")}
    if not tables:
        return
    if META_TABLE not in tables or version is None:
        shown = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{where}: not a studyapp database (it holds other tables: {shown}); it was left "
            "untouched: pass another --db"
        )
    try:
        number = int(str(version))
    except ValueError:
        raise StoreError(f"{where}: unreadable schema version {version!r}") from None
    if number > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: made by a newer studyapp (schema {number}, this one knows "
            f"{SCHEMA_VERSION}); upgrade studyapp"
        )


def schema_version(conn: Connection) -> int | None:
    """The stored schema version, or None for an empty database."""
    from sqlalchemy import inspect, text

    tables = set(inspect(conn).get_table_names())
    if META_TABLE not in tables:
        _check_tables(_where(conn), tables, None)
        return None
    row = conn.execute(text(f"SELECT value FROM {META_TABLE} WHERE key='schema_version'")).first()
    _check_tables(_where(conn), tables, row[0] if row else None)
    return int(row[0]) if row else None


def _where(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=True)


def prepare(engine: Engine) -> int:
    """Create or migrate the schema; returns the version the database had (0 = new)."""
    from sqlalchemy.exc import DBAPIError

    from studyapp.store.engine import write_options
    from studyapp.store.schema import metadata

    try:
        with engine.connect().execution_options(**write_options()) as conn, conn.begin():
            found = schema_version(conn)
            if found == SCHEMA_VERSION:
                return found
            if found is None:
                metadata().create_all(conn)
                _set_meta(conn, "app", "studyapp")
                _set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                return 0
            for version in range(found + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
            _set_meta(conn, "schema_version", str(SCHEMA_VERSION))
            return found
    except DBAPIError as error:
        raise explain(_url(engine), error) from None


def _set_meta(conn: Connection, key: str, value: str) -> None:
    from sqlalchemy import text

    updated = conn.execute(
        text(f"UPDATE {META_TABLE} SET value=:v WHERE key=:k"), {"k": key, "v": value}
    )
    if not updated.rowcount:
        conn.execute(
            text(f"INSERT INTO {META_TABLE} (key, value) VALUES (:k, :v)"), {"k": key, "v": value}
        )


def _url(engine: Engine) -> str:
    """The database as errors name it: a SQLite file's path, else the URL (no password)."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        return engine.url.database
    return engine.url.render_as_string(hide_password=True)
