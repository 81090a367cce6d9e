"""Pilot sessions through exam mode at 80x24: the plan screen, home's figure and plan, the
date dialog (computed example, past dates refused), marked buttons, reviewing ahead, and the
offer to clear a date once the exam is over."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable, Input

from studyapp.study.views import Rating
from studyapp.ui.screens.exam import ExamScreen
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.modals import ExamDateModal
from studyapp.ui.screens.review import ReviewScreen
from tests.ui.conftest import START, ready, screen_text, settle, shown, test_deck

SIZE = (80, 24)
EXAM = date(2026, 11, 30)  # START is Friday 2026-11-20 09:00 UTC: ten days ahead


def studied(service, n: int) -> int:  # type: ignore[no-untyped-def]
    """The test deck with ``n`` cards learnt two days ago (in review now)."""
    deck_id = service.decks()[0].id
    for card_id in service.reviews.queue(deck_id, START)[:n]:
        for minutes in (0, 11):
            when = START - timedelta(days=2, minutes=-minutes)
            service.reviews.record(card_id, Rating.GOOD, 0, when)
    return deck_id


async def test_the_plan_screen_shows_the_plan_the_figure_and_the_unseen_count(app, service) -> None:
    deck_id = studied(service, 2)
    service.decks.set_exam(deck_id, EXAM)
    plan = service.decks.exam_plan(deck_id)
    assert plan is not None
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ExamScreen)
        figure = shown(app, "#exam-figure")
        assert "exam in 10 days (Mon 2026-11-30 09:00)\nrecall at the exam" in figure
        assert "4 of 6 not yet studied" in figure and "count as forgotten" in figure
        table = app.screen.query_one("#exam-days", DataTable)
        assert table.row_count == 11 == len(plan.days)
        rows = shown(app, "#exam-days").splitlines()
        assert rows[0] == f"Fri 11-20 today | {plan.days[0].reviews} | 4"
        assert rows[-1].startswith("Mon 11-30 exam | ")
        text = screen_text(app)  # at 80x24: the figure, the unseen count, the days to the exam
        assert "4 of 6 not yet studied" in text and "Fri 11-20 today" in text
        assert "Mon 11-30 exam" in text  # all eleven days fit
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        detail = shown(app, "#deck-detail")
        assert f"plan, reviews+new: today {plan.days[0].reviews}+4 · Sat" in detail
        assert "4 of 6 not yet studied" in detail and f"exam {plan.days[-1].reviews}" in detail


async def test_the_date_dialog_computes_its_example_and_refuses_past_dates(app, service, fresh):  # type: ignore[no-untyped-def]
    deck_id = service.decks()[0].id
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExamDateModal)
        assert modal.query_one(Input).placeholder == "2026-12-04 09:00"  # today + 14 days
        await pilot.press(*"2020-01-01", "enter")
        await pilot.pause()
        assert app.screen is modal
        error = shown(app, "#exam-error")
        assert error.startswith("the exam date 2020-01-01 is past (") and "give today" in error
        modal.query_one(Input).value = "2026-11-20"  # today, but 09:00 is now
        await pilot.press("enter")
        await pilot.pause()
        assert "has passed: give a later time" in shown(app, "#exam-error")
        modal.query_one(Input).value = "+1 14:30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "exam in 1 day (11-21 14:30)" in shown(app, "#deck-detail")
    summary = fresh().decks.get(deck_id)
    assert summary.exam is not None and (summary.exam_date, summary.exam.exam_time) == (
        date(2026, 11, 21),
        "14:30",
    )


async def test_buttons_say_what_exam_mode_does_and_reviewing_ahead(app, service, clock):  # type: ignore[no-untyped-def]
    deck_id = studied(service, 6)
    service.decks.set_exam(deck_id, date(2026, 11, 22))  # the final stretch: from today
    clock.now = START + timedelta(days=1)  # Saturday: the cards learnt Wednesday are due
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        await pilot.press("space")
        await pilot.pause()
        bar = screen.query_one("#ratings").text  # type: ignore[attr-defined]
        assert "·exam" in bar
        assert "the exam is its next review" in shown(app, "#review-status")
        while screen.card is not None:
            await pilot.press("space", "space")
            await pilot.pause()
        assert "Press a to review ahead" in shown(app, "#front")
        await pilot.press("a")
        await pilot.pause()
        assert screen.card is not None and screen.queued is not None and screen.queued.ahead
        assert "[review, ahead]" in shown(app, "#review-status")


async def test_after_the_exam_home_offers_to_clear_the_date(app, service, clock, fresh):  # type: ignore[no-untyped-def]
    deck_id = studied(service, 2)
    service.decks.set_exam(deck_id, EXAM)
    clock.now = START + timedelta(days=12)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = shown(app, "#deck-detail")
        assert "exam passed (11-30 09:00) · recalled " in detail
        assert "The exam is over: clear its date" in detail
        assert "past" in shown(app, "#decks")
        await pilot.press("p")
        await settle(pilot)
        assert "c clears it" in shown(app, "#exam-problems")
        await pilot.press("c")
        await settle(pilot)
    assert fresh().decks.get(deck_id).exam_date is None


async def test_a_key_right_after_an_arrow_acts_on_the_deck_the_arrow_reached(app, service) -> None:  # type: ignore[no-untyped-def]
    service.imports.parsed(test_deck("Second deck"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen) and len(home.decks) == 2
        first = home.deck
        home.query_one("#decks", DataTable).move_cursor(row=1)  # its highlight: not yet handled
        assert home.deck == first
        home.action_exam()  # what "e" typed at once after "down" runs
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExamDateModal)
        assert modal._deck_name == home.decks[1].name != first.name
