"""Exam mode: what an exam date does to the schedule, and the one figure beside it.

A deck with an exam date (a day and a time, 09:00 unless set) is in exam mode through exam
day. While the exam is ahead:

- **Nothing is due after the exam.** An answer whose next review would fall after it is
  kept before it by :func:`keep`, THE rule for labels and answers alike (:func:`answer`):
  before the final stretch (the last :data:`FINAL_DAYS` study days, exam day included) the
  card is brought forward to a *final review* on one of those days, the least loaded one
  under the deck's daily review limit (later days first on ties; earlier days when the
  stretch is full); an answer inside the stretch is that final review, and the card's next
  review is the exam itself (due at the exam's moment, not shown again before it).
- **The day's queue** offers the reviews due before the end of the day (and before the
  exam), lowest predicted recall first, within the review limit; new cards as usual; and,
  once that is done, reviewing ahead: the cards up to the exam it left out (over the
  limit, due on later days, kept for the exam), the soonest due first.
- **Setting a date** brings the cards due after the exam before it (:func:`reschedule`),
  spread the same way; clearing or moving it gives the cards kept for the exam their FSRS
  date back.

:func:`figure` is the expected share of the deck's studyable cards recalled at the exam's
moment, cards never studied counting as not recalled; once the exam is over it is frozen
as it stood then. The plan that the app keeps is :mod:`studyapp.study.exam_plan`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from studyapp.store import cards as store_cards
from studyapp.store import exam as store
from studyapp.store.rows import NEW, REVIEW
from studyapp.study.errors import StudyError
from studyapp.study.fsrs import CardState
from studyapp.study.views import ExamFigure, ExamKept

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.clock import StudyDays
    from studyapp.study.fsrs import Scheduler

FINAL_DAYS = 3
"""The final stretch: the last study days before the exam, exam day included, over which the
final reviews are spread."""
DAY = timedelta(days=1)
MICRO = timedelta(microseconds=1)
EARLIEST = datetime.min.replace(tzinfo=UTC)
LABEL_MARKS: dict[ExamKept, str] = {"": "", "final": "*", "exam": "·exam"}
"""How a button's label marks an interval exam mode shortened."""
LABEL_NOTE = "* final review brought before the exam · exam: the exam is its next review"
"""The line explaining :data:`LABEL_MARKS` under the buttons."""
CLEAR_OFFER = "The exam is over: clear its date to put the cards kept for it back on schedule"

Loads = Callable[[], Mapping[date, int]]
"""Reviews due on each later day before the exam (asked only when an answer is kept)."""


class ExamWindow(NamedTuple):
    """One deck's exam as scheduling sees it."""

    exam_at: datetime
    """The exam's moment (aware UTC)."""
    exam_day: date
    """The study day holding it."""
    review_limit: int
    """Reviews a day the final reviews are spread under (the deck's limit)."""
    days: StudyDays

    @property
    def final_from(self) -> date:
        """The first day of the final stretch."""
        return self.exam_day - (FINAL_DAYS - 1) * DAY

    def on(self, now: datetime) -> bool:
        """Exam mode: from now through exam day."""
        return self.days.day(now) <= self.exam_day

    def ahead_of(self, now: datetime) -> bool:
        """The exam is still to come: answers are kept before it."""
        return now < self.exam_at

    def cutoff(self, now: datetime) -> datetime:
        """Today's reviews are those due before this: the day's end, or the exam."""
        return min(self.days.next_day_at(now), self.exam_at)


def exam_moment(day: date, minutes: int, days: StudyDays) -> datetime:
    """The exam's moment as aware UTC: ``minutes`` after midnight of ``day``, local time."""
    clock = time(minutes // 60 % 24, minutes % 60)
    if days.tz is None:  # the machine's zone, with the offset of that day (summer time)
        return datetime.combine(day, clock).astimezone(UTC)
    return datetime.combine(day, clock, tzinfo=days.tz).astimezone(UTC)


def window(deck: DeckRow, days: StudyDays) -> ExamWindow | None:
    """``deck``'s exam window (None without an exam date)."""
    if deck.exam_date is None:
        return None
    at = exam_moment(deck.exam_date, deck.exam_time, days)
    return ExamWindow(at, days.day(at), max(1, deck.review_limit), days)


def time_text(minutes: int) -> str:
    """``09:00``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_time(text: str) -> int:
    """``HH:MM`` (or ``H``) as minutes after midnight; StudyError otherwise."""
    found = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*", text)
    if found is not None:
        hours, minutes = int(found[1]), int(found[2] or 0)
        if hours < 24 and minutes < 60:
            return hours * 60 + minutes
    raise StudyError(f"not a time of day: {text!r} (use HH:MM, e.g. 09:00)")


def check_future(day: date, minutes: int, now: datetime, days: StudyDays) -> None:
    """Refuse an exam whose moment has passed, with one clear sentence."""
    at = exam_moment(day, minutes, days)
    if at > now:
        return
    today = days.day(now)
    if day < today:
        ago = (today - day).days
        raise StudyError(
            f"the exam date {day.isoformat()} is past ({ago} day{'s' * (ago != 1)} ago): "
            f"give today ({today.isoformat()}) or a later day"
        )
    raise StudyError(
        f"the exam time {day.isoformat()} {time_text(minutes)} has passed: "
        "give a later time (HH:MM) or a later day"
    )


# -- answers: THE rule for labels and answers alike -------------------------------------------


def answer(
    sched: Scheduler, before: CardState, rating: int, now: datetime, seed: int | None,
    exam: ExamWindow | None, loads: Loads,
) -> tuple[CardState, ExamKept]:  # fmt: skip
    """The card after ``rating`` at ``now``, kept before the exam (:func:`keep`): what the
    button's label shows and what answering it gives."""
    return keep(sched.answer(before, rating, now, seed), now, exam, loads)


def keep(
    after: CardState, now: datetime, exam: ExamWindow | None, loads: Loads
) -> tuple[CardState, ExamKept]:
    """``after`` with its next review kept before the exam, and how (see the module)."""
    if (
        exam is None
        or not exam.ahead_of(now)
        or after.state != REVIEW
        or after.due is None
        or after.due <= exam.exam_at
    ):
        return after, ""
    today = exam.days.day(now)
    if today >= exam.final_from:
        return after._replace(due=exam.exam_at), "exam"
    day = final_day(today + DAY, exam, loads())
    return after._replace(due=exam.days.start(day)), "final"


def final_day(first: date, exam: ExamWindow, loads: Mapping[date, int]) -> date:
    """The day of a final review, from ``first``: the least loaded day of the final stretch
    under the review limit (the later on ties); else the latest earlier day under it; else
    the least loaded of them all (over the limit: the plan says so)."""
    if first > exam.exam_day:
        return exam.exam_day
    stretch = list(_days(max(first, exam.final_from), exam.exam_day))
    earlier = list(_days(first, exam.final_from - DAY))

    def load(day: date) -> int:
        return loads.get(day, 0)

    room = [d for d in stretch if load(d) < exam.review_limit]
    if room:
        return min(reversed(room), key=load)
    for day in reversed(earlier):
        if load(day) < exam.review_limit:
            return day
    return min(reversed(earlier + stretch), key=load)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += DAY


def day_loads(
    q: Query, deck_id: int, exam: ExamWindow, now: datetime, leave_out: int = 0
) -> dict[date, int]:
    """Reviews due on each day from tomorrow to the exam (``leave_out``: the card answered)."""
    first = exam.days.day(now) + DAY
    days = list(_days(first, exam.exam_day))
    bounds = [exam.days.start(day) for day in days] + [exam.exam_at]
    if not days or bounds[0] >= exam.exam_at:
        return {}
    return dict(zip(days, store.due_counts(q, deck_id, bounds, leave_out), strict=True))


def loads_of(q: Query, deck_id: int, exam: ExamWindow | None, now: datetime, card_id: int) -> Loads:
    """:func:`day_loads` read once, when first asked (one card's four buttons share it)."""
    held: list[dict[date, int]] = []

    def loads() -> Mapping[date, int]:
        if exam is None:
            return {}
        if not held:
            held.append(day_loads(q, deck_id, exam, now, card_id))
        return held[0]

    return loads


def note(kind: ExamKept, due: datetime | None, exam: ExamWindow | None) -> str:
    """What exam mode did to an answer, in words ('' when nothing)."""
    if exam is None or due is None or not kind:
        return ""
    if kind == "final":
        day = exam.days.day(due)
        if day == exam.exam_day:
            return f"due on exam day ({day:%a %m-%d}), before the exam"
        return f"final review on {day:%a %m-%d}, before the exam"
    when = f"{exam.days.day(due):%a %m-%d} {_local_time(due, exam)}"
    return f"kept for the exam ({when}): not shown before it"


def _local_time(at: datetime, exam: ExamWindow) -> str:
    local = at.astimezone(exam.days.tz) if exam.days.tz is not None else at.astimezone()
    return f"{local:%H:%M}"


# -- the day's queue --------------------------------------------------------------------------


def todays_reviews(
    q: Query, deck_id: int, exam: ExamWindow, sched: Scheduler, now: datetime, take: int
) -> list[int]:
    """The reviews due today before the exam, lowest predicted recall first, ``take`` of them."""
    if take <= 0:
        return []
    pool = store.due_pool(q, deck_id, now, exam.cutoff(now))
    return [card_id for card_id, *_ in rank(pool, sched, now)[:take]]


Pooled = tuple[int, float | None, datetime | None, datetime | None]
"""``(id, stability, last_review, due)`` of a review card."""


def rank(pool: Sequence[Pooled], sched: Scheduler, now: datetime) -> list[Pooled]:
    """``(id, stability, last_review, due)`` rows, lowest predicted recall at ``now`` first."""

    def recall(row: Pooled) -> float:
        _card, stability, last, due = row
        state = CardState(REVIEW, None, stability, None, due, last)
        return sched.retrievability(state, now) or 0.0

    return sorted(pool, key=lambda row: (recall(row), row[0]))


def ahead(
    q: Query, deck_id: int, exam: ExamWindow | None, now: datetime, take: int | None
) -> list[int]:
    """Reviewing ahead: the cards due up to the exam that today's queue leaves out (over the
    review limit, due on later days, kept for the exam), the soonest due first."""
    if exam is None or not exam.ahead_of(now):
        return []
    return store.ahead(q, deck_id, now, EARLIEST, exam.exam_at + MICRO, take)


# -- the figure -------------------------------------------------------------------------------


def figure(
    q: Query, deck: DeckRow, exam: ExamWindow, sched: Scheduler, now: datetime
) -> ExamFigure:
    """The expected share of the deck's studyable cards recalled at the exam's moment (FSRS's
    forgetting curve over the hours since each card's last answer; cards not yet studied
    count as not recalled). After the exam: as the cards stood at its moment (frozen)."""
    assert deck.exam_date is not None
    at, past = exam.exam_at, now >= exam.exam_at
    earlier = store.states_before(q, deck.id, at) if past else {}
    cards = unseen = 0
    recalled = 0.0
    for row in store.schedules(q, deck.id):
        state, stability, last = row.state, row.stability, row.last_review
        then = earlier.get(row.id)
        if then is not None:
            state, stability, last = then.state, then.stability, then.last_review
        cards += 1
        if state == NEW:
            unseen += 1
        elif stability is not None and last is not None:
            recalled += recall_at(sched, stability, last, at)
    return ExamFigure(
        exam_date=deck.exam_date,
        exam_time=time_text(deck.exam_time),
        cards=cards,
        unseen=unseen,
        recall=recalled / cards if cards else None,
        past=past,
    )


def recall_at(sched: Scheduler, stability: float, last: datetime, at: datetime) -> float:
    """FSRS's predicted recall at ``at`` of a card last answered at ``last`` (hours count:
    a card answered on exam morning is not taken as certain)."""
    elapsed = max(0.0, (at - last).total_seconds() / 86400)
    return sched.recall(stability, elapsed)


# -- changing the date ------------------------------------------------------------------------


def reschedule(
    q: Query, before: DeckRow, after: DeckRow, sched: Scheduler, now: datetime,
    days: StudyDays, reviews_done: int,
) -> int:  # fmt: skip
    """After the exam date changed from ``before``'s to ``after``'s: cards kept for the old
    exam get FSRS's date back (only its time changed: they are kept for the new time), and
    cards due after the new exam are brought before it. Returns how many cards were brought
    in. Runs in the caller's write transaction."""
    old, new = window(before, days), window(after, days)
    if old is not None and (new is None or new.exam_at != old.exam_at):
        if new is not None and new.exam_day == old.exam_day:
            for card in store.reviews_due(q, before.id, old.exam_at, old.exam_at + MICRO):
                store_cards.save(q, card, card._replace(due=new.exam_at))
        else:
            release(q, before.id, old, sched)
    if new is None:
        return 0
    return pull_in(q, after.id, new, now, reviews_done)


def release(q: Query, deck_id: int, exam: ExamWindow, sched: Scheduler) -> None:
    """Cards kept for the exam (due at its moment) go back to FSRS's next review date."""
    for card in store.reviews_due(q, deck_id, exam.exam_at, exam.exam_at + MICRO):
        if card.stability is None or card.last_review is None:
            continue
        days = max(1, round(sched.interval(card.stability)))
        store_cards.save(q, card, card._replace(due=card.last_review + days * DAY))


def pull_in(q: Query, deck_id: int, exam: ExamWindow, now: datetime, reviews_done: int) -> int:
    """Bring the cards due after the exam before it: each to a final review day from today
    (:func:`final_day`), the soonest due first."""
    late = store.reviews_due(q, deck_id, exam.exam_at + MICRO, None)
    if not late:
        return 0
    today = exam.days.day(now)
    days = list(_days(today, exam.exam_day))
    bounds = [EARLIEST, *(exam.days.start(day) for day in days[1:]), exam.exam_at]
    counts = store.due_counts(q, deck_id, bounds)
    loads: Counter[date] = Counter(dict(zip(days, counts, strict=True)))
    loads[today] += reviews_done  # overdue cards and today's answers load today
    for card in late:
        day = final_day(today, exam, loads)
        loads[day] += 1
        store_cards.save(q, card, card._replace(due=exam.days.start(day)))
    return len(late)
