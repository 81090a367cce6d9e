"""An import's replay equals answering the same history live, answer by answer, on random
review logs: one FSRS update (``Scheduler.step``) serves both; the replay only keeps times
as microseconds for the bulk insert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, RESCHEDULED, REVIEW
from studyapp.deckfmt.apkg.model import AnkiReview as R
from studyapp.study.clock import StudyDays
from studyapp.study.fsrs import NEW_CARD, CardState, Scheduler, micros
from studyapp.study.history import counted_answers, replay

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
KINDS = (LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED)
# gaps from a millisecond to a year: same-day (short-term) and long-term updates both happen
gaps = st.one_of(st.integers(1, 3_600_000), st.integers(3_600_000, 365 * 86_400_000))
entries = st.tuples(gaps, st.integers(0, 4), st.sampled_from(KINDS), st.sampled_from((0, 2500)))


def log(raw: list[tuple[int, int, int, int]]) -> list[R]:
    out, at = [], T0
    for gap, rating, kind, factor in raw:
        at += timedelta(milliseconds=gap)
        out.append(R(at, rating, kind, 1000, 3, factor))
    return out


def same(scheduler: Scheduler, reviews: list[R]) -> None:
    result = replay(reviews, scheduler, T0)
    counted = counted_answers(reviews)
    if counted is None:
        assert result.rows == [] and result.state == NEW_CARD
        return
    answers, complete = counted
    card = NEW_CARD if complete else CardState.of(result.rows[0][4])
    assert len(result.rows) == len(answers)
    for review, row in zip(answers[0 if complete else 1 :], result.rows[0 if complete else 1 :],
                           strict=True):  # fmt: skip
        after = scheduler.answer(card, review.rating, review.at)
        assert row[:2] == (micros(review.at), review.rating)
        assert row[3] == card.micros() and row[4] == after.micros()
        card = after
    assert result.state == card


@settings(max_examples=300, deadline=None)
@given(st.lists(entries, max_size=25), st.sampled_from((0, 4, 6)))
def test_replay_equals_live_answers(raw: list[tuple[int, int, int, int]], rollover: int) -> None:
    same(Scheduler(fuzz=False, days=StudyDays(rollover, UTC)), log(raw))


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
        None, retention, fuzz=False, days=StudyDays(4, UTC),
        learning_steps=[timedelta(minutes=s) for s in learn],
        relearning_steps=[timedelta(minutes=s) for s in relearn],
    )  # fmt: skip
    same(scheduler, log(raw))
