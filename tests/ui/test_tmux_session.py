"""The real app in tmux at 80x24, driven by keys as a student would (issue 11's bar):
suspend then undo restores that card, unsuspended; after answers that leave learning cards,
home, ``studyapp stats`` and ``studyapp stats --json`` give the same three counts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.study.service import StudyService

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

TIMEOUT_S = 60.0
DECK = """\
deck: Tmux deck

Q: What does the KL term in a VAE do?
A: Pulls q(z|x) toward the prior.

Q: What is mode collapse?
A: G covers few modes.

Q: Why clip a WGAN critic?
A: To keep it K-Lipschitz.

Q: What is the reparameterization trick?
A: z = mu + sigma * eps.
"""


class Tmux:
    """One detached tmux session running a command at 80x24."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.env = env
        shell = " ".join(_quote(part) for part in command)
        self._tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            found = re.search(pattern, self.screen())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never showed:\n{self.screen()}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], env=self.env, capture_output=True)


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return app_env(tmp_path, DECK)


def app_env(tmp_path: Path, deck: str) -> dict[str, str]:
    """The environment of an app in tmux with ``deck`` its one bundled deck, every folder
    (home, config, decks, the tmux server's) in ``tmp_path``."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tmux.deck.txt").write_text(deck, encoding="utf-8")
    env = dict(os.environ)
    env.pop("STUDYAPP_DB", None)
    env.pop("TMUX", None)
    env.update(
        STUDYAPP_HOME=str(tmp_path / "home"),
        STUDYAPP_DECKS=str(decks),
        STUDYAPP_CONFIG=str(tmp_path / "config"),
        TMUX_TMPDIR=str(tmp_path),  # a tmux server of the test's own
        TERM="xterm-256color",
    )
    return env


@pytest.fixture
def app(tmp_path: Path, env: dict[str, str]) -> Iterator[Tmux]:
    db = tmp_path / "study.db"
    session = Tmux(
        f"studyapp-{os.getpid()}", [sys.executable, "-m", "studyapp", "--db", str(db)], env
    )
    try:
        yield session
    finally:
        session.kill()


def _fronts(db: Path) -> dict[str, int]:
    service = StudyService.open(str(db))
    try:
        return {card.front: card.id for card in service.cards.browse()}
    finally:
        service.close()


def _card(db: Path, card_id: int) -> tuple[bool, str]:
    service = StudyService.open(str(db))
    try:
        card = service.cards.get(card_id)
        return card.suspended, card.state
    finally:
        service.close()


def _cli(env: dict[str, str], db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_suspend_then_undo_and_counts_agree(app: Tmux, env: dict[str, str], tmp_path: Path):
    db = tmp_path / "study.db"
    app.wait_for(r"Today: 0 answered")
    app.keys("Enter")  # review the only deck
    app.wait_for(r"4 new · 0 learning · 0 due")
    app.keys("Space")
    app.wait_for(r"3 Good")
    app.keys("3")  # Good on a new card: a learning card due later today
    app.wait_for(r"3 new · 1 learning · 0 due")
    fronts = _fronts(db)
    shown = next(front for front in fronts if front in app.screen())
    app.keys("s")
    app.wait_for(r"Suspended")
    assert _card(db, fronts[shown])[0], "s suspends the card on screen"
    app.keys("u")
    app.wait_for(r"(?i)undid|undone")
    screen = app.screen()
    assert shown in screen, f"undo brings the suspended card back:\n{screen}"
    assert "Tmux deck" in screen
    assert not _card(db, fronts[shown])[0], "undo unsuspends it"

    app.keys("Escape")
    home = app.wait_for(r"Today: 1 answered · (\d+) new · (\d+) learning · (\d+) due")
    home_counts = tuple(int(n) for n in home.groups())
    app.keys("C-q")
    time.sleep(0.5)

    report = json.loads(_cli(env, db, "stats", "--json"))
    (deck,) = [d for d in report["decks"] if d["name"] == "Tmux deck"]
    json_counts = (deck["new"], deck["learning"], deck["due"])
    text = _cli(env, db, "stats")
    row = next(line for line in text.splitlines() if line.startswith("Tmux deck"))
    text_counts = tuple(int(n) for n in row.split()[2:5])
    assert home_counts == json_counts == text_counts == (3, 1, 0), (home_counts, text)
