"""The deck scheduler (:mod:`studyapp.study.fsrs`): its rule, Anki's day counting, the memory
update against the ``fsrs`` package, labels equal to answers, seeded fuzz."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, State
from fsrs import Scheduler as PyFsrs
from fsrs.scheduler import DEFAULT_PARAMETERS as PY_FSRS_DEFAULTS
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.store.rows import DeckRow
from studyapp.study.clock import StudyDays
from studyapp.study.fsrs import (
    DEFAULT_PARAMETERS,
    LEARNING,
    LEARNING_STEPS,
    NEW_CARD,
    RELEARNING,
    RELEARNING_STEPS,
    REVIEW,
    CardState,
    Scheduler,
    deck_scheduler,
    fuzz_seed,
)

T0 = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
UTC_DAYS = StudyDays(0, UTC)
"""Study days of UTC calendar days: whole 24 h gaps are whole study days (as the fsrs package
counts them)."""


def test_default_parameters_are_fsrs_defaults() -> None:
    assert tuple(PY_FSRS_DEFAULTS) == DEFAULT_PARAMETERS


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 4)), min_size=1, max_size=25),
       st.sampled_from((0.8, 0.9, 0.95)))  # fmt: skip
def test_memory_equals_the_fsrs_package(answers: list[tuple[int, int]], retention: float) -> None:
    """Answers whole days apart (or the same day): the ``fsrs`` package counts those days as
    Anki does, so stability and difficulty agree answer by answer."""
    ours = Scheduler(None, retention, fuzz=False, days=UTC_DAYS)
    theirs = PyFsrs(desired_retention=retention, learning_steps=LEARNING_STEPS,
                    relearning_steps=RELEARNING_STEPS, enable_fuzzing=False)  # fmt: skip
    card, other = NEW_CARD, Card(card_id=1, state=State.Learning, step=0, due=T0)
    now = T0
    for index, (gap, rating) in enumerate(answers):
        now += timedelta(days=gap, seconds=1 if index else 0)
        card = ours.answer(card, rating, now)
        other, _ = theirs.review_card(other, Rating(rating), now)
        assert card.stability == pytest.approx(other.stability, rel=1e-9)
        assert card.difficulty == pytest.approx(other.difficulty, rel=1e-9)


def test_elapsed_days_are_counted_by_the_rollover() -> None:
    """Again at 03:43, Good at 04:13 the next day: two study days (Anki's count), not one."""
    again = datetime(2025, 3, 4, 3, 43, tzinfo=UTC)
    good = datetime(2025, 3, 5, 4, 13, tzinfo=UTC)

    def elapsed(days: StudyDays) -> int:
        sched = Scheduler(fuzz=False, days=days)
        return sched.elapsed_days(_us(again), _us(good), _us(days.next_day_at(good)))

    assert elapsed(StudyDays(4, UTC)) == 2
    assert elapsed(StudyDays(0, UTC)) == 1
    assert elapsed(StudyDays(4, timezone(timedelta(hours=2)))) == 1  # 05:43 and 06:13 local
    card = Scheduler(fuzz=False, days=StudyDays(4, UTC)).answer(NEW_CARD, 1, again)
    two = Scheduler(fuzz=False, days=StudyDays(4, UTC)).answer(card, 3, good)
    one = Scheduler(fuzz=False, days=StudyDays(0, UTC)).answer(card, 3, good)
    assert two.stability != one.stability  # the memory update uses the days counted


def _random_card(rng: random.Random, now: datetime) -> CardState:
    kind = rng.choice((0, LEARNING, REVIEW, REVIEW, RELEARNING))
    if kind == 0:
        return NEW_CARD
    stability, difficulty = rng.uniform(0.1, 400), rng.uniform(1, 10)
    last = now - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 1439))
    if kind == REVIEW:
        due = last + timedelta(days=rng.randint(1, 300))
        return CardState(REVIEW, None, stability, difficulty, due, last)
    step = rng.randint(0, 1) if kind == LEARNING else 0
    return CardState(kind, step, stability, difficulty, last + timedelta(minutes=10), last)


def test_each_label_is_the_interval_its_answer_gives() -> None:
    rng = random.Random(4)
    sched = Scheduler(fuzz=True, days=UTC_DAYS)
    for case in range(500):
        card = _random_card(rng, T0)
        seed = fuzz_seed(case, rng.randint(0, 50))
        labels = sched.intervals(card, T0, seed)
        for rating in (1, 2, 3, 4):
            due = sched.answer(card, rating, T0, seed).due
            assert due is not None and labels[rating] == due - T0
        if card.state == REVIEW:
            assert labels[2] < labels[3] < labels[4]


def test_fuzz_is_fixed_by_the_seed_and_spreads_over_seeds() -> None:
    """The control: another seed (card, review count) lands elsewhere in the fuzz range;
    the same seed always on the same day."""
    sched = Scheduler(fuzz=True, days=UTC_DAYS)
    card = CardState(REVIEW, None, 60.0, 5.0, T0, T0 - timedelta(days=60))
    dues = {sched.answer(card, 3, T0, seed).due for seed in range(50)}
    assert len(dues) > 3
    assert len({sched.answer(card, 3, T0, 7).due for _ in range(5)}) == 1
    plain = Scheduler(fuzz=False, days=UTC_DAYS)
    assert len({plain.answer(card, 3, T0, seed).due for seed in range(20)}) == 1


def test_a_bad_rating_is_refused() -> None:
    with pytest.raises(ValueError):
        Scheduler().answer(NEW_CARD, 5, T0)


def _deck(retention: float, parameters: tuple[float, ...] | None) -> DeckRow:
    return DeckRow(1, "user/d.txt", "D", desired_retention=retention, fsrs_parameters=parameters)


def test_deck_scheduler_is_the_decks_settings() -> None:
    own = tuple(v * 1.01 for v in DEFAULT_PARAMETERS)
    collection = tuple(v * 0.99 for v in DEFAULT_PARAMETERS)
    days = StudyDays(4, UTC)
    sched = deck_scheduler(_deck(0.8, own), collection, fuzz=False, days=days)
    assert sched.parameters == own and sched.desired_retention == 0.8 and sched.days == days
    assert deck_scheduler(_deck(0.9, None), collection, fuzz=True, days=days).parameters == (
        collection
    )
    default = deck_scheduler(_deck(0.9, None), None, fuzz=True, days=days)
    assert default.parameters == DEFAULT_PARAMETERS and default.fuzz
    assert deck_scheduler(None, collection, fuzz=False, days=days).parameters == collection


def _us(at: datetime) -> int:
    return (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
