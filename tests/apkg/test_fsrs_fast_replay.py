"""The fast FSRS replay equals fsrs.Scheduler answer by answer, on random review logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, RESCHEDULED, REVIEW
from studyapp.deckfmt.apkg.model import AnkiReview as R
from studyapp.study.fsrs_fast import FastFsrs, micros
from studyapp.study.history import default_scheduler, replay

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
KINDS = (LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED)
# gaps from a millisecond to a year: same-day (short-term) and long-term updates both happen
gaps = st.one_of(st.integers(1, 3_600_000), st.integers(3_600_000, 365 * 86_400_000))
entries = st.tuples(gaps, st.integers(0, 4), st.sampled_from(KINDS), st.sampled_from((0, 2500)))


def log(raw: list[tuple[int, int, int, int]]) -> list[R]:
    out, at = [], T0
    for gap, rating, kind, factor in raw:
        at += timedelta(milliseconds=gap)
        out.append(R(at, rating, kind, 1000, 1, factor))
    return out


def same(scheduler: Scheduler, reviews: list[R]) -> None:
    expected = replay(reviews, scheduler)
    state, rows, lapses = FastFsrs(scheduler).replay(reviews)
    assert lapses == expected.lapses and len(rows) == expected.reps
    for (at, rating, _ms, before, after), step in zip(rows, expected.reviews, strict=True):
        assert (at, rating) == (micros(step.review.at), step.review.rating)
        for fast, slow in ((before, step.before), (after, step.after)):
            due = None if slow.due is None else micros(slow.due)
            last = None if slow.last_review is None else micros(slow.last_review)
            assert fast == (slow.state, slow.step, slow.stability, slow.difficulty, due, last)
    if expected.reviews:
        assert state == rows[-1][4]


@settings(max_examples=300, deadline=None)
@given(st.lists(entries, max_size=25))
def test_fast_replay_equals_fsrs_scheduler(raw: list[tuple[int, int, int, int]]) -> None:
    same(default_scheduler(), log(raw))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(entries, max_size=15),
    st.floats(0.7, 0.97),
    st.lists(st.integers(1, 3600), max_size=3),
    st.lists(st.integers(1, 3600), max_size=2),
)
def test_other_retention_and_steps(
    raw: list[tuple[int, int, int, int]], retention: float, learn: list[int], relearn: list[int]
) -> None:  # fmt: skip
    scheduler = Scheduler(
        desired_retention=retention, enable_fuzzing=False,
        learning_steps=[timedelta(seconds=s) for s in learn],
        relearning_steps=[timedelta(seconds=s) for s in relearn],
    )  # fmt: skip
    same(scheduler, log(raw))


def test_a_fuzzing_scheduler_cannot_replay() -> None:
    try:
        FastFsrs(Scheduler(enable_fuzzing=True)).replay(log([(1000, 3, LEARN, 0)]))
    except ValueError:
        return
    raise AssertionError("a replay must be exact: no fuzz")
