"""``runs.finish``: the one rule for a finished run (grade, store, log), in one transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models.base import Result, Verdict
from studyapp.study.service import Rating, StudyError, StudyService
from tests.study.conftest import NOW, make_deck


def result(answer: int | None = 1, status: str = "completed") -> Result:
    return Result(
        experiment="mode-collapse", params={"lr": 0.01}, seeds=[0], device="cpu",
        status=status, steps_done=10, verdict=Verdict(True, "collapsed"),  # type: ignore[arg-type]
        metrics={"loss": float("nan")}, history={"loss": [1.0, 0.5]}, answer=answer,
    )  # fmt: skip


def logs(db_path: Path) -> list[tuple[int, int, str, int]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT card_id, rating, kind, state_after FROM review_log ORDER BY id"
        ).fetchall()


@pytest.fixture
def card_id(service: StudyService) -> int:
    deck = service.imports.parsed(make_deck(2))
    return service.reviews.queue(deck.deck_id, NOW)[0]


@pytest.mark.parametrize(("choice", "correct", "rating"), [(1, True, 3), (0, False, 1)])
def test_a_graded_prediction_is_stored_and_logged_as_a_review(
    service: StudyService, db_path: Path, card_id: int, choice: int, correct: bool, rating: int
) -> None:
    before = service.cards.get(card_id)
    outcome = service.runs.finish(result(answer=1), card_id, choice, duration_ms=900)
    assert outcome.correct is correct
    assert outcome.review is not None and outcome.review.rating == Rating(rating)
    run = service.runs.get(outcome.run_id)
    graded = (run.card_id, run.prediction_choice, run.prediction_correct)
    assert graded == (card_id, choice, correct)
    assert run.metrics == {"loss": None} and run.history == {"loss": [1.0, 0.5]}
    assert logs(db_path) == [(card_id, rating, "prediction", 0)]
    after = service.cards.get(card_id)  # a prediction never reschedules the card
    assert (after.state, after.due, after.reps) == (before.state, before.due, before.reps)


@pytest.mark.parametrize(
    ("run", "choice"),
    [(result(), None), (result(answer=None), 1), (result(status="cancelled"), 1)],
    ids=["no prediction", "nothing measured", "cancelled"],
)
def test_nothing_to_grade_stores_the_run_only(
    service: StudyService, db_path: Path, card_id: int, run: Result, choice: int | None
) -> None:
    outcome = service.runs.finish(run, card_id, choice)
    assert outcome.correct is None and outcome.review is None
    assert service.runs.get(outcome.run_id).prediction_correct is None
    assert logs(db_path) == []


def test_without_a_card_the_run_is_graded_and_stored(service: StudyService, db_path: Path) -> None:
    outcome = service.runs.finish(result(), None, 1)
    assert outcome.correct is True and outcome.review is None
    assert service.runs.get(outcome.run_id).card_id is None and logs(db_path) == []


def test_one_transaction_and_nothing_half_stored(service: StudyService, card_id: int) -> None:
    statements: list[str] = []
    conn = service.ctx.database().sqlite()
    conn.set_trace_callback(statements.append)
    try:
        service.runs.finish(result(), card_id, 1)
    finally:
        conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    with pytest.raises(StudyError, match="no card"):
        service.runs.finish(result(), 999, 1)
    assert len(service.runs()) == 1  # the run of an unknown card was not stored
