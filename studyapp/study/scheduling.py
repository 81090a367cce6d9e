"""FSRS through the ``fsrs`` package: schedulers per deck settings, card conversions.

Only this module talks to ``fsrs`` for scheduling; FSRS itself is not reimplemented here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.store.rows import LEARNING, NEW, RELEARNING, REVIEW  # noqa: F401  (re-exported)
from studyapp.study.clock import aware, ensure_utc

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL_DAYS = 36500


@dataclass(frozen=True)
class CardState:
    """The scheduling part of a card, as stored."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None


@lru_cache(maxsize=64)
def scheduler(
    retention: float, parameters: tuple[float, ...] | None = None, fuzz: bool = True
) -> Scheduler:
    """The FSRS scheduler for a deck's desired retention and (optimised) parameters."""
    return Scheduler(
        parameters=DEFAULT_PARAMETERS if parameters is None else parameters,
        desired_retention=retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=fuzz,
    )


def to_fsrs(card_id: int, s: CardState, now: datetime) -> FsrsCard:
    """A stored card as an ``fsrs.Card`` (a new card is FSRS's Learning step 0 without memory)."""
    if s.state == NEW:
        return FsrsCard(card_id=card_id, state=State.Learning, step=0, due=ensure_utc(now))
    return FsrsCard(
        card_id=card_id,
        state=State(s.state),
        step=s.step,
        stability=s.stability,
        difficulty=s.difficulty,
        due=aware(s.due) or ensure_utc(now),
        last_review=aware(s.last_review),
    )


def from_fsrs(card: FsrsCard) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(
    sched: Scheduler, card_id: int, s: CardState, rating: int, now: datetime, duration_ms: int
) -> CardState:
    """The card's state after answering ``rating`` at ``now``."""
    card, _log = sched.review_card(
        to_fsrs(card_id, s, now), FsrsRating(rating), ensure_utc(now), duration_ms
    )
    return from_fsrs(card)


def preview(sched: Scheduler, card_id: int, s: CardState, now: datetime) -> dict[int, timedelta]:
    """Interval per rating 1-4, computed without fuzz."""
    plain = scheduler(sched.desired_retention, tuple(sched.parameters), False)
    when = ensure_utc(now)
    out = {}
    for rating in (1, 2, 3, 4):
        after = review(plain, card_id, s, rating, when, 0)
        assert after.due is not None
        out[rating] = after.due - when
    return out


def retrievability(sched: Scheduler, s: CardState, at: datetime) -> float | None:
    """Predicted recall probability at ``at`` (None for a card never reviewed)."""
    if s.state == NEW or s.stability is None or s.last_review is None:
        return None
    card = FsrsCard(
        card_id=0,
        state=State(s.state),
        step=s.step,
        stability=s.stability,
        difficulty=s.difficulty,
        due=aware(s.due),
        last_review=aware(s.last_review),
    )
    return float(sched.get_card_retrievability(card, ensure_utc(at)))


def params_tuple(values: Sequence[float] | None) -> tuple[float, ...] | None:
    return None if not values else tuple(float(v) for v in values)
