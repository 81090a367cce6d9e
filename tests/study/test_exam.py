"""Exam mode: the keep rule (labels equal answers), the day's queue, reviewing ahead, setting
and clearing a date, the figure (unseen cards count, frozen after the exam)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.store.rows import LEARNING, REVIEW
from studyapp.study import exam
from studyapp.study.clock import StudyDays
from studyapp.study.errors import StudyError
from studyapp.study.fsrs import CardState
from studyapp.study.service import Rating, StudyService
from tests.study.conftest import NOW, make_deck

DAYS = StudyDays(4, UTC)
EXAM_DAY = date(2026, 3, 12)  # NOW is 2026-03-02 12:00 UTC: ten study days before it
EXAM_AT = datetime(2026, 3, 12, 9, tzinfo=UTC)
WINDOW = exam.ExamWindow(EXAM_AT, EXAM_DAY, 5, DAYS)


def review(due: datetime) -> CardState:
    return CardState(REVIEW, None, 30.0, 5.0, due, NOW)


def no_loads() -> dict[date, int]:
    return {}


# -- the keep rule ----------------------------------------------------------------------------


def test_a_review_due_after_the_exam_gets_a_final_review_in_the_last_days() -> None:
    after, how = exam.keep(review(NOW + timedelta(days=30)), NOW, WINDOW, no_loads)
    assert how == "final"
    assert after.due == DAYS.start(EXAM_DAY)  # the later day on ties: exam day's start
    assert after.due is not None and after.due < EXAM_AT
    assert exam.note(how, after.due, WINDOW) == "due on exam day (Thu 03-12), before the exam"
    earlier = DAYS.start(date(2026, 3, 10))
    assert exam.note("final", earlier, WINDOW) == "final review on Tue 03-10, before the exam"


def test_final_reviews_go_to_the_least_loaded_day_of_the_stretch() -> None:
    loads = {date(2026, 3, 10): 1, date(2026, 3, 11): 0, date(2026, 3, 12): 2}
    assert exam.final_day(date(2026, 3, 3), WINDOW, loads) == date(2026, 3, 11)
    full = {date(2026, 3, d): 5 for d in (10, 11, 12)}  # the stretch is at the limit (5)
    assert exam.final_day(date(2026, 3, 3), WINDOW, full) == date(2026, 3, 9)
    everything = {date(2026, 3, d): 5 for d in range(3, 13)} | {date(2026, 3, 6): 7}
    assert exam.final_day(date(2026, 3, 3), WINDOW, everything) == date(2026, 3, 12)


def test_an_answer_inside_the_stretch_is_the_final_review() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    after, how = exam.keep(review(now + timedelta(days=9)), now, WINDOW, no_loads)
    assert (how, after.due) == ("exam", EXAM_AT)
    said = "kept for the exam (Thu 03-12 09:00): not shown before it"
    assert exam.note(how, after.due, WINDOW) == said


def test_keep_leaves_alone_what_needs_no_keeping() -> None:
    due_before = review(NOW + timedelta(days=3))
    assert exam.keep(due_before, NOW, WINDOW, no_loads) == (due_before, "")
    learning = CardState(LEARNING, 1, 1.0, 5.0, NOW + timedelta(days=30), NOW)
    assert exam.keep(learning, NOW, WINDOW, no_loads) == (learning, "")
    later = datetime(2026, 3, 12, 10, tzinfo=UTC)  # after the exam, on exam day
    past = review(later + timedelta(days=9))
    assert exam.keep(past, later, WINDOW, no_loads) == (past, "")
    assert exam.keep(past, later, None, no_loads) == (past, "")


# -- through the service ------------------------------------------------------------------------


def reviewed_deck(service: StudyService, n: int, days_ago: int = 40) -> int:
    """A deck of ``n`` cards all in review state, learnt on different days (varied recall)."""
    deck = service.imports.parsed(make_deck(n))
    service.decks.set_limits(deck.deck_id, n, 1000)
    for i, card_id in enumerate(service.reviews.queue(deck.deck_id, NOW)):
        when = NOW - timedelta(days=days_ago - i)
        service.reviews.record(card_id, Rating.GOOD, 0, when)
        service.reviews.record(
            card_id, Rating.GOOD if i % 2 else Rating.EASY, 0, when + timedelta(minutes=11)
        )
    return deck.deck_id


@pytest.fixture
def fuzzed(db_path: Path) -> StudyService:
    return StudyService.open(str(db_path), clock=lambda: NOW, fuzz=True, tz=UTC)


@pytest.mark.parametrize("when", [NOW, datetime(2026, 3, 11, 12, tzinfo=UTC)])
def test_each_button_gives_what_its_label_shows_in_exam_mode(
    fuzzed: StudyService, when: datetime
) -> None:
    """Labels and answers through the one rule, before and inside the final stretch."""
    service = fuzzed
    deck_id = reviewed_deck(service, 12)
    service.decks.set_exam(deck_id, EXAM_DAY)
    kept = 0
    for card in service.cards.browse(deck_id=deck_id):
        shown = service.reviews.queued(card.id, when)
        for rating in Rating:
            result = service.reviews.record(card.id, rating, 0, when)
            assert result.interval == shown.intervals[rating], (card.id, rating)
            assert result.capped_by_exam == (rating in shown.kept)
            assert bool(result.exam_note) == result.capped_by_exam
            kept += result.capped_by_exam
            assert service.reviews.undo(when) is not None
    assert kept > 0  # exam mode shortened some of them: the test saw the rule at work


def test_the_days_queue_in_exam_mode_and_reviewing_ahead(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 20)
    service.decks.set_exam(deck_id, EXAM_DAY)
    queue = service.reviews.queue(deck_id, NOW)
    due = [c for c in service.cards.browse(deck_id=deck_id, now=NOW) if c.due and c.due < NOW]
    assert sorted(queue) == sorted(c.id for c in due)  # what FSRS has due: all offered
    recall = [service.cards.get(i, NOW).retrievability for i in queue]
    assert recall == sorted(recall)  # lowest predicted recall first
    first = service.reviews.start(deck_id, NOW)
    while first is not None:
        first = service.reviews.answer(first.card.id, Rating.GOOD, 0, NOW).next
    waiting = service.reviews.ahead_count(deck_id, NOW)
    assert waiting > 0
    ahead = service.reviews.review_ahead(NOW)
    assert ahead is not None and ahead.ahead and ahead.counts.review == waiting
    before = service.cards.get(ahead.card.id, NOW).due
    result = service.reviews.answer(ahead.card.id, Rating.GOOD, 0, NOW).result
    assert before is not None and result.due is not None and result.due <= EXAM_AT
    assert service.reviews.ahead_count(deck_id, NOW) == waiting - 1 + (result.due < EXAM_AT)


def test_setting_a_late_date_pulls_every_card_in(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 20)
    for card in service.cards.browse(deck_id=deck_id):  # a second review: longer intervals
        service.reviews.record(card.id, Rating.GOOD, 0, NOW - timedelta(days=1))
    far = [c for c in service.cards.browse(deck_id=deck_id) if c.due and c.due > EXAM_AT]
    assert far  # without the exam, some cards are due after it
    service.decks.set_exam(deck_id, EXAM_DAY)
    cards = service.cards.browse(deck_id=deck_id)
    assert all(c.due is not None and c.due < EXAM_AT for c in cards)
    per_day: dict[date, int] = {}
    for card in cards:
        if card.due is not None and card.due >= NOW:
            day = DAYS.day(card.due)
            per_day[day] = per_day.get(day, 0) + 1
    assert all(n <= 1000 for n in per_day.values())
    stretch = {EXAM_DAY - timedelta(days=i) for i in range(exam.FINAL_DAYS)}
    pulled = {c.id for c in far}
    assert all(DAYS.day(c.due) in stretch for c in cards if c.id in pulled and c.due)


def test_clearing_the_date_gives_kept_cards_their_schedule_back(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 6)
    service.decks.set_exam(deck_id, EXAM_DAY)
    late = datetime(2026, 3, 11, 12, tzinfo=UTC)  # in the final stretch
    card = service.cards.browse(deck_id=deck_id)[0]
    result = service.reviews.record(card.id, Rating.EASY, 0, late)
    assert result.due == EXAM_AT and "kept for the exam" in result.exam_note
    assert card.id not in service.reviews.queue(deck_id, EXAM_AT - timedelta(hours=1))
    later = service.decks.set_exam(deck_id, EXAM_DAY, "14:00", now=late)  # the time only
    moved = EXAM_AT.replace(hour=14)
    assert later.exam is not None and service.cards.get(card.id).due == moved
    assert card.id not in service.reviews.queue(deck_id, moved - timedelta(hours=1))
    cleared = service.decks.set_exam(deck_id, None, now=late)
    assert cleared.exam_date is None and cleared.exam is None
    back = service.cards.get(card.id)
    assert back.due is not None and back.due > moved
    assert service.decks.exam_plan(deck_id, NOW) is None


def test_past_dates_and_times_are_refused(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 2)
    with pytest.raises(StudyError, match=r"the exam date 2020-01-01 is past .* give today"):
        service.decks.set_exam(deck_id, date(2020, 1, 1))
    with pytest.raises(StudyError, match="the exam time 2026-03-02 09:00 has passed"):
        service.decks.set_exam(deck_id, NOW.date())  # today, 09:00: three hours ago
    today = service.decks.set_exam(deck_id, NOW.date(), "15:30")
    assert today.days_to_exam == 0 and today.exam is not None and today.exam.exam_time == "15:30"
    with pytest.raises(StudyError, match="not a time of day"):
        service.decks.set_exam(deck_id, EXAM_DAY, "25:00")


def test_exam_mode_lasts_through_exam_day(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 6)
    service.decks.set_exam(deck_id, EXAM_DAY)
    morning = datetime(2026, 3, 12, 5, tzinfo=UTC)
    evening = datetime(2026, 3, 12, 20, tzinfo=UTC)
    after = datetime(2026, 3, 13, 12, tzinfo=UTC)
    plan = service.decks.exam_plan(deck_id, morning)
    assert plan is not None and plan.active and plan.days_left == 0 and len(plan.days) == 1
    plan = service.decks.exam_plan(deck_id, evening)
    assert plan is not None and plan.active and plan.figure.past and not plan.days
    plan = service.decks.exam_plan(deck_id, after)
    assert plan is not None and not plan.active and plan.figure.past


# -- the figure ---------------------------------------------------------------------------------


def test_unseen_cards_count_as_not_recalled(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(10))
    for card_id in service.reviews.queue(deck.deck_id, NOW)[:4]:
        service.reviews.record(card_id, Rating.GOOD, 0, NOW)
        service.reviews.record(card_id, Rating.GOOD, 0, NOW + timedelta(minutes=11))
    figure = service.decks.set_exam(deck.deck_id, EXAM_DAY).exam
    assert figure is not None and (figure.cards, figure.unseen) == (10, 6)
    assert figure.recall is not None and 0.2 < figure.recall <= 0.4  # at most 4 of 10
    assert "6 of 10 not yet studied" in figure.headline()
    assert "count as forgotten" in figure.assumption() and "09:00" in figure.assumption()


def test_an_exam_day_session_adds_its_effect_and_nothing_else(service: StudyService) -> None:
    """The figure is for the exam's moment: a session at 07:00 on exam day changes it by
    exactly what those answers change, failed ones included (no jump to 100%)."""
    deck_id = reviewed_deck(service, 10)
    service.decks.set_exam(deck_id, EXAM_DAY)
    early = datetime(2026, 3, 12, 7, tzinfo=UTC)
    before = service.decks.get(deck_id, early).exam
    assert before is not None and before.recall is not None
    effect = 0.0
    for i, card in enumerate(service.cards.browse(deck_id=deck_id)[:4]):
        then = recall_at_exam(service, deck_id, card.id)
        service.reviews.record(card.id, Rating.AGAIN if i < 2 else Rating.GOOD, 0, early)
        if i < 2:
            service.reviews.record(card.id, Rating.GOOD, 0, early + timedelta(minutes=11))
        effect += recall_at_exam(service, deck_id, card.id) - then
    after = service.decks.get(deck_id, early + timedelta(hours=1)).exam
    assert after is not None and after.recall is not None
    assert effect != 0 and after.recall == pytest.approx(before.recall + effect / 10)
    assert after.recall < 1.0


def recall_at_exam(service: StudyService, deck_id: int, card_id: int) -> float:
    """One card's predicted recall at the exam, from its stored schedule."""
    from studyapp.store import cards as store_cards
    from studyapp.store import decks as store_decks

    with service.ctx.read() as q:
        row, deck = store_cards.get(q, card_id), store_decks.get(q, deck_id)
        assert row is not None and deck is not None
        sched = service.fsrs.scheduler(q, deck)
    assert row.stability is not None and row.last_review is not None
    return exam.recall_at(sched, row.stability, row.last_review, EXAM_AT)


def test_the_figure_is_frozen_after_the_exam(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 8)
    service.decks.set_exam(deck_id, EXAM_DAY)
    at_exam = service.decks.get(deck_id, EXAM_AT - timedelta(minutes=1)).exam
    later = datetime(2026, 3, 14, 12, tzinfo=UTC)
    for card in service.cards.browse(deck_id=deck_id)[:5]:
        service.reviews.record(card.id, Rating.AGAIN, 0, later)
    frozen = service.decks.get(deck_id, later + timedelta(hours=1)).exam
    assert at_exam is not None and frozen is not None and frozen.past
    assert frozen.recall == pytest.approx(at_exam.recall)
    assert "as it stood then" in frozen.assumption()
