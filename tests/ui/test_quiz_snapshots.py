"""Snapshots of the quiz at 80x24: a typed answer graded right, wrong and unsure (the
student's call), and four long options of a multiple-choice question, each read whole.

Update after an intended visual change with ``pytest tests/ui/test_quiz_snapshots.py
--snapshot-update`` and review the SVGs in ``tests/ui/__snapshots__``.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from studyapp.deckfmt.model import ParsedCard, ParsedDeck
from studyapp.study.service import StudyService
from studyapp.study.views import QuizQuestion
from studyapp.ui.app import StudyApp
from studyapp.ui.screens.quiz import QuizScreen
from tests.ui.conftest import Clock, open_service, ready, settle

SIZE = (80, 24)
TWO = "\u2022 Variational autoencoders\n\u2022 Generative adversarial networks"
COLLAPSE = "The generator produces only a few types of outputs instead of a diverse range."
TYPED = {
    "right": ("What are the two generative models? (2)", TWO, "VAEs and GANs"),
    "wrong": (
        "What does the generator do when mode collapse occurs in min-max loss?",
        COLLAPSE,
        "it produces a diverse range of outputs",
    ),
    "unsure": ("What input does a generator work on?", "Randomly sampled noise.",
               "random gaussian noise"),
}  # fmt: skip
LONG = [
    ("In min-max loss, what is the problem of unbalanced updates?",
     "min-max loss requires generator and discriminator be trained alternately that can lead "
     "to unbalanced updates, causing one dominating the other => instability."),
    ("In min-max loss, what is mode collapse?",
     "a situation when the discriminator is too effective, causing generator to focus on "
     "producing only a few types of outputs rather than a diverse range of outputs."),
    ("What are the problems of min-max loss? (4)",
     "\u2022 vanishing gradients\n\u2022 mode collapse\n\u2022 unbalanced updates\n"
     "\u2022 convergence: training may oscillate instead of settling at an equilibrium"),
    ("In min-max loss, what is the problem of vanishing gradients?",
     "If the discriminator is too good, the generator's loss saturates and its gradients "
     "vanish, so the generator stops learning early in training."),
]  # fmt: skip


@pytest.fixture
def service(db_path, clock) -> StudyService:  # type: ignore[no-untyped-def]
    """One deck per snapshot: a card for each typed outcome, four long answers to choose."""
    svc = open_service(db_path, clock)
    for outcome, (front, back, _typed) in TYPED.items():
        card = ParsedCard(front, back, line=1)
        svc.imports.parsed(ParsedDeck(f"Typed {outcome}", "deck", f"t/{outcome}.txt", [card]))
    cards = [ParsedCard(f, b, line=2 * i + 1) for i, (f, b) in enumerate(LONG)]
    svc.imports.parsed(ParsedDeck("Long options", "deck", "t/long.txt", cards))
    return svc


def make_app(service: StudyService, clock: Clock) -> StudyApp:
    return StudyApp(lambda: service, clock=clock, sync_decks=False)


def quiz_of(deck: str, mode: str, *keys: str):  # type: ignore[no-untyped-def]
    """Open a one-question quiz of ``deck`` and press ``keys``."""

    async def run(pilot: Pilot[None]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, StudyApp)
        deck_id = next(d.id for d in app.service.decks() if d.name == deck)
        await app.push_screen(QuizScreen(deck_id, mode, n=1, seed=0))
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


@pytest.mark.parametrize("outcome", ["right", "wrong", "unsure"])
def test_typed(snap_compare, service, clock, outcome: str) -> None:  # type: ignore[no-untyped-def]
    front, back, typed = TYPED[outcome]
    question = QuizQuestion(0, front, back, "typed")
    assert service.quiz.grade(question, typed).outcome == outcome  # the premise
    run = quiz_of(f"Typed {outcome}", "typed", *typed, "enter")
    assert snap_compare(make_app(service, clock), terminal_size=SIZE, run_before=run)


def test_choice_with_long_options(snap_compare, service, clock) -> None:  # type: ignore[no-untyped-def]
    run = quiz_of("Long options", "choice", "2")
    assert snap_compare(make_app(service, clock), terminal_size=SIZE, run_before=run)
