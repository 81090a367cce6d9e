"""FSRS in plain floats and integer microseconds: each answer, each preview, each import replay.

``fsrs.Scheduler.review_card`` copies a ``Card`` and does datetime arithmetic per answer: about
70 µs, four times per card shown (the button intervals), and most of an import of 10^5
answers. :class:`FastFsrs` is the same update (fsrs 6: same formulas, evaluated in the same
order, so the floats are equal bit for bit) on a card held as a tuple, times as microseconds
since the epoch. Fuzz is fsrs's own (its ``FUZZ_RANGES``, the same ``random()`` stream), so a
seeded run gives the very same due dates. ``tests/apkg/test_fsrs_fast_replay.py`` and
``tests/study/test_fast_fsrs.py`` check it against ``fsrs.Scheduler``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from random import random
from typing import TYPE_CHECKING

from fsrs.scheduler import FUZZ_RANGES

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studyapp.deckfmt.apkg.model import AnkiReview

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
DAY_US = 86_400_000_000
LEARNING, REVIEWING, RELEARNING = 1, 2, 3
E = math.e

State = tuple[int, int | None, float | None, float | None, int | None, int | None]
"""``(state, step, stability, difficulty, due µs, last review µs)``; state 0 is new."""
NEW: State = (0, None, None, None, None, None)
Row = tuple[int, int, int, State, State]
"""``(answered at µs, rating, duration ms, state before, state after)``."""


def micros(at: datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact)."""
    return (at - EPOCH) // MICRO


def to_datetime(us: int | None) -> datetime | None:
    return None if us is None else EPOCH + timedelta(microseconds=us)


class FastFsrs:
    """The update of ``scheduler`` with its constants precomputed (fuzz when it fuzzes)."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.fuzz = scheduler.enable_fuzzing
        p = self.p = scheduler.parameters
        decay = -p[20]
        self.factor = 0.9 ** (1 / decay) - 1
        self.decay = decay
        self.interval_c = (scheduler.desired_retention ** (1 / decay)) - 1
        self.max_ivl = scheduler.maximum_interval
        self.easy_d = p[4] - (E ** (p[5] * (4 - 1))) + 1
        self.forget_short = E ** (p[17] * p[18])
        self.e8 = E ** p[8]
        # per rating (index 1-4): the terms of the short-term and difficulty updates
        self.short_e = (0.0, *(E ** (p[17] * (r - 3 + p[18])) for r in (1, 2, 3, 4)))
        self.minus_p19 = -p[19]
        self.delta = (0.0, *(-(p[6] * (r - 3)) for r in (1, 2, 3, 4)))
        self.reversion, self.keep = p[7] * self.easy_d, 1 - p[7]
        self.learn = _steps(scheduler.learning_steps)
        self.relearn = _steps(scheduler.relearning_steps)

    def replay(self, reviews: Sequence[AnkiReview]) -> tuple[State, list[Row], int]:
        """``(final state, answered rows, lapses)``; see :func:`history.replay` for which
        entries count (answers after the last reset). A replay is exact: never fuzzed."""
        if self.fuzz:
            raise ValueError("a replay rebuilds the history as it was: a fuzzing scheduler can't")
        # Anki's review kinds: here, not at the top, so answering never loads the package reader
        from studyapp.deckfmt.apkg.model import FILTERED, LEARN, MANUAL, RELEARN, REVIEW

        answer_kinds = frozenset({LEARN, REVIEW, RELEARN, FILTERED})
        start = 0
        for index in range(len(reviews) - 1, -1, -1):
            r = reviews[index]
            if r.kind == MANUAL and r.rating == 0 and r.factor == 0:
                start = index + 1
                break
        state: State = NEW
        rows: list[Row] = []
        lapses = 0
        for when, rating, kind, duration_ms, _interval, _factor in reviews[start:]:
            if not 1 <= rating <= 4 or kind not in answer_kinds:
                continue
            at = (when - EPOCH) // MICRO
            after = self.step(state, rating, at)
            if rating == 1 and state[0] == REVIEWING:
                lapses += 1
            rows.append((at, rating, duration_ms, state, after))
            state = after
        return state, rows, lapses

    def step(self, card: State, rating: int, at: int) -> State:
        """One ``review_card`` (the card new when ``card[0]`` is 0)."""
        kind, step, s, d, _due, last = card
        if kind == 0:
            kind, step = LEARNING, 0
        days = None if last is None else (at - last) // DAY_US
        if kind == REVIEWING:
            assert s is not None and d is not None
            if days is not None and days < 1:
                s = self._short(s, rating)
            else:
                s = self._stability(d, s, self._retrievability(s, days), rating)
            d = self._difficulty(d, rating)
            if rating == 1 and self.relearn:
                return (RELEARNING, 0, s, d, at + self.relearn[0], at)
            return (REVIEWING, None, s, d, at + self._days(s), at)
        steps = self.learn if kind == LEARNING else self.relearn
        if s is None or d is None:
            p = self.p
            s = max(p[rating - 1], 0.001)
            d = min(max(p[4] - (E ** (p[5] * (rating - 1))) + 1, 1.0), 10.0)
        elif days is not None and days < 1:
            s = self._short(s, rating)
            d = self._difficulty(d, rating)
        else:
            s = self._stability(d, s, self._retrievability(s, days), rating)
            d = self._difficulty(d, rating)
        assert step is not None
        if not steps or (step >= len(steps) and rating != 1):
            return (REVIEWING, None, s, d, at + self._days(s), at)
        if rating == 1:
            return (kind, 0, s, d, at + steps[0], at)
        if rating == 2:
            if step == 0 and len(steps) == 1:
                wait = _half_up(steps[0], 1.5)
            elif step == 0:
                wait = (timedelta(microseconds=steps[0] + steps[1]) / 2.0) // MICRO
            else:
                wait = steps[step]
            return (kind, step, s, d, at + wait, at)
        if rating == 3 and step + 1 != len(steps):
            return (kind, step + 1, s, d, at + steps[step + 1], at)
        return (REVIEWING, None, s, d, at + self._days(s), at)

    def _retrievability(self, s: float, days: int | None) -> float:
        elapsed = max(0, days or 0)
        return float((1 + self.factor * elapsed / s) ** self.decay)

    def _days(self, s: float) -> int:
        """The review interval for stability ``s`` (fuzzed when the scheduler fuzzes)."""
        days = int(min(max(round((s / self.factor) * self.interval_c), 1), self.max_ivl))
        if self.fuzz and days >= 2.5:
            days = self._fuzzed(days)
        return days * DAY_US

    def _fuzzed(self, days: int) -> int:
        """fsrs's ``_get_fuzzed_interval``: a random whole day within its fuzz range."""
        delta = 1.0
        for part in FUZZ_RANGES:
            delta += part["factor"] * max(min(float(days), part["end"]) - part["start"], 0.0)
        high = min(round(days + delta), self.max_ivl)
        low = min(max(2, round(days - delta)), high)
        return int(min(round((random() * (high - low + 1)) + low), self.max_ivl))

    def _short(self, s: float, rating: int) -> float:
        inc = self.short_e[rating] * (s**self.minus_p19)
        if rating != 1 and inc < 1.0:
            inc = 1.0
        out = s * inc
        return out if out > 0.001 else 0.001

    def _difficulty(self, d: float, rating: int) -> float:
        arg_2 = d + (10.0 - d) * self.delta[rating] / 9.0
        out = self.reversion + self.keep * arg_2
        return 1.0 if out < 1.0 else 10.0 if out > 10.0 else out

    def _stability(self, d: float, s: float, r: float, rating: int) -> float:
        p = self.p
        if rating == 1:
            long = p[11] * (d ** -p[12]) * (((s + 1) ** (p[13])) - 1) * (E ** ((1 - r) * p[14]))
            out = min(long, s / self.forget_short)
        else:
            hard = p[15] if rating == 2 else 1
            easy = p[16] if rating == 4 else 1
            out = s * (1 + self.e8 * (11 - d) * (s ** -p[9]) * ((E ** ((1 - r) * p[10])) - 1)
                       * hard * easy)  # fmt: skip
        return float(max(out, 0.001))


def _steps(steps: Sequence[timedelta]) -> tuple[int, ...]:
    return tuple(step // MICRO for step in steps)


def _half_up(us: int, times: float) -> int:
    return (timedelta(microseconds=us) * times) // MICRO
