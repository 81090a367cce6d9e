"""FSRS state rebuilt from an Anki review log (:func:`studyapp.study.history.replay`): which
entries count, as Anki's ``compute_memory_state`` counts them, and the deck's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, RESCHEDULED, REVIEW
from studyapp.deckfmt.apkg.model import AnkiReview as R
from studyapp.study.clock import StudyDays
from studyapp.study.fsrs import DEFAULT_PARAMETERS, NEW, Scheduler
from studyapp.study.history import replay

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)
SCHED = Scheduler(fuzz=False, days=StudyDays(4, UTC))


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


FIVE = [R(at(0), 3, LEARN, 5000, 1), R(at(1), 3, REVIEW, 4000, 3), R(at(4), 3, REVIEW, 3000, 9),
        R(at(13), 4, REVIEW, 2000, 30), R(at(43), 3, REVIEW, 2000, 80)]  # fmt: skip


def test_five_reviews_make_a_review_card_with_memory() -> None:
    result = replay(FIVE, SCHED)
    assert result.reps == 5 and result.lapses == 0 and result.skipped == 0
    state = result.state
    assert state.state == 2 and state.last_review == at(43)
    assert state.stability is not None and state.stability > 30
    assert state.due is not None and state.due > at(43) + timedelta(days=30)
    assert result.rows[0][3][0] == NEW  # each logged step starts where the previous one ended
    for previous, current in zip(result.rows, result.rows[1:], strict=False):
        assert current[3] == previous[4]


def test_manual_rescheduled_and_cram_entries_are_skipped() -> None:
    noisy = [*FIVE[:2], R(at(2), 0, MANUAL, 0, 20, factor=2500),
             R(at(3), 0, RESCHEDULED, 0, 30, factor=2500),
             R(at(3.5), 3, FILTERED, 1000, 0, factor=0), *FIVE[2:]]  # fmt: skip
    result = replay(noisy, SCHED)
    assert result.reps == 5 and result.skipped == 3
    assert result.state == replay(FIVE, SCHED).state


def test_forget_resets_the_card() -> None:
    forgotten = [*FIVE, R(at(50), 0, MANUAL, 0, 0, factor=0)]
    result = replay(forgotten, SCHED)
    assert result.state.state == NEW and result.reps == 0 and result.skipped == 6
    relearned = replay([*forgotten, R(at(51), 3, LEARN, 1000, 1)], SCHED)
    assert relearned.reps == 1 and relearned.state.stability == DEFAULT_PARAMETERS[2]


def test_lapses_and_rescheduling_filtered_answers_count() -> None:
    history = [*FIVE, R(at(130), 1, REVIEW, 1000, -600), R(at(130.01), 3, RELEARN, 1000, 2),
               R(at(131), 3, FILTERED, 1000, 4, factor=2500)]  # fmt: skip
    result = replay(history, SCHED)
    assert result.reps == 8 and result.lapses == 1
    assert result.state.state == 2


def test_a_truncated_log_starts_from_sm2s_memory() -> None:
    """No learning answers (the log was cut): the first answer's ease and interval give the
    memory, as Anki's ``memory_state_from_sm2`` (stability = interval at 90% recall)."""
    truncated = [R(at(0), 3, REVIEW, 1000, 20, factor=2500), R(at(20), 3, REVIEW, 1000, 50)]
    result = replay(truncated, SCHED)
    first = result.rows[0][4]
    assert first[2] == pytest.approx(20.0) and first[0] == 2
    assert result.reps == 2 and result.state.stability is not None
    assert result.state.stability > 20


def test_no_usable_answer_leaves_the_card_new() -> None:
    result = replay([R(at(0), 0, MANUAL, 0, 5, factor=2500)], SCHED)
    assert result.state.state == NEW and result.state.due is None and result.rows == []


def test_the_decks_retention_and_parameters_decide() -> None:
    """The control for the import: another retention moves the due date (not the memory);
    other parameters change the memory."""
    default = replay(FIVE, SCHED).state
    lower = replay(FIVE, Scheduler(None, 0.8, fuzz=False, days=SCHED.days)).state
    assert lower.stability == default.stability and lower.due != default.due
    other = tuple(v * 1.1 for v in DEFAULT_PARAMETERS)
    assert replay(FIVE, SCHED.with_parameters(other)).state.stability != default.stability
