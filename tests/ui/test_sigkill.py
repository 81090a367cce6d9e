"""The real app on a pseudo-terminal, answered by keys, then killed with SIGKILL mid-session:
every answer given before the kill is in the database."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import sqlite3
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.ui.conftest import open_service, test_deck

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")
TIMEOUT_S = 60.0


class Terminal:
    """The app in a child process on a pty; a thread drains its output."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = os.forkpty()
        if pid == 0:  # child: size the terminal, then become the app
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def text(self) -> str:
        with self._lock:
            raw = self.output.decode("utf-8", "replace")
        return ANSI.sub("", raw)

    def wait_for_text(self, needle: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while needle not in self.text():
            if time.monotonic() > deadline:
                tail = self.text()[-2000:]
                raise AssertionError(f"{needle!r} never appeared; screen tail:\n{tail}")
            time.sleep(0.05)

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def kill(self) -> int:
        os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return status


def answers(db: Path) -> list[tuple[int, int]]:
    """``(card_id, rating)`` of the review answers, read by a separate plain connection."""
    from studyapp.store.rows import REVIEW_LOG

    table = REVIEW_LOG.name
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            f"SELECT card_id, rating FROM {table} WHERE kind = 'review' ORDER BY id"
        ).fetchall()
    return [(int(card), int(rating)) for card, rating in rows]


def wait_for_answers(db: Path, count: int) -> list[tuple[int, int]]:
    deadline = time.monotonic() + TIMEOUT_S
    while len(rows := answers(db)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} answers expected in the database, found {rows}")
        time.sleep(0.05)
    return rows


def test_sigkill_mid_session_loses_no_answer(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    service = open_service(db)
    service.imports.parsed(test_deck())
    service.close()
    (tmp_path / "decks").mkdir()
    env = {
        **os.environ,
        "STUDYAPP_HOME": str(tmp_path / "home"),
        "STUDYAPP_DECKS": str(tmp_path / "decks"),
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
    }
    env.pop("STUDYAPP_DB", None)
    app = Terminal([sys.executable, "-m", "studyapp", "--db", str(db)], env)
    try:
        app.wait_for_text("answered · ")  # the service opened and home lists the deck
        app.press("\r")  # review the selected deck
        app.wait_for_text("Reveal")
        given: list[int] = []
        for rating in (3, 1, 4, 3):
            app.press(" ")  # reveal
            time.sleep(0.1)
            app.press(str(rating))
            given.append(rating)
            rows = wait_for_answers(db, len(given))
            assert [r for _, r in rows] == given
        app.press(" ")
        app.press("2")  # one more answer, killed while it may still be in flight
    finally:
        status = app.kill()
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    rows = answers(db)
    assert [r for _, r in rows[:4]] == given  # nothing answered before the kill was lost
    assert len(rows) in (4, 5) and len({card for card, _ in rows}) == len(rows)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reopened = open_service(db)
    try:
        assert reopened.stats().reviews_total == len(rows)
    finally:
        reopened.close()
