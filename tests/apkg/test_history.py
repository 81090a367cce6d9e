"""FSRS state rebuilt from an Anki review log: replayed with fsrs at the answers' own times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, RESCHEDULED, REVIEW
from studyapp.deckfmt.apkg.model import AnkiReview as R
from studyapp.study.history import NEW, replay

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


FIVE = [R(at(0), 3, LEARN, 5000, 1), R(at(1), 3, REVIEW, 4000, 3), R(at(4), 3, REVIEW, 3000, 9),
        R(at(13), 4, REVIEW, 2000, 30), R(at(43), 3, REVIEW, 2000, 80)]  # fmt: skip


def test_five_reviews_make_a_review_card_with_memory() -> None:
    result = replay(FIVE)
    assert result.reps == 5 and result.lapses == 0 and result.skipped == 0
    assert result.state.state == int(State.Review)
    assert result.state.last_review == at(43)
    assert result.state.stability is not None and result.state.stability > 30
    assert result.state.due is not None and result.state.due > at(43) + timedelta(days=30)
    # each logged step starts where the previous one ended
    assert result.reviews[0].before.state == NEW
    for previous, current in zip(result.reviews, result.reviews[1:], strict=False):
        assert current.before == previous.after


def test_replay_matches_fsrs_answering_at_the_same_times() -> None:
    sched = Scheduler(enable_fuzzing=False)
    card = Card(state=State.Learning, step=0, due=T0)
    for review in FIVE:
        card, _ = sched.review_card(card, Rating(review.rating), review.at)
    result = replay(FIVE, sched)
    assert result.state.stability == card.stability
    assert result.state.difficulty == card.difficulty
    assert result.state.due == card.due


def test_manual_and_rescheduled_entries_are_skipped() -> None:
    noisy = [*FIVE[:2], R(at(2), 0, MANUAL, 0, 20, factor=2500),
             R(at(3), 0, RESCHEDULED, 0, 30, factor=2500), *FIVE[2:]]  # fmt: skip
    result = replay(noisy)
    assert result.reps == 5 and result.skipped == 2
    assert result.state == replay(FIVE).state


def test_forget_resets_the_card() -> None:
    forgotten = [*FIVE, R(at(50), 0, MANUAL, 0, 0, factor=0)]
    result = replay(forgotten)
    assert result.state.state == NEW and result.reps == 0 and result.skipped == 6
    relearned = replay([*forgotten, R(at(51), 3, LEARN, 1000, 1)])
    assert relearned.reps == 1 and relearned.state.stability != replay(FIVE).state.stability


def test_lapses_and_filtered_answers_count() -> None:
    history = [*FIVE, R(at(130), 1, REVIEW, 1000, -600), R(at(130.01), 3, RELEARN, 1000, 2),
               R(at(131), 3, FILTERED, 1000, 4)]  # fmt: skip
    result = replay(history)
    assert result.reps == 8 and result.lapses == 1
    assert result.state.state == int(State.Review)


def test_no_usable_answer_leaves_the_card_new() -> None:
    result = replay([R(at(0), 0, MANUAL, 0, 5, factor=2500)])
    assert result.state.state == NEW and result.state.due is None and result.reviews == []
