"""Killing the app mid-experiment leaves no process behind (issue 12, item 6).

The real app runs on a pseudo-terminal; keys open a card's experiment and start a run in
the experiment process. The app's descendants (that process and multiprocessing's resource
tracker) are noted, the app is killed with SIGKILL (and, in a second case, SIGTERM), and
every one of them must be gone within 2 s, not left running under PID 1.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path

import pytest

from studyapp.deckfmt.model import ParsedCard, ParsedDeck
from tests.ui.conftest import open_service
from tests.ui.test_sigkill import Terminal

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc"
)

GONE_WITHIN_S = 2.0


def children_of() -> dict[int, list[int]]:
    """``ppid -> [pid]`` for every process now."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> dict[int, str]:
    """``pid -> command line`` of every process below ``pid``."""
    tree = children_of()
    found: dict[int, str] = {}
    todo = list(tree.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        todo += tree.get(child, [])
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    service = open_service(path)
    card = ParsedCard(
        front="What is mode collapse?",
        back="The generator covers few modes.",
        line=1,
        experiments=["mode-collapse"],
    )
    service.imports.parsed(
        ParsedDeck(name="GANs", format="deck", source="tests/gans.txt", cards=[card])
    )
    service.close()
    return path


def start_app_with_a_run(db: Path, tmp_path: Path) -> tuple[Terminal, int, dict[int, str]]:
    """The app training an experiment, under a shell that holds the terminal (as in real
    use: the app is not the session leader, so its death hangs up no one). Returns the
    terminal, the app's pid and its descendants."""
    (tmp_path / "decks").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "STUDYAPP_HOME": str(tmp_path / "home"),
        "STUDYAPP_DECKS": str(tmp_path / "decks"),
        "STUDYAPP_RUN_BACKEND": "process",
        "TERM": "xterm-256color",
    }
    env.pop("STUDYAPP_DB", None)
    app = shlex.join([sys.executable, "-m", "studyapp", "--db", str(db)])
    shell = Terminal(["/bin/sh", "-c", f"{app}; sleep 60"], env)
    shell.wait_for_text("answered · ")
    (app_pid,) = [pid for pid, cmd in descendants(shell.pid).items() if "-m studyapp" in cmd]
    shell.press("\r")  # review the deck
    shell.wait_for_text("Reveal")
    shell.press("x")  # its card's experiment
    shell.wait_for_text("s starts the run")
    shell.press("s")  # warned: no prediction
    time.sleep(0.3)
    shell.press("s")  # run without one
    shell.wait_for_text("steps/s")
    found = descendants(app_pid)
    assert any("multiprocessing" in cmd for cmd in found.values()), found
    return shell, app_pid, found


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_app_mid_run_leaves_no_process(
    db: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    shell, app_pid, found = start_app_with_a_run(db, tmp_path)
    try:
        assert all(alive(pid) for pid in found)
        os.kill(app_pid, sig)
        killed_at = time.monotonic()
        while alive(app_pid) and time.monotonic() - killed_at < 10:
            time.sleep(0.02)
        killed_at = time.monotonic()
        while any(alive(pid) for pid in found) and time.monotonic() - killed_at < GONE_WITHIN_S:
            time.sleep(0.05)
        left = {pid: cmd for pid, cmd in found.items() if alive(pid)}
    finally:
        shell.kill()
    for pid in left:  # not left to the next test either
        os.kill(pid, signal.SIGKILL)
    assert not alive(app_pid)
    assert not left, f"still running {GONE_WITHIN_S} s after {sig.name}: {left}"
