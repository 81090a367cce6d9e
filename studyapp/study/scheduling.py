"""FSRS for the study service: schedulers per deck settings, answers, previews, recall.

The ``fsrs`` package's ``Scheduler`` holds a deck's settings; answers and the four button
previews run through :class:`~studyapp.study.fsrs_fast.FastFsrs`, the same update in plain
floats (equal to ``Scheduler.review_card`` bit for bit, fuzz included), because they run
five times per card shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.store.rows import LEARNING, NEW, RELEARNING, REVIEW  # noqa: F401  (re-exported)
from studyapp.study.clock import aware, ensure_utc
from studyapp.study.fsrs_fast import NEW as FAST_NEW
from studyapp.study.fsrs_fast import FastFsrs, micros, to_datetime
from studyapp.study.fsrs_fast import State as FastState

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL_DAYS = 36500


class CardState(NamedTuple):
    """The scheduling part of a card, as stored (a tuple: made several times per answer)."""

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


_FAST: dict[int, tuple[Scheduler, FastFsrs]] = {}


def fast(sched: Scheduler) -> FastFsrs:
    """``sched``'s update in plain floats, kept per scheduler object (``Scheduler`` is not
    hashable; :func:`scheduler` caches them, so there are few)."""
    held = _FAST.get(id(sched))
    if held is None or held[0] is not sched:
        if len(_FAST) >= 64:
            _FAST.clear()
        held = _FAST[id(sched)] = (sched, FastFsrs(sched))
    return held[1]


def _fast_state(s: CardState) -> FastState:
    """A stored card as :class:`FastFsrs` holds it (a new card: no memory, whatever is stored)."""
    if s.state == NEW:
        return FAST_NEW
    last = aware(s.last_review)
    last_us = None if last is None else micros(last)
    return (s.state, s.step, s.stability, s.difficulty, None, last_us)


def review(
    sched: Scheduler, card_id: int, s: CardState, rating: int, now: datetime, duration_ms: int
) -> CardState:
    """The card's state after answering ``rating`` at ``now`` (``fsrs``'s ``review_card``)."""
    FsrsRating(rating)  # refuses a rating fsrs would refuse
    state, step, stability, difficulty, due, last = fast(sched).step(
        _fast_state(s), rating, micros(ensure_utc(now))
    )
    return CardState(state, step, stability, difficulty, to_datetime(due), to_datetime(last))


def preview(sched: Scheduler, card_id: int, s: CardState, now: datetime) -> dict[int, timedelta]:
    """Interval per rating 1-4, computed without fuzz."""
    plain = fast(scheduler(sched.desired_retention, tuple(sched.parameters), False))
    at = micros(ensure_utc(now))
    state = _fast_state(s)
    out = {}
    for rating in (1, 2, 3, 4):
        due = plain.step(state, rating, at)[4]
        assert due is not None
        out[rating] = timedelta(microseconds=due - at)
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
