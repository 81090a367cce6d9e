"""Answers and previews (``scheduling.review``/``preview``, on the fast FSRS update) equal
``fsrs.Scheduler.review_card``, fuzz included, answer by answer over random sessions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.study import scheduling
from studyapp.study.scheduling import CardState

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
gaps = st.one_of(st.integers(1, 7_200), st.integers(7_200, 400 * 86_400))  # seconds
answers = st.lists(st.tuples(gaps, st.integers(1, 4)), min_size=1, max_size=20)


def stored(card: Card | None) -> CardState:
    if card is None:
        return CardState(scheduling.NEW, None, None, None, None, None)
    return CardState(
        int(card.state), card.step, card.stability, card.difficulty, card.due, card.last_review
    )


def fsrs_card(card: Card | None, now: datetime) -> Card:
    if card is None:
        return Card(card_id=1, state=State.Learning, step=0, due=now)
    return card


@settings(max_examples=200, deadline=None)
@given(answers, st.sampled_from((0.8, 0.9, 0.95)), st.integers(0, 2**32 - 1))
def test_answers_equal_fsrs_with_fuzz(
    session: list[tuple[int, int]], retention: float, seed: int
) -> None:
    sched = scheduling.scheduler(retention, None, True)
    slow: Card | None = None
    now = T0
    for gap, rating in session:
        now += timedelta(seconds=gap)
        random.seed(seed)
        expected, _ = sched.review_card(fsrs_card(slow, now), Rating(rating), now, 0)
        random.seed(seed)
        got = scheduling.review(sched, 1, stored(slow), rating, now, 0)
        assert got == stored(expected)
        seed = (seed * 31 + 7) % 2**32
        slow = expected


@settings(max_examples=100, deadline=None)
@given(answers, st.sampled_from((0.85, 0.9)))
def test_previews_equal_fsrs_without_fuzz(session: list[tuple[int, int]], retention: float) -> None:
    sched = scheduling.scheduler(retention, None, True)
    plain = Scheduler(
        desired_retention=retention, learning_steps=scheduling.LEARNING_STEPS,
        relearning_steps=scheduling.RELEARNING_STEPS,
        maximum_interval=scheduling.MAXIMUM_INTERVAL_DAYS, enable_fuzzing=False,
    )  # fmt: skip
    card: Card | None = None
    now = T0
    for gap, rating in session:
        now += timedelta(seconds=gap)
        preview = scheduling.preview(sched, 1, stored(card), now)
        for r in (1, 2, 3, 4):
            after, _ = plain.review_card(fsrs_card(card, now), Rating(r), now, 0)
            assert preview[r] == after.due - now
        card, _ = plain.review_card(fsrs_card(card, now), Rating(rating), now, 0)


def test_fuzz_spreads_long_intervals() -> None:
    """The control: with fuzz on, one long interval lands on several days (not one)."""
    sched = scheduling.scheduler(0.9, None, True)
    state = CardState(scheduling.REVIEW, None, 60.0, 5.0, T0, T0 - timedelta(days=60))
    dues = {scheduling.review(sched, 1, state, 3, T0, 0).due for _ in range(50)}
    assert len(dues) > 3


def test_a_bad_rating_is_refused() -> None:
    sched = scheduling.scheduler(0.9, None, True)
    state = CardState(scheduling.NEW, None, None, None, None, None)
    try:
        scheduling.review(sched, 1, state, 5, T0, 0)
    except ValueError:
        return
    raise AssertionError("rating 5 was accepted")
