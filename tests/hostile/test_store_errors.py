"""Databases that can't be used say why in one line (issue 12, items 11-13).

A healthy database in a read-only folder or file system, on a full disk, or with its
``-wal``/``-shm`` files gone is never called corrupt; a missing table or column, a read-only
``STUDYAPP_HOME`` and out of memory are one line naming the file and what to do (exit 1, no
SQL, no traceback); the app on a damaged database shows the error instead of waiting; a
refused migration leaves the file byte for byte as it was (no switch to WAL).

Read-only and full file systems are real ones: a small tmpfs mounted in a private mount
namespace (``unshare -m``); those tests are skipped where that isn't allowed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.store.errors import StoreError, explain
from studyapp.study.service import StudyService

ROOT = Path(__file__).resolve().parents[2]


def deck(n: int = 3) -> ParsedDeck:
    cards = [ParsedCard(f"Question {i}?", f"Answer {i}", 2 * i + 1) for i in range(n)]
    return ParsedDeck("Hostile", "deck", "hostile.txt", cards)


def make_db(path: Path) -> Path:
    with StudyService.open(str(path)) as service:
        service.imports.parsed(deck())
    return path


def cli(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "STUDYAPP_HOME": str(home), "STUDYAPP_DECKS": str(home / "none")}
    environ.pop("STUDYAPP_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env={**environ, **(env or {})},
    )  # fmt: skip


def one_clean_line(done: subprocess.CompletedProcess, *words: str) -> str:
    """The error is one line on stderr, exit 1, with ``words`` and without SQL or a traceback."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert "Traceback" not in line and "SELECT" not in line and "[SQL" not in line
    for word in words:
        assert word in line, (word, line)
    return line


# -- in a private mount namespace: real read-only and full file systems ----------------------

MOUNT = shutil.which("unshare") is not None and sys.platform.startswith("linux")


def in_tmpfs(tmp_path: Path, script: str, size: str = "4m") -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with a fresh tmpfs of ``size`` at ``$M``; skip where not allowed."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {mount}"],
        capture_output=True,
    )
    if not MOUNT or probe.returncode != 0:
        pytest.skip("needs a private mount namespace (unshare -m, root or user namespaces)")
    env = {
        **os.environ, "M": str(mount), "PY": sys.executable, "STUDYAPP_HOME": str(home),
        "STUDYAPP_DECKS": str(home / "none"),
    }  # fmt: skip
    env.pop("STUDYAPP_DB", None)
    body = f'mount -t tmpfs -o size={size} tmpfs "$M" && {script}'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", body],
        capture_output=True, text=True, timeout=180, cwd=ROOT, env=env,
    )  # fmt: skip


MAKE_DB = (
    '"$PY" -c "import sys; from tests.hostile.test_store_errors import make_db; '
    'from pathlib import Path; make_db(Path(sys.argv[1]))" "$M/study.db"'
)


def test_read_only_folder_is_not_called_corrupt(tmp_path: Path) -> None:
    """A clean WAL database (no -wal/-shm left) on a read-only file system."""
    done = in_tmpfs(
        tmp_path,
        f'{MAKE_DB} && mount -o remount,ro "$M" && "$PY" -m studyapp --db "$M/study.db" stats',
    )
    line = one_clean_line(done, "study.db", "-wal")
    assert "corrupt" not in line and ("read-only" in line or "writable" in line)


def test_read_only_folder_with_wal_files_is_said_read_only(tmp_path: Path) -> None:
    """The -wal and -shm files are there (a killed app): still "read-only", not corrupt."""
    keep_wal = (
        '"$PY" -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);'
        " c.execute('PRAGMA wal_autocheckpoint=0'); c.execute('UPDATE deck SET new_limit=21');"
        ' c.commit(); import os; os._exit(0)" "$M/study.db"'
    )
    done = in_tmpfs(
        tmp_path,
        f'{MAKE_DB} && {keep_wal} && ls "$M" >&2 && mount -o remount,ro "$M" && '
        '"$PY" -m studyapp --db "$M/study.db" stats 2>&1 >/dev/null | tail -1 >&2; exit 1',
    )
    assert "study.db-wal" in done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert "read-only" in line and "corrupt" not in line and "study.db" in line


def test_full_disk_is_said_as_such(tmp_path: Path) -> None:
    fill = 'dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null; sync'
    deck_file = tmp_path / "home" / "big.txt"
    done = in_tmpfs(
        tmp_path,
        f'{MAKE_DB} && "$PY" -c "'
        "import sys; open(sys.argv[1], 'w').write(''.join("
        "f'Q: Question number {i} ' + 'x' * 200 + '?\\nA: answer\\n\\n' for i in range(3000)))\""
        f' "{deck_file}" && {fill}; "$PY" -m studyapp --db "$M/study.db" import "{deck_file}"',
        size="1m",
    )
    line = one_clean_line(done, "study.db")
    assert "disk is full" in line or "full" in line, line
    assert "corrupt" not in line


# -- damaged databases ------------------------------------------------------------------------


def test_missing_table_is_one_line_and_refused_at_open(tmp_path: Path) -> None:
    db = make_db(tmp_path / "study.db")
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE review_log")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="review_log") as caught:
        StudyService.open(str(db))
    assert "\n" not in str(caught.value) and str(db) in str(caught.value)
    line = one_clean_line(cli("--db", str(db), "stats", home=tmp_path), "review_log", str(db))
    assert "restore a backup" in line
    assert db.read_bytes() == before


def test_missing_column_is_one_line_without_sql(tmp_path: Path) -> None:
    db = make_db(tmp_path / "study.db")
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE deck DROP COLUMN exam_date")
    with StudyService.open(str(db)) as service, pytest.raises(StoreError) as caught:
        service.decks()
    message = str(caught.value)
    assert "\n" not in message and "exam_date" in message and "SELECT" not in message
    one_clean_line(cli("--db", str(db), "stats", home=tmp_path), "exam_date", str(db))


def test_disk_full_inside_a_write_is_a_store_error(tmp_path: Path) -> None:
    """SQLite's own "disk is full" (a page limit stands in for the disk) becomes one line."""
    db = make_db(tmp_path / "study.db")
    with StudyService.open(str(db)) as service:
        with service.db.locked() as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count={pages}")
        big = ParsedDeck("Big", "deck", "big.txt", [
            ParsedCard(f"Q{i} " + "x" * 500, "A", i + 1) for i in range(500)
        ])  # fmt: skip
        with pytest.raises(StoreError, match="disk is full") as caught:
            service.imports.parsed(big)
        assert str(db) in str(caught.value) and "corrupt" not in str(caught.value)
        assert [d.name for d in service.decks()] == ["Hostile"]  # nothing half-written


def test_driver_errors_are_explained(tmp_path: Path) -> None:
    db = make_db(tmp_path / "study.db")
    ro = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as readonly:
        ro.execute("UPDATE deck SET new_limit = 1")
    ro.close()
    assert "read-only" in str(explain("x.db", readonly.value))
    with pytest.raises(sqlite3.Error) as cantopen:
        sqlite3.connect(tmp_path / "no" / "such" / "dir" / "x.db")
    assert "cannot open" in str(explain("x.db", cantopen.value))
    assert "-wal" in str(explain("x.db", cantopen.value, wal_missing=True))
    one, two = sqlite3.connect(db, timeout=0), sqlite3.connect(db, timeout=0)
    one.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.Error) as locked:
        two.execute("BEGIN IMMEDIATE")
    one.rollback()
    one.close()
    two.close()
    assert "database is locked" in str(explain("x.db", locked.value))  # retried on by imports


def test_refused_migration_leaves_the_file_untouched(tmp_path: Path) -> None:
    """A v2 file whose migration fails: refused before the file is switched to WAL."""
    db = make_db(tmp_path / "study.db")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("UPDATE studyapp_meta SET value = '2' WHERE key = 'schema_version'")
    before = db.read_bytes()
    assert before[18:20] == b"\x01\x01"  # rollback journal, not WAL
    with pytest.raises(StoreError) as caught:  # v3 adds a column the file already has
        StudyService.open(str(db))
    assert "\n" not in str(caught.value) and str(db) in str(caught.value)
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists()


# -- the command line and the app -------------------------------------------------------------


def test_read_only_home_is_one_line(tmp_path: Path) -> None:
    """``STUDYAPP_HOME`` on a read-only file system: the folder that can't be made, named."""
    done = in_tmpfs(
        tmp_path,
        'mount -o remount,ro "$M" && STUDYAPP_HOME="$M/home" "$PY" -m studyapp stats',
    )
    line = one_clean_line(done, "/home")
    assert "read-only" in line and "STUDYAPP_HOME" in line


def test_out_of_memory_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import studyapp.cli.stats as stats
    from studyapp.cli import main

    def exhausted(_args: object) -> int:
        raise MemoryError

    monkeypatch.setattr(stats, "run", exhausted)
    assert main(["stats"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "out of memory" in err[0]


def test_exit_codes_are_documented() -> None:
    from studyapp.cli import build_parser

    text = build_parser(commands=False).format_help()
    assert "exit status" in text
    for code in ("0", "1", "2", "70", "130"):
        assert f"\n  {code} " in text


APP = r"""
import sys, time
from functools import partial
from studyapp.ui.app import StudyApp, open_service

async def drive(pilot):
    app = pilot.app
    deadline = time.monotonic() + 20
    while app.startup_error is None and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await pilot.pause(0.1)
    shown = [str(n.message) for n in app._notifications]
    app.exit((app.startup_error, shown))

app = StudyApp(partial(open_service, sys.argv[1]), sync_decks=False)
app.run(headless=True, size=(80, 24), auto_pilot=drive)
print(repr(app.return_value))
"""


def test_app_on_a_damaged_database_shows_the_error(tmp_path: Path) -> None:
    db = make_db(tmp_path / "study.db")
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE card")
    done = subprocess.run(
        [sys.executable, "-c", APP, str(db)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    error, shown = eval(done.stdout.strip().splitlines()[-1])  # our own repr
    assert error is not None and "card" in error and str(db) in error
    assert any("card" in message for message in shown)
