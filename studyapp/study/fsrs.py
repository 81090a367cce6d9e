"""FSRS as Anki schedules it: a deck's scheduler and what each answer button gives.

:func:`deck_scheduler` is the one place that decides a deck's scheduler: the deck's FSRS
parameters (else the collection's, else FSRS's defaults), its desired retention, the learning
and relearning steps, the maximum interval, fuzz, and the study days that elapsed days are
counted in. Review, preview, exam, import replay and optimisation all use it.

:class:`Scheduler` is Anki's v3 scheduler with FSRS-6 (rslib ``scheduler/states``, fsrs-rs
``model.rs``): the memory update of each answer, with days elapsed counted from Anki's
``next_day_at`` (:class:`~studyapp.study.clock.StudyDays`), the learning steps, and the
interval each button gives (hard < good < easy; a review's interval not fuzzed below its
previous one). Fuzz is Anki's range; its draw comes from a seed fixed by the card and its
review count (card id + reps, as Anki seeds it), so :meth:`Scheduler.intervals` shows exactly
what :meth:`Scheduler.answer` gives. ``tests/study/test_anki_parity.py`` checks it against the
``anki`` package itself.

Times are integer microseconds inside (:data:`Micros`): a card is answered 5 times per card
shown (4 labels, 1 answer) and an import replays 10^5-10^6 answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from studyapp.store.rows import LEARNING, NEW, RELEARNING, REVIEW
from studyapp.study.clock import StudyDays

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow

DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
"""FSRS-6's defaults (fsrs-rs, Anki and the ``fsrs`` package ship these; a test checks)."""
DEFAULT_RETENTION = 0.9
"""A new deck's desired retention (Anki's default)."""
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL_DAYS = 36500
S_MIN, S_MAX = 0.001, 36500.0
"""fsrs-rs's bounds on stability (days)."""
DAY_US = 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
"""Anki's fuzz: 1 day, plus this factor of the interval's days in each range."""

Micros = tuple[int, int | None, float | None, float | None, int | None, int | None]
"""A :class:`CardState` with its times as integer microseconds since the epoch."""


class CardState(NamedTuple):
    """A card's scheduling state: ``state`` is NEW, LEARNING, REVIEW or RELEARNING; ``step``
    the (re)learning step; times aware UTC (a tuple: made several times per answer)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None

    def micros(self) -> Micros:
        due, last = self.due, self.last_review
        return (
            self.state, self.step, self.stability, self.difficulty,
            None if due is None else micros(due), None if last is None else micros(last),
        )  # fmt: skip

    @classmethod
    def of(cls, held: Micros) -> CardState:
        state, step, stability, difficulty, due, last = held
        return cls(state, step, stability, difficulty, to_datetime(due), to_datetime(last))


NEW_CARD = CardState(NEW, None, None, None, None, None)


def micros(at: datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact)."""
    return (at - EPOCH) // MICRO


def to_datetime(us: int | None) -> datetime | None:
    return None if us is None else EPOCH + timedelta(microseconds=us)


def fuzz_seed(card_id: int, reps: int) -> int:
    """The seed of a card's next fuzz: its id plus its review count before the answer (as
    Anki seeds it), so the label shown before an answer is what the answer gives."""
    return card_id + reps


def fuzz_factor(seed: int) -> float:
    """A number in [0, 1) fixed by ``seed`` (SplitMix64): where in its fuzz range an
    interval lands. The seed is the card's id plus its review count, as Anki seeds it."""
    mask = (1 << 64) - 1
    z = (seed + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return ((z ^ (z >> 31)) >> 11) / (1 << 53)


def _round(x: float) -> int:
    """Rust's ``f32::round`` for x >= 0 (half away from zero; Python's round is to even)."""
    return int(x + 0.5) if x > 0 else 0


def fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Anki's ``constrained_fuzz_bounds``: the days an ``interval`` may be fuzzed to."""
    minimum = minimum if minimum < maximum else maximum
    interval = minimum if interval < minimum else maximum if interval > maximum else interval
    delta = 0.0
    if interval >= 2.5:
        delta = 1.0
        for start, end, factor in FUZZ_RANGES:
            if interval <= start:
                break
            delta += factor * ((interval if interval < end else end) - start)
    lower, upper = int(interval - delta + 0.5), int(interval + delta + 0.5)  # Rust's round
    lower = minimum if lower < minimum else maximum if lower > maximum else lower
    upper = minimum if upper < minimum else maximum if upper > maximum else upper
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


class _Buttons:
    """What one card's four buttons share while they are worked out: the memory each rating
    gives, and a review's days for Hard, Good, ... found so far."""

    __slots__ = ("days", "memory")

    def __init__(self) -> None:
        self.memory: dict[int, tuple[float, float]] = {}
        self.days: list[int] = []


class Scheduler:
    """FSRS with one deck's settings (build it with :func:`deck_scheduler`); immutable."""

    __slots__ = (
        "_bonus",
        "_days_per_s",
        "_decay",
        "_delta",
        "_e8",
        "_factor",
        "_forget_cap",
        "_init_d",
        "_keep",
        "_learn",
        "_relearn",
        "_reversion",
        "_short",
        "_w",
        "days",
        "desired_retention",
        "fuzz",
        "learning_steps",
        "maximum_interval",
        "parameters",
        "relearning_steps",
    )  # fmt: skip

    def __init__(
        self, parameters: Sequence[float] | None = None,
        desired_retention: float = DEFAULT_RETENTION, *,
        learning_steps: Sequence[timedelta] = LEARNING_STEPS,
        relearning_steps: Sequence[timedelta] = RELEARNING_STEPS,
        maximum_interval: int = MAXIMUM_INTERVAL_DAYS, fuzz: bool = True,
        days: StudyDays | None = None,
    ) -> None:  # fmt: skip
        w = _full_parameters(parameters)
        if not 0 < desired_retention < 1:
            raise ValueError(f"desired retention must be between 0 and 1, got {desired_retention}")
        self.parameters, self.desired_retention = w, float(desired_retention)
        self.learning_steps, self.relearning_steps = tuple(learning_steps), tuple(relearning_steps)
        self.maximum_interval, self.fuzz = max(1, int(maximum_interval)), fuzz
        self.days = days if days is not None else StudyDays()
        self._w = w
        self._decay = decay = -w[20]
        self._factor = factor = 0.9 ** (1 / decay) - 1
        self._days_per_s = (self.desired_retention ** (1 / decay) - 1) / factor
        self._learn = tuple(s // timedelta(seconds=1) for s in self.learning_steps)
        self._relearn = tuple(s // timedelta(seconds=1) for s in self.relearning_steps)
        self._init_d = tuple(w[4] - math.exp(w[5] * (r - 1)) + 1 for r in range(5))
        self._reversion, self._keep = w[7] * self._init_d[4], 1 - w[7]
        self._short = tuple(math.exp(w[17] * (r - 3 + w[18])) for r in range(5))
        self._forget_cap = math.exp(w[17] * w[18])
        self._e8 = math.exp(w[8])
        self._delta = tuple(-w[6] * (r - 3) for r in range(5))
        self._bonus = (0.0, 0.0, w[15], 1.0, w[16])

    def with_parameters(self, parameters: Sequence[float] | None) -> Scheduler:
        """The same scheduler with other FSRS parameters (optimisation compares them)."""
        return Scheduler(
            parameters, self.desired_retention, learning_steps=self.learning_steps,
            relearning_steps=self.relearning_steps, maximum_interval=self.maximum_interval,
            fuzz=self.fuzz, days=self.days,
        )  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"Scheduler(retention={self.desired_retention}, fuzz={self.fuzz}, {self.days!r}, "
            f"parameters={self.parameters})"
        )

    # -- what the review screen asks ---------------------------------------------------------

    def answer(
        self, card: CardState, rating: int, now: datetime, seed: int | None = None
    ) -> CardState:
        """The card's state after ``rating`` (1 Again .. 4 Easy) at ``now`` (aware UTC);
        ``seed`` (card id + reps) draws the fuzz (None, or a scheduler without fuzz: none)."""
        now_us = micros(now)
        held = card.micros()
        elapsed = self.elapsed_days(held[5], now_us, micros(self.days.next_day_at(now)))
        return CardState.of(self.step(held, rating, now_us, elapsed, seed))

    def intervals(
        self, card: CardState, now: datetime, seed: int | None = None
    ) -> dict[int, timedelta]:
        """What each rating 1-4 gives (the new due date minus ``now``): :meth:`answer` itself,
        so a button's label is its interval. Exam mode caps these afterwards."""
        now_us = micros(now)
        held = card.micros()
        elapsed = self.elapsed_days(held[5], now_us, micros(self.days.next_day_at(now)))
        memo, out = _Buttons(), {}
        for rating in (1, 2, 3, 4):
            due = self.step(held, rating, now_us, elapsed, seed, memo)[4]
            assert due is not None
            out[rating] = timedelta(microseconds=due - now_us)
        return out

    def retrievability(self, card: CardState, at: datetime) -> float | None:
        """Predicted recall at ``at`` (None for a card never answered), days counted as the
        next answer would count them."""
        if card.state == NEW or card.stability is None or card.last_review is None:
            return None
        at_us = micros(at)
        next_day = micros(self.days.next_day_at(at))
        elapsed = self.elapsed_days(micros(card.last_review), at_us, next_day)
        return self.recall(card.stability, elapsed)

    # -- the update, on microseconds -------------------------------------------------------

    @staticmethod
    def elapsed_days(last: int | None, now: int, next_day: int) -> int:
        """Whole study days from ``last`` to ``now`` (µs), counted back from ``next_day``
        (any rollover moment: Anki's ``next_day_at``), in whole seconds as Anki counts them
        (an answer in the rollover's first second still counts in the day before); 0 for a
        card never answered."""
        if last is None:
            return 0
        last, now = last - last % 1_000_000, now - now % 1_000_000
        return max(0, (next_day - last) // DAY_US - (next_day - now) // DAY_US)

    def step(
        self, card: Micros, rating: int, now: int, elapsed: int, seed: int | None,
        memo: _Buttons | None = None,
    ) -> Micros:  # fmt: skip
        """One answer, the update behind :meth:`answer` and :meth:`intervals`: the card after
        ``rating`` at ``now`` (µs), ``elapsed`` study days after its last answer; ``seed``
        draws the fuzz (None: none); ``memo``: what one card's four buttons share."""
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4 (Again, Hard, Good, Easy), got {rating}")
        fuzz = fuzz_factor(seed) if self.fuzz and seed is not None else None
        kind, at_step, s, d, due, last = card
        stability, difficulty = self._memory(memo, s, d, rating, elapsed)
        if kind == REVIEW:
            if rating == 1 and self._relearn:
                return (RELEARNING, 0, stability, difficulty, now + self._relearn[0] * 1_000_000,
                        now)  # fmt: skip
            if rating == 1:  # no relearning steps: back to review, never fuzzed (as Anki)
                days = self._bounded(_round(self.interval(stability)), 1)
            else:
                previous = 0 if due is None or last is None else _round((due - last) / DAY_US)
                days = self._passing(s, d, rating, elapsed, previous, fuzz, memo, stability)
            return (REVIEW, None, stability, difficulty, now + days * DAY_US, now)
        steps = self._relearn if kind == RELEARNING else self._learn
        index = 0  # a new card starts at the first learning step; a stored step is kept in range
        if kind == NEW:
            kind = LEARNING
        elif steps and at_step:
            index = min(max(at_step, 0), len(steps) - 1)
        delay: int | None = None
        if rating == 1 and steps:
            delay, index = steps[0], 0
        elif rating == 2 and steps:
            delay = _hard_delay(steps, index)
        elif rating == 3 and index + 1 < len(steps):
            delay, index = steps[index + 1], index + 1
        if delay is not None:
            return (kind, index, stability, difficulty, now + delay * 1_000_000, now)
        rounded = int(stability * self._days_per_s + 0.5) or 1
        minimum = 1
        if rating == 4:  # at least a day past what Good gives
            good = self._memory(memo, s, d, 3, elapsed)[0]
            minimum = self._fuzzed(self.interval(good), 1, fuzz) + 1
        days = (
            self._bounded(rounded, minimum)
            if fuzz is None
            else self._fuzzed(rounded, minimum, fuzz)
        )
        return (REVIEW, None, stability, difficulty, now + days * DAY_US, now)

    def _memory(
        self, memo: _Buttons | None, s: float | None, d: float | None, rating: int, elapsed: int
    ) -> tuple[float, float]:
        """:meth:`memory`, kept in ``memo`` while the four buttons of one card are asked."""
        if memo is None:
            return self.memory(s, d, rating, elapsed)
        held = memo.memory.get(rating)
        if held is None:
            held = memo.memory[rating] = self.memory(s, d, rating, elapsed)
        return held

    def memory(
        self, s: float | None, d: float | None, rating: int, elapsed: int
    ) -> tuple[float, float]:
        """fsrs-rs's ``step``: (stability, difficulty) after ``rating``, ``elapsed`` days after
        the last answer (0: a same-day, short-term update); a card without memory starts.
        (Clamps as comparisons, not min/max calls: an import runs this 10^5-10^6 times.)"""
        w = self._w
        if s is None or d is None:
            s, d = w[rating - 1], self._init_d[rating]
        else:
            if not S_MIN <= s <= S_MAX:
                s = S_MIN if s < S_MIN else S_MAX
            if not 1.0 <= d <= 10.0:
                d = 1.0 if d < 1.0 else 10.0
            if elapsed == 0:
                grow = self._short[rating] * s ** -w[19]
                if rating == 1 or grow > 1.0:
                    s *= grow
            else:
                r = (1 + self._factor * elapsed / s) ** self._decay
                if rating == 1:
                    low = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
                    cap = s / self._forget_cap
                    s = low if low < cap else cap
                else:
                    s *= 1 + (self._e8 * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1)
                              * self._bonus[rating])  # fmt: skip
            d = self._reversion + self._keep * (d + self._delta[rating] * (10 - d) / 9)
        s = S_MIN if s < S_MIN else S_MAX if s > S_MAX else s
        return s, (1.0 if d < 1.0 else 10.0 if d > 10.0 else d)

    def recall(self, stability: float, elapsed: float) -> float:
        """FSRS-6's forgetting curve: recall probability ``elapsed`` days after an answer."""
        return float((1 + self._factor * elapsed / stability) ** self._decay)

    def interval(self, stability: float) -> float:
        """Days until recall falls to the desired retention (before rounding and fuzz)."""
        return stability * self._days_per_s

    def _passing(
        self, s: float | None, d: float | None, rating: int, elapsed: int, previous: int,
        fuzz: float | None, memo: _Buttons | None, stability: float,
    ) -> int:  # fmt: skip
        """A review's Hard, Good or Easy days: each at least a day past the one before,
        and (within its fuzz range) not below the previous interval (Anki's
        ``button_intervals`` with ``minimum_review_fuzz_interval``)."""
        days = 0
        for r in range(2, rating + 1):
            if memo is not None and len(memo.days) > r - 2:
                days = memo.days[r - 2]
                continue
            held = stability if r == rating else self._memory(memo, s, d, r, elapsed)[0]
            ivl = held * self._days_per_s
            rounded = int(ivl + 0.5)  # Rust's round (ivl > 0)
            if rounded > previous:
                keep = previous + 1
            elif previous <= fuzz_bounds(ivl, 1, self.maximum_interval)[1]:
                keep = previous  # a longer interval: fuzz may not bring it below the last
            else:
                keep = 0  # a shorter one (other parameters or retention): no floor
            floor = keep if keep > days else days + 1
            days = self._bounded(rounded, floor) if fuzz is None else self._fuzzed(ivl, floor, fuzz)
            if memo is not None:
                memo.days.append(days)
        return days

    def _fuzzed(self, interval: float, minimum: int, fuzz: float | None) -> int:
        """Anki's ``with_review_fuzz``: whole days within [minimum, maximum interval]."""
        if fuzz is None:
            return self._bounded(_round(interval), minimum)
        maximum = self.maximum_interval
        lower, upper = fuzz_bounds(interval, min(max(minimum, 1), maximum), maximum)
        return int(lower + fuzz * (1 + upper - lower))

    def _bounded(self, days: int, minimum: int) -> int:
        """``days`` within [minimum (at least 1), maximum interval]."""
        maximum = self.maximum_interval
        floor = 1 if minimum < 1 else maximum if minimum > maximum else minimum
        return floor if days < floor else maximum if days > maximum else days


def _hard_delay(steps: tuple[int, ...], index: int) -> int:
    """Anki's Hard delay (seconds): the step itself, but on the first step the mean of the
    first two (or 1.5x a single one, at most a day more); over a day, whole days."""
    if index > 0:
        return steps[index]
    secs = (
        (steps[0] + steps[1]) // 2 if len(steps) > 1 else min(steps[0] * 3 // 2, steps[0] + 86400)
    )
    return _round(secs / 86400) * 86400 if secs > 86400 else secs


def _full_parameters(values: Sequence[float] | None) -> tuple[float, ...]:
    """21 FSRS-6 parameters; FSRS-5's 19 gain FSRS-5's fixed w19 = 0 and decay 0.5."""
    if not values:
        return DEFAULT_PARAMETERS
    w = tuple(float(v) for v in values)
    if len(w) == 19:
        w = (*w, 0.0, 0.5)
    if len(w) != 21 or not all(math.isfinite(v) for v in w):
        raise ValueError(f"FSRS needs 21 finite parameters (or FSRS-5's 19), got {len(w)}")
    return w


@lru_cache(maxsize=64)
def scheduler(
    parameters: tuple[float, ...] | None, desired_retention: float, *, fuzz: bool = True,
    days: StudyDays | None = None,
) -> Scheduler:  # fmt: skip
    """A scheduler for these settings with the app's steps and maximum interval (cached)."""
    return Scheduler(parameters, desired_retention, fuzz=fuzz, days=days)


def deck_parameters(
    deck: DeckRow | None, collection_parameters: tuple[float, ...] | None
) -> tuple[float, ...] | None:
    """A deck's FSRS parameters: its own optimised ones, else the collection's (None: FSRS's
    defaults). ``deck`` None: the collection's."""
    return (deck.fsrs_parameters if deck is not None else None) or collection_parameters


def deck_scheduler(
    deck: DeckRow | None, collection_parameters: tuple[float, ...] | None, *, fuzz: bool,
    days: StudyDays,
) -> Scheduler:  # fmt: skip
    """THE rule: a deck's scheduler. Its :func:`deck_parameters`; its desired retention; the
    app's learning steps (1 min, 10 min), relearning step (10 min) and maximum interval;
    ``fuzz``; elapsed days counted in ``days`` (the app's rollover and time zone, or an
    imported collection's). ``deck`` None: the collection's (what ``optimize`` fits for
    every deck without its own parameters; retention :data:`DEFAULT_RETENTION`)."""
    parameters = deck_parameters(deck, collection_parameters)
    retention = deck.desired_retention if deck is not None else DEFAULT_RETENTION
    return scheduler(parameters, retention, fuzz=fuzz, days=days)
