"""The engine factory: URL resolution, pragmas on every connection, nothing at import time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from studyapp.store.engine import make_engine, resolve_db_url, sqlite_path, to_url
from studyapp.store.migrations import prepare


def test_resolve_db_url_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STUDYAPP_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(str(tmp_path / "flag.db")) == f"sqlite:///{tmp_path / 'flag.db'}"
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("STUDYAPP_DB")
    monkeypatch.setenv("STUDYAPP_HOME", str(tmp_path / "home"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'home' / 'studyapp.db'}"
    assert to_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlite_path(to_url(str(tmp_path / "x.db"))) == tmp_path / "x.db"


def test_every_connection_gets_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "p.db"))
    try:
        for _ in range(2):
            with engine.connect() as conn:  # a new pooled or fresh connection each time
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            engine.dispose()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "fk.db"))
    prepare(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO review_log (card_id, reviewed_at, rating, duration_ms, kind, "
                "state_before, state_after) VALUES (424242, '2026-01-01', 3, 0, 'review', 0, 1)"
            )
        )
    engine.dispose()


def test_importing_the_service_opens_nothing() -> None:
    code = (
        "import sys, json\n"
        "import studyapp.study.service, studyapp.store.engine, studyapp.store.sql\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert not loaded & {"sqlalchemy", "sqlmodel", "torch", "textual"}, loaded


def test_schema_is_created_once_and_stamped(tmp_path: Path) -> None:
    from studyapp.store.schema import SCHEMA_VERSION

    engine = make_engine(str(tmp_path / "s.db"))
    assert prepare(engine) == 0
    assert prepare(engine) == SCHEMA_VERSION
    with engine.connect() as conn:
        rows = dict(conn.exec_driver_sql("SELECT key, value FROM studyapp_meta").all())
    assert rows == {"app": "studyapp", "schema_version": str(SCHEMA_VERSION)}
    engine.dispose()
