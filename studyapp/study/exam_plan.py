"""The exam plan: what each day's queue will offer until the exam, found by playing the days.

:func:`simulate` replays the days from now to the exam with the app's own rules: each day's
queue (reviews due before the day's end and the exam, lowest predicted recall first, within
the deck's review limit; then new cards within the new-card limit), each answer scheduled by
the deck's scheduler with the card's own fuzz seed and kept before the exam by
:func:`studyapp.study.exam.answer` (the rule the answers themselves go through). The student
it plays answers Good, and Again as often as this student has so far (:func:`again_rates`:
the deck's log, learning steps and reviews apart, starting from FSRS's own expectation
while the log is short): a running sum of that rate turns one answer in so many into an
Again, so the plan also holds the reviews that lapses bring back. Learning steps are passed
the day they come.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from studyapp.store import exam as store
from studyapp.store.rows import LEARNING, NEW, RELEARNING, REVIEW
from studyapp.study import exam
from studyapp.study.fsrs import NEW_CARD, CardState, fuzz_seed
from studyapp.study.views import ExamPlan, PlanDay

if TYPE_CHECKING:
    from studyapp.store.exam import ScheduleRow
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.exam import ExamWindow
    from studyapp.study.fsrs import Scheduler

DAY = timedelta(days=1)
STEP_GAP = timedelta(minutes=10)
"""How long after a learning step's due the played student answers it (at least)."""
BEFORE_EXAM = timedelta(minutes=30)
"""On exam day the played session ends this long before the exam."""
GOOD, AGAIN = 3, 1
MAX_STEPS = 6
"""Learning answers played per card and day before a Good is forced."""
PRIOR_ANSWERS = 10
"""How many answers FSRS's expectation weighs as, beside the deck's log."""
LEARNING_AGAIN = 0.1
"""The Again rate of learning steps assumed before the log says otherwise."""


@dataclass
class Played:
    """What :func:`simulate` found."""

    days: list[PlanDay]
    unseen_after: int
    """New cards still unseen after exam day's session."""
    late: int
    """Reviews due before the exam still not done after exam day's session."""
    new_total: int


class _Player:
    """The deck's cards while the days are played."""

    def __init__(
        self, rows: list[ScheduleRow], window: ExamWindow, sched: Scheduler,
        again: tuple[float, float],
    ) -> None:  # fmt: skip
        self.window, self.sched, self.again = window, sched, again
        self.debt = [0.0, 0.0]  # learning steps, reviews
        self.cards: dict[int, tuple[CardState, int]] = {}
        self.new: list[int] = []
        self.loads: Counter[date] = Counter()
        for row in rows:
            if row.state == NEW:
                self.new.append(row.id)
                continue
            state = CardState(
                row.state, row.step, row.stability, row.difficulty, row.due, row.last_review
            )
            self.cards[row.id] = (state, row.reps)
            self._load(state, +1)

    def _load(self, state: CardState, sign: int) -> None:
        if state.state == REVIEW and state.due is not None and state.due < self.window.exam_at:
            self.loads[self.window.days.day(state.due)] += sign

    def answer(self, card_id: int, rating: int, at: datetime) -> CardState:
        state, reps = self.cards.get(card_id, (NEW_CARD, 0))
        self._load(state, -1)
        after, _kept = exam.answer(
            self.sched, state, rating, at, fuzz_seed(card_id, reps), self.window,
            lambda: self.loads,
        )  # fmt: skip
        self.cards[card_id] = (after, reps + 1)
        self._load(after, +1)
        return after

    def rating(self, kind: int) -> int:
        """Again once the running sum of the Again rate of ``kind`` (0 learning, 1 reviews)
        reaches a half, else Good."""
        self.debt[kind] += self.again[kind]
        if self.debt[kind] >= 0.5:
            self.debt[kind] -= 1.0
            return AGAIN
        return GOOD

    def learn(self, card_id: int, at: datetime) -> None:
        """Pass the card's learning steps from ``at``."""
        for _ in range(MAX_STEPS):
            state = self.cards.get(card_id, (NEW_CARD, 0))[0]
            if state.state not in (NEW, LEARNING, RELEARNING):
                return
            due = state.due if state.due is not None and state.state != NEW else at
            at = max(at, due)
            self.answer(card_id, self.rating(0), at)
            at += STEP_GAP
        while self.cards[card_id][0].state != REVIEW:  # a run of Agains: Good at last
            self.answer(card_id, GOOD, at)
            at += STEP_GAP

    def review(self, card_id: int, at: datetime) -> None:
        rating = self.rating(1)
        self.answer(card_id, rating, at)
        if rating == AGAIN:
            self.learn(card_id, at + STEP_GAP)

    def due_reviews(self, until: datetime, at: datetime) -> list[int]:
        """Review cards due before ``until``, lowest predicted recall at ``at`` first."""
        pool = [
            (card_id, s.stability, s.last_review, s.due)
            for card_id, (s, _reps) in self.cards.items()
            if s.state == REVIEW and s.due is not None and s.due < until
        ]
        return [row[0] for row in exam.rank(pool, self.sched, at)]

    def learning_due(self, until: datetime) -> list[tuple[datetime, int]]:
        return sorted(
            (s.due, card_id)
            for card_id, (s, _reps) in self.cards.items()
            if s.state in (LEARNING, RELEARNING) and s.due is not None and s.due < until
        )


def simulate(
    rows: list[ScheduleRow], window: ExamWindow, sched: Scheduler, now: datetime,
    limits: tuple[int, int], done: tuple[int, int], again: tuple[float, float],
) -> Played:  # fmt: skip
    """Play each day from ``now`` through exam day. ``limits``: (new, reviews) a day;
    ``done``: (new, reviews) already answered today; ``again``: the Again rates of learning
    steps and of reviews."""
    days = window.days
    player = _Player(rows, window, sched, again)
    new_total = len(player.new)
    today = days.day(now)
    offset = now - days.start(today)
    out: list[PlanDay] = []
    day = today
    while day <= window.exam_day:
        at = now if day == today else days.start(day) + offset
        if day == window.exam_day:
            at = min(at, window.exam_at - BEFORE_EXAM)
        if day > today and at < days.start(day):
            out.append(PlanDay(day, 0, 0))  # an exam at the day's start: no session
            day += DAY
            continue
        until = window.cutoff(at)
        for _due, card_id in player.learning_due(until):
            player.learn(card_id, at)
        first = day == today
        reviews = player.due_reviews(until, at)[: max(0, limits[1] - (done[1] if first else 0))]
        for card_id in reviews:
            player.review(card_id, at)
        new_take = max(0, limits[0] - (done[0] if first else 0))
        new, player.new = player.new[:new_take], player.new[new_take:]
        for card_id in new:
            player.learn(card_id, at)
        out.append(PlanDay(day, len(reviews), len(new)))
        day += DAY
    late = sum(
        1
        for s, _reps in player.cards.values()
        if s.state == REVIEW and s.due is not None and s.due < window.exam_at
    )
    return Played(out, len(player.new), late, new_total)


def build(
    q: Query, deck: DeckRow, window: ExamWindow, sched: Scheduler, now: datetime,
    done: tuple[int, int],
) -> ExamPlan:  # fmt: skip
    """The deck's plan and figure at ``now`` (``done``: new cards and reviews answered today)."""
    figure = exam.figure(q, deck, window, sched, now)
    days_left = (window.exam_day - window.days.day(now)).days
    plan = ExamPlan(
        deck.id, deck.name, figure, days_left,
        review_limit=deck.review_limit, new_limit=deck.new_limit,
    )  # fmt: skip
    if not window.on(now) or not window.ahead_of(now):
        return plan
    limits = (deck.new_limit, deck.review_limit)
    again = again_rates(store.again_counts(q, deck.id), deck.desired_retention)
    rows = store.schedules(q, deck.id)

    played = simulate(rows, window, sched, now, limits, done, again)
    needed = limits[1]
    if played.late:  # the days played without a review limit: the load that needs one
        free = len(rows) + limits[1]
        unlimited = window._replace(review_limit=free)
        loose = simulate(rows, unlimited, sched, now, (limits[0], free), done, again)
        needed = max(limits[1] + 1, review_limit_needed(loose, done[1]))
    return plan._replace(
        days=tuple(played.days),
        unseen_after=played.unseen_after,
        late_reviews=played.late,
        problems=problems(played, deck, needed, done),
    )


def review_limit_needed(loose: Played, done: int) -> int:
    """The least daily review limit that takes the reviews of days played without one
    (``done``: today's answered), each review done on its day or later: the largest mean
    load of the days from any day to the exam."""
    loads = [day.reviews for day in loose.days]
    if not loads:
        return 0
    loads[0] += done
    return max(math.ceil(sum(loads[i:]) / (len(loads) - i)) for i in range(len(loads)))


def again_rates(counts: list[tuple[int, bool, int]], retention: float) -> tuple[float, float]:
    """How often this student answers Again: (learning steps, reviews), from the deck's log
    ``(state before, Again, answers)``, each starting from FSRS's expectation (a review
    fails ``1 - retention`` of the time; a learning step :data:`LEARNING_AGAIN`) weighed as
    :data:`PRIOR_ANSWERS` answers."""
    seen = [0, 0]
    failed = [0, 0]
    for state, again, n in counts:
        kind = 1 if state == REVIEW else 0
        seen[kind] += n
        failed[kind] += n if again else 0
    prior = (LEARNING_AGAIN, 1.0 - retention)
    rates = [(failed[k] + prior[k] * PRIOR_ANSWERS) / (seen[k] + PRIOR_ANSWERS) for k in (0, 1)]
    return rates[0], rates[1]


def problems(
    played: Played, deck: DeckRow, review_limit: int, done: tuple[int, int]
) -> tuple[str, ...]:
    """Why the plan can't be kept, each with the way out (``review_limit``: the least one
    that keeps it)."""
    out = []
    if played.unseen_after:
        needed = math.ceil((played.new_total + done[0]) / max(1, len(played.days)))
        out.append(
            f"{played.unseen_after} of the {played.new_total} new cards can't be seen before "
            f"the exam at {deck.new_limit} new a day: raise the new-card limit to {needed} "
            "a day"
        )
    if played.late:
        out.append(
            f"{played.late} reviews due before the exam don't fit under {deck.review_limit} "
            f"reviews a day: raise the review limit to {review_limit}, or review ahead when "
            "a day's queue is done"
        )
    return tuple(out)
