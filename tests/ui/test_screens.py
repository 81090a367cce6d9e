"""Pilot sessions through home, exam mode, quiz, browser, stats, help and the palette."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input

from studyapp.study.views import Rating
from studyapp.ui.screens.browser import BrowserScreen
from studyapp.ui.screens.help import HelpScreen, bindings_of, screen_classes
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.modals import ExamDateModal
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.stats import StatsScreen
from tests.ui.conftest import MARKUP_FRONT, ready, screen_text, test_deck

SIZE = (80, 24)


def quiz_logs(service) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from studyapp.store.engine import make_engine
    from studyapp.store.schema import ReviewLog

    engine = make_engine(service.url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(ReviewLog).where(ReviewLog.kind == "quiz").order_by(ReviewLog.id)
            ).all()
            return [(row.card_id, row.rating) for row in rows]
    finally:
        engine.dispose()


async def test_home_lists_decks_with_counts(app, service) -> None:
    service.import_parsed(test_deck("VAE lecture", missing=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#decks", DataTable)
        assert table.row_count == 2
        text = screen_text(app)
        summary = {d.name: d for d in service.decks()}
        assert summary["GAN lecture"].new == 6
        assert "GAN lecture" in text and "VAE lecture" in text
        assert "Today: 0 answered · 0 due · 12 new waiting · 2 decks" in text
        assert "1 answer-missing card suspended" in text


async def test_exam_mode_sets_date_and_shows_countdown(app, service, fresh) -> None:
    deck_id = service.decks()[0].id
    for _ in range(2):
        service.answer(service.next_card(deck_id).id, Rating.GOOD)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateModal)
        await pilot.press(*"2026-12-10", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "exam in 20 days (2026-12-10)" in text
        assert "predicted recall on exam day" in text
    deck = fresh().decks()[0]
    assert deck.exam_date == date(2026, 12, 10) and deck.days_to_exam == 20


async def test_exam_date_rejects_bad_input_and_clears(app, service, fresh) -> None:
    deck_id = service.decks()[0].id
    service.set_exam(deck_id, date(2026, 12, 1))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        modal.query_one(Input).value = "next tuesday"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal  # stays open, explains
        assert "not a date" in screen_text(app)
        modal.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert fresh().deck(deck_id).exam_date is None


async def test_choice_quiz_scores_and_leaves_schedule_alone(app, service, fresh) -> None:
    before = {row.id: (row.state, row.due, row.reps) for row in service.browse("")}
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        total = len(quiz.questions)
        assert total >= 4
        missed = []
        for index, question in enumerate(quiz.questions):
            right = question.correct_index
            pick = right if index % 2 == 0 else (right + 1) % len(question.choices)
            if pick != right:
                missed.append(question)
            await pilot.press(str(pick + 1))
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
        assert quiz.finished
        text = screen_text(app)
        assert f"Score: {total - len(missed)}/{total}" in text
        assert "Missed:" in text
        assert missed[0].prompt[:40] in text
    logs = quiz_logs(fresh())
    assert len(logs) == total
    assert sorted(c for c, r in logs if r == Rating.AGAIN) == sorted(q.card_id for q in missed)
    after = {row.id: (row.state, row.due, row.reps) for row in fresh().browse("")}
    assert after == before


async def test_typed_quiz_grades_leniently(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.mode == "typed"
        first = quiz.questions[0]
        await pilot.press(*first.answer.upper(), "enter")  # case forgiven
        await pilot.pause()
        assert quiz.score.right == 1
        await pilot.press("enter")  # next
        await pilot.press(*"no idea", "enter")
        await pilot.pause()
        assert quiz.score.asked == 2 and len(quiz.score.missed) == 1
    assert [r for _, r in quiz_logs(fresh())] == [Rating.GOOD, Rating.AGAIN]


async def test_browser_searches_and_suspends(app, service, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        table = browser.query_one("#browse-table", DataTable)
        assert table.row_count == 7
        await pilot.press("slash", *"wasserstein", "enter")
        await pilot.pause()
        assert table.row_count == 1
        assert browser.selected().front.startswith("What does the Wasserstein")
        card_id = browser.selected().id
        await pilot.press("s")
        await pilot.pause()
        assert fresh().card(card_id).suspended
        await pilot.press("s")
        await pilot.pause()
        assert not fresh().card(card_id).suspended
        browser.query_one(Input).value = ""
        await pilot.press("slash", *"[bold]", "enter")
        await pilot.pause()
        assert table.row_count == 1
        assert MARKUP_FRONT[:30] in screen_text(app)  # literal in the table
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_stats_screen_draws_after_reviews(app, service) -> None:
    deck_id = service.decks()[0].id
    for _ in range(3):
        card = service.next_card(deck_id)
        service.answer(card.id, Rating.GOOD)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "3 reviews (3 today)" in text
        assert "Reviews per day" in text
        for _tab in range(3):
            await pilot.press("right")
            await pilot.pause()
        assert "Answer buttons (3 reviews)" in screen_text(app)


async def test_help_lists_every_binding(app) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        shown = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
    expected = {b.id for _, cls in screen_classes() for b in bindings_of(cls)}
    expected |= {b.id for b in bindings_of(type(app))}
    assert None not in expected  # every binding has an id
    assert expected <= shown
    assert "review.undo" in shown and "home.exam" in shown


async def test_command_palette_opens_screens_and_decks(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Statistics")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Review: GAN")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        from studyapp.ui.screens.review import ReviewScreen

        assert isinstance(app.screen, ReviewScreen)


async def test_theme_cycles(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first = app.theme
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme != first


async def test_markup_in_deck_names_and_toasts_is_literal(service, clock) -> None:
    from studyapp.ui.app import StudyApp

    service.import_parsed(test_deck("[bold]Deck[/] [link=x]one[/link]", missing=False))
    app = StudyApp(lambda: service, clock=clock, sync_decks=False)
    async with app.run_test(size=(160, 24), notifications=True) as pilot:  # a one-line toast
        await ready(pilot)
        assert "[bold]Deck[/] [link=x]one[/link]" in screen_text(app)  # the deck table
        await pilot.press("down", "e", *"+3", "enter")  # the markup deck sorts second
        await pilot.pause(0.3)
        assert "Exam on 2026-11-23 for [bold]Deck[/] [link=x]one[/link]" in screen_text(app)


async def test_optimise_runs_on_a_worker_and_reports_refusal(app, service) -> None:
    import threading

    threads: list[str] = []
    real = service.optimize

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    service.optimize = spy  # type: ignore[method-assign]
    async with app.run_test(size=(160, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert "not enough reviews" in screen_text(app)  # the service's reason, as a toast
    assert threads and threads[0] != threading.main_thread().name


async def test_browser_x_opens_the_cards_experiment(app, service, monkeypatch) -> None:
    opened: list[tuple[str, int | None]] = []
    monkeypatch.setattr(type(app), "_push_experiment", lambda self, e, c, *_: opened.append((e, c)))
    linked = next(row for row in service.browse("") if len(row.experiments) == 1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        browser = app.screen
        browser.query_one(Input).value = linked.front
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert browser.selected().id == linked.id
        assert f"Experiments: {linked.experiments[0]}" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
    assert opened == [(linked.experiments[0], linked.id)]


async def test_choice_quiz_by_arrow_and_enter(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await pilot.pause()
        quiz = app.screen
        right = quiz.questions[0].correct_index
        await pilot.press(*["down"] * right, "enter")
        await pilot.pause()
        assert quiz.score.right == 1 and quiz.answered
        await pilot.press("enter")  # next question
        await pilot.pause()
        assert quiz.index == 1 and not quiz.answered
