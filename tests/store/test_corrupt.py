"""A corrupt or foreign database file: one clear message, and the file is never modified."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.store.errors import StoreError
from studyapp.study.service import StudyService


def garbage(path: Path) -> Path:
    path.write_bytes(b"this is not a database\n" * 200)
    return path


def foreign(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    return path


def damaged(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page after the header
    path.write_bytes(bytes(data))
    return path


def damaged_pages(path: Path) -> Path:
    """A studyapp-looking database whose schema reads fine but whose data pages are broken."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE studyapp_meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO studyapp_meta VALUES ('schema_version', '2')")
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("y" * 300,)] * 100)
    data = bytearray(path.read_bytes())
    data[3 * 4096 + 10 : 3 * 4096 + 2000] = b"\x07" * 1990
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (garbage, "not a SQLite database"),
        (foreign, "not a studyapp database"),
        (damaged, "corrupt"),
        (damaged_pages, "corrupt"),
    ],
)
def test_bad_file_is_refused_and_untouched(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path / "bad.db")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(StoreError, match=message) as caught:
        StudyService.open(str(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(os.listdir(tmp_path)) == ["bad.db"]  # no -wal/-shm/journal left behind


def test_cli_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = garbage(tmp_path / "bad.db")
    before = path.read_bytes()
    env = {**os.environ, "STUDYAPP_DB": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "stats"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studyapp: error:") and str(path) in lines[0]
    assert "Traceback" not in done.stderr and path.read_bytes() == before
