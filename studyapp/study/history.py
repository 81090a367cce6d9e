"""A card's FSRS state rebuilt from its Anki review log, as Anki's ``compute_memory_state``.

Pure: no database. Which entries count is Anki's rule (rslib ``scheduler/fsrs/params.rs``,
``reviews_for_fsrs``, and ``memory_state.rs``): the history starts at the card's last run of
learning answers (a card "forgotten" and learnt again starts over); without one it starts at the
first answer after a reset, from the memory SM-2 left (its ease and interval: the log was
truncated). Manual and rescheduled entries ("set due date", reset), answers of 0 and cram
answers in a filtered deck that does not reschedule (factor 0) change no memory and are
skipped. Each remaining answer goes through the deck's :class:`~studyapp.study.fsrs.Scheduler`
(its parameters and retention) with the days between answers counted as Anki counts them:
study days of the collection's rollover hour in the user's time zone, back from one
``next_day_at`` (Again at 03:43, Good at 04:13 the next day: 2 days).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RESCHEDULED, AnkiReview
from studyapp.store.rows import REVIEW
from studyapp.study.clock import utc_now
from studyapp.study.fsrs import (
    DAY_US,
    EPOCH,
    MICRO,
    NEW_CARD,
    S_MIN,
    CardState,
    Micros,
    Scheduler,
    micros,
)

NEW_MICROS: Micros = NEW_CARD.micros()
SM2_RETENTION = 0.9
"""Anki's default "historical retention": the recall SM-2 was assumed to give."""
ReplayRow = tuple[int, int, int, Micros, Micros]
"""One replayed answer: (answered at µs, rating, duration ms, state before, state after)."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The outcome: the card's state now, its replayed answers, lapses, skipped entries."""

    final: Micros
    rows: list[ReplayRow]
    lapses: int
    skipped: int
    """Entries that change no memory (manual, rescheduled, ease 0, cram) or came before."""

    @property
    def reps(self) -> int:
        return len(self.rows)

    @property
    def state(self) -> CardState:
        return CardState.of(self.final)


def replay(
    reviews: Sequence[AnkiReview], scheduler: Scheduler, now: datetime | None = None
) -> Replay:
    """Replay ``reviews`` (oldest first) from a new card; days are counted back from the
    scheduler's ``next_day_at(now)``, as Anki computes memory states at ``now``."""
    counted = counted_answers(reviews)
    if counted is None:
        return Replay(NEW_MICROS, [], 0, len(reviews))
    answers, complete = counted
    next_day = micros(scheduler.days.next_day_at(now or utc_now()))
    state, rows, lapses = NEW_MICROS, [], 0
    if not complete:  # truncated: the first answer leaves the memory SM-2 had
        first = answers.pop(0)
        at = micros(first.at)
        state = _from_sm2(scheduler, reviews, at)
        rows.append((at, first.rating, max(0, first.duration_ms), NEW_MICROS, state))
    step, elapsed = scheduler.step, scheduler.elapsed_days
    for review in answers:
        at, rating = (review.at - EPOCH) // MICRO, review.rating
        after = step(state, rating, at, elapsed(state[5], at, next_day), None)
        if rating == 1 and state[0] == REVIEW:
            lapses += 1
        rows.append((at, rating, max(0, review.duration_ms), state, after))
        state = after
    return Replay(state, rows, lapses, len(reviews) - len(rows))


def counted_answers(entries: Sequence[AnkiReview]) -> tuple[list[AnkiReview], bool] | None:
    """The answers Anki's FSRS counts, and whether they start at learning (``complete``;
    otherwise the first one starts from SM-2's memory); None when none count."""
    first_learn = first_answer = None
    complete = False
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.kind == FILTERED and entry.factor == 0:
            continue  # cram
        answered = 1 <= entry.rating <= 4
        if answered:
            first_answer = index
        if answered and entry.kind == LEARN:
            first_learn, complete = index, True
        elif first_learn is not None:
            break
        elif entry.kind == MANUAL and entry.factor == 0:  # reset ("forget")
            if first_answer is None:
                return None
            break
    start = first_learn if first_learn is not None else first_answer
    if start is None:
        return None
    kept = [
        e for e in entries[start:]
        if 1 <= e.rating <= 4 and e.kind not in (MANUAL, RESCHEDULED)
        and not (e.kind == FILTERED and e.factor == 0)
    ]  # fmt: skip
    return (kept, complete) if kept else None


def _from_sm2(scheduler: Scheduler, entries: Sequence[AnkiReview], at: int) -> Micros:
    """fsrs-rs's ``memory_state_from_sm2`` from the log's first answer (its ease and
    interval), as a review card answered at ``at``."""
    first = next(e for e in entries if 1 <= e.rating <= 4)
    ease = (first.factor or 2500) / 1000
    interval = max(first.interval, 1)
    w = scheduler.parameters
    stability = max(interval, S_MIN) * _days_ratio(scheduler)
    difficulty = 11 - (ease - 1) / (
        math.exp(w[8]) * stability ** -w[9] * math.expm1((1 - SM2_RETENTION) * w[10])
    )
    difficulty = min(max(difficulty, 1.0), 10.0)
    if ease <= 1.1:  # a log FSRS wrote: its factor holds the difficulty
        difficulty = (ease - 0.1) * 9 + 1
    return (REVIEW, None, stability, difficulty, at + interval * DAY_US, at)


def _days_ratio(scheduler: Scheduler) -> float:
    """Stability per day of an interval SM-2 gave (its recall :data:`SM2_RETENTION`)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return factor / (SM2_RETENTION ** (1 / decay) - 1)
