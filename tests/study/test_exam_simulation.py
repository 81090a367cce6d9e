"""Issue 22's simulation: a fake clock drives the study service through the days to an exam
with a fixed student (recalls 85%, seeded) on the bundled DL-09 deck (59 studyable cards).

Each day the student answers everything the queue offers at 07:00, then the plan is read as
``studyapp exam`` prints it. Checked: no card due after the exam while it is ahead; the plan
printed each day against the reviews offered on the days after it; final reviews spread over
the last days; no day's reviews over the review limit unless the plan said it can't be kept;
on the eve, with cards never shown, the figure is at most the studied share; a late date
pulls every card in.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from studyapp.deckfmt import parse_file
from studyapp.study.service import Rating, StudyService
from studyapp.study.views import ExamPlan

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 1, 6, 12, tzinfo=UTC)
RECALL = 0.85


@dataclass
class Run:
    """A study service on a fake clock, one deck, one student."""

    service: StudyService
    deck_id: int
    student: random.Random
    clock: list[datetime]
    offered: dict[date, tuple[int, int]] = field(default_factory=dict)
    """(reviews, new cards) the queue offered each day."""
    due_at_start: dict[date, int] = field(default_factory=dict)
    """Review cards due before the day's end (and the exam) when the day's session starts."""
    plans: dict[date, ExamPlan] = field(default_factory=dict)
    """The plan as read after each day's session."""

    def day(self, when: datetime) -> date:
        self.clock[0] = when
        today = self.service.today(when)
        cutoff = datetime.combine(today + timedelta(days=1), time(4), UTC)
        exam = self.service.decks.get(self.deck_id, when).exam
        if exam is not None:
            cutoff = min(cutoff, exam_moment(exam.exam_date))
        self.due_at_start[today] = sum(c.state == "review" and c.due < cutoff for c in self.cards())
        reviews = new = 0
        queued = self.service.reviews.start(self.deck_id, when)
        while queued is not None:
            reviews += queued.card.state == "review"
            new += queued.card.state == "new"
            rating = Rating.GOOD if self.student.random() < RECALL else Rating.AGAIN
            queued = self.service.reviews.answer(queued.card.id, rating, 0, self.clock[0]).next
            self.clock[0] += timedelta(seconds=20)
        self.offered[today] = (reviews, new)
        plan = self.service.decks.exam_plan(self.deck_id, self.clock[0])
        if plan is not None:
            self.plans[today] = plan
        return today

    def cards(self) -> list:
        return [c for c in self.service.cards.browse(deck_id=self.deck_id) if not c.suspended]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Run]]:
    opened: list[StudyService] = []

    def make(seed: int, new_limit: int = 20, review_limit: int = 200) -> Run:
        clock = [START]
        service = StudyService.open(
            str(tmp_path / f"s{seed}-{new_limit}-{review_limit}.db"),
            clock=lambda: clock[0], fuzz=True, tz=UTC,
        )  # fmt: skip
        opened.append(service)
        deck = service.imports.parsed(parse_file(ROOT / "decks" / "dl09-generative-models.txt"))
        service.decks.set_limits(deck.deck_id, new_limit, review_limit)
        return Run(service, deck.deck_id, random.Random(seed), clock)

    yield make
    for service in opened:
        service.close()


def morning(day: date) -> datetime:
    return datetime.combine(day, time(7), UTC)


def exam_moment(day: date) -> datetime:
    return datetime.combine(day, time(9), UTC)


def play_to_the_exam(run: Run, days: int) -> date:
    """Set the exam ``days`` after the start and study every day through exam day."""
    exam = (START + timedelta(days=days)).date()
    run.service.decks.set_exam(run.deck_id, exam)
    today = run.day(START)
    while today < exam:
        nothing_due_after_the_exam(run, exam)
        today = run.day(morning(today + timedelta(days=1)))
    return exam


def nothing_due_after_the_exam(run: Run, exam: date) -> None:
    late = [c.id for c in run.cards() if c.state == "review" and c.due > exam_moment(exam)]
    assert not late, f"{len(late)} cards due after the exam on {run.service.today()}"


def relative_error(planned: int, offered: int) -> float:
    return abs(planned - offered) / max(offered, 1)


def test_the_plan_is_kept_through_ten_days(start: Callable[..., Run]) -> None:
    full_window: list[float] = []
    for seed in (1, 2, 3):
        run = start(seed)
        exam = play_to_the_exam(run, 10)
        days = sorted(run.offered)
        assert days[-1] == exam and len(days) == 11
        for i, day in enumerate(days[:-1]):
            plan = run.plans[day]
            assert [d.day for d in plan.days] == days[i:]  # today through exam day
            following = plan.days[1:]
            offered = [run.offered[d.day][0] for d in following]
            assert relative_error(following[0].reviews, offered[0]) <= 0.1, (seed, day)
            assert [d.new for d in following] == [run.offered[d.day][1] for d in following]
            full_window.append(relative_error(sum(d.reviews for d in following), sum(offered)))
            assert not plan.problems  # the default limits keep this plan
        last = [run.offered[d][0] for d in days[-3:]]
        assert max(last) <= 0.5 * 59 and min(last) >= 0.2 * 59, last  # spread, not piled up
    mean = sum(full_window) / len(full_window)
    print(f"plan vs offered over all following days: mean error {mean:.1%}, "
          f"worst {max(full_window):.1%} ({len(full_window)} plans)")  # fmt: skip
    assert mean <= 0.1 and max(full_window) <= 0.25


def test_tight_limits_are_said_and_the_eve_counts_unseen_cards(start: Callable[..., Run]) -> None:
    run = start(4, new_limit=5, review_limit=12)
    exam = play_to_the_exam(run, 6)
    days = sorted(run.offered)
    first = run.plans[days[0]]
    assert any("new-card limit" in p for p in first.problems)  # said on day one
    over = 0
    for before, day in itertools.pairwise(days):
        reviews, _new = run.offered[day]
        assert reviews <= 12
        if run.due_at_start[day] > 12:
            over += 1
            assert run.plans[before].late_reviews > 0, day  # over the cap: the plan said so
            assert any("review limit" in p for p in run.plans[before].problems)
    assert over  # the limits were tight enough to be seen at work
    eve = run.plans[exam - timedelta(days=1)]
    studied = sum(c.state != "new" for c in run.cards())
    assert eve.figure.unseen > 0 and eve.figure.cards == 59
    assert eve.figure.recall is not None and eve.figure.recall <= studied / 59


def test_a_late_date_pulls_every_card_in(start: Callable[..., Run]) -> None:
    run = start(5)
    today = run.day(START)
    for _ in range(10):  # ten days of normal study, no exam
        today = run.day(morning(today + timedelta(days=1)))
    now = run.clock[0]
    exam = today + timedelta(days=3)
    assert any(c.state == "review" and c.due > exam_moment(exam) for c in run.cards())
    run.service.decks.set_exam(run.deck_id, exam, now=now)
    nothing_due_after_the_exam(run, exam)
    while today < exam:
        today = run.day(morning(today + timedelta(days=1)))
        if today < exam:
            nothing_due_after_the_exam(run, exam)
