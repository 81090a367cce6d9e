"""The payoff in the real app at 80x24 (tmux), as a student gets it: ``studyapp review`` on a
card linked to kl-term, ``x``, a prediction, ``s``; when the run ends the verdict word and
"your prediction was right/wrong" are on the visible screen. The same for mode-collapse,
whose verdict is the longest. The deck asks for short runs (``steps=``) to keep this quick:
the layout, not the verdict, is under test."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.test_tmux_session import Tmux, app_env

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

DECK = """\
deck: Payoff deck

Q: What does the KL term in a VAE do?
A: Pulls q(z|x) toward the prior.
experiments: kl-term(steps=60)

Q: What is mode collapse?
A: The generator covers few modes.
experiments: mode-collapse(steps=40)
"""
VERDICT = r"\b(PASSED|FAILED)  \S"
GRADED = r"[✓✗] your prediction was (right|wrong)"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Tmux]:
    env = app_env(tmp_path, DECK)
    db = str(tmp_path / "study.db")
    session = Tmux(f"payoff-{os.getpid()}", [sys.executable, "-m", "studyapp", "--db", db], env)
    try:
        yield session
    finally:
        session.kill()


def run_from_card(app: Tmux, experiment: str) -> str:
    """``x`` on the card, the first choice predicted, ``s``; the screen when the run ends."""
    app.wait_for(f"Experiment: {experiment}")
    app.keys("x")
    app.wait_for(r"Predict: ")
    app.keys("Enter", "s")  # the highlighted (first) choice
    app.wait_for(r"completed: \d+ steps in [\d.]+ s")
    app.wait_for(GRADED)
    return app.screen()


def test_verdict_and_grade_show_at_80x24_when_the_run_ends(app: Tmux) -> None:
    app.wait_for(r"Today: 0 answered")
    app.keys("Enter")
    for experiment in ("kl-term", "mode-collapse"):
        screen = run_from_card(app, experiment)
        lines = screen.splitlines()  # one capture: the visible 80x24, no scrolling
        assert any(re.search(VERDICT, line) for line in lines), screen
        assert re.search(GRADED, screen), screen
        assert "(4: the numbers)" in screen, screen
        app.keys("Escape")  # back to the review: the next card
        app.wait_for(r"space Reveal")
        app.keys("Space")
        app.wait_for(r"3 Good")
        app.keys("3")
