"""The one engine factory: every connection gets WAL, foreign keys and a busy timeout.

``make_engine(url)`` builds the engine (nothing happens at import time), ``connect_sqlite``
opens a plain ``sqlite3`` connection with the very same settings (:func:`configure_sqlite`), and
``resolve_db_url(cli_value)`` picks the database: the ``--db`` flag, else ``$STUDYAPP_DB``,
else ``studyapp.db`` in the user data dir. Plain file paths are accepted wherever a URL is.

SQLite write transactions can ask for ``BEGIN IMMEDIATE`` with the execution option
``immediate=True`` (see :func:`write_options`), so two processes answering at once queue on the
busy timeout instead of failing with "database is locked" when a read lock would be upgraded.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000
IMMEDIATE = "studyapp_immediate"
"""Execution option: begin this SQLite transaction with ``BEGIN IMMEDIATE``."""


def resolve_db_url(cli_value: str | None) -> str:
    """``--db`` value, else ``$STUDYAPP_DB``, else the default file, as a SQLAlchemy URL."""
    raw = cli_value or os.environ.get("STUDYAPP_DB")
    if not raw:
        from studyapp.paths import data_dir

        raw = str(data_dir() / "studyapp.db")
    return to_url(raw)


def to_url(raw: str) -> str:
    """A file path becomes ``sqlite:///<absolute path>``; URLs are returned unchanged."""
    if "://" in raw:
        if raw.startswith("postgres://"):  # the scheme Heroku & co. print
            raw = "postgresql://" + raw[len("postgres://") :]
        if raw.startswith("postgresql://"):
            raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
        return raw
    if raw == ":memory:":
        return "sqlite://"
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    if not rest or rest == ":memory:":
        return None
    return Path(rest.split("?", 1)[0])


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def write_options() -> dict[str, Any]:
    """Execution options for a write unit of work (``Session.connection(execution_options=)``)."""
    return {IMMEDIATE: True}


def configure_sqlite(connection: sqlite3.Connection, wal: bool = True) -> None:
    """The settings of every SQLite connection studyapp opens (engine or :func:`connect_sqlite`).

    Autocommit at the driver level (``isolation_level=None``): transactions are begun
    explicitly, so a write can be ``BEGIN IMMEDIATE``.
    """
    connection.isolation_level = None
    cursor = connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection to a database file, configured like the engine's.

    The study service's review path uses it so that the first card needs no SQLAlchemy.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    configure_sqlite(connection, wal=True)
    return connection


def make_engine(url: str, *, wal: bool = True) -> Engine:
    """Create the engine for ``url`` (a URL or file path) with the connection settings above.

    ``wal=False`` leaves a SQLite file's journal mode alone (a migration that may be refused
    must not switch the file to WAL first).
    """
    from sqlalchemy import create_engine, event

    url = to_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        configure_sqlite(dbapi_connection, wal=wal and path is not None)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
