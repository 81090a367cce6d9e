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
from tests.ui.conftest import MARKUP_FRONT, logged, ready, screen_text, settle, shown, test_deck

SIZE = (80, 24)


def quiz_logs(service) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return logged(service, "quiz")


async def test_home_lists_decks_with_counts(app, service) -> None:
    service.imports.parsed(test_deck("VAE lecture", missing=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#decks", DataTable)
        assert table.row_count == 2
        rows = shown(app, "#decks").splitlines()
        assert rows[0].startswith("GAN lecture | 6 | 0 | 0 | 0")
        assert rows[1].startswith("VAE lecture | 6 | 0 | 0 | 0")
        status = shown(app, "#home-status")
        assert status == "Today: 0 answered · 12 new · 0 learning · 0 due · 2 decks"
        assert "1 answer-missing card suspended" in shown(app, "#deck-detail")


async def test_exam_mode_sets_date_and_shows_countdown(app, service, fresh) -> None:
    deck_id = service.decks()[0].id
    for _ in range(2):
        service.reviews.record(service.reviews.peek(deck_id).card.id, Rating.GOOD)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateModal)
        await pilot.press(*"2026-12-10", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)  # the exam date is announced: home reloads its counts
        detail = shown(app, "#deck-detail")
        assert "exam in 20 days (12-10 09:00) · recall " in detail
        assert "4 of 6 not yet studied" in detail and "count as forgotten" in detail
        assert "plan, reviews+new: today 0+4" in detail and "exam 2" in detail
    deck = fresh().decks()[0]
    assert deck.exam_date == date(2026, 12, 10) and deck.days_to_exam == 20


async def test_exam_date_rejects_bad_input_and_clears(app, service, fresh) -> None:
    deck_id = service.decks()[0].id
    service.decks.set_exam(deck_id, date(2026, 12, 1))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        modal.query_one(Input).value = "next tuesday"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal  # stays open, explains
        assert "not a date" in shown(app, "#exam-error")
        modal.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert fresh().decks.get(deck_id).exam_date is None


async def test_choice_quiz_scores_and_leaves_schedule_alone(app, service, fresh) -> None:
    before = {row.id: (row.state, row.due, row.reps) for row in service.cards.browse("")}
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await settle(pilot)  # the questions load on a worker
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
    after = {row.id: (row.state, row.due, row.reps) for row in fresh().cards.browse("")}
    assert after == before


async def test_typed_quiz_grades_leniently(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)  # the questions load on a worker
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
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        table = browser.query_one("#browse-table", DataTable)
        assert table.row_count == 7
        await pilot.press(*"wasserstein", "enter")  # the search box has the focus
        await settle(pilot)
        assert table.row_count == 1 and table.has_focus
        assert browser.selected().front.startswith("What does the Wasserstein")
        card_id = browser.selected().id
        await pilot.press("s")
        await settle(pilot)
        assert fresh().cards.get(card_id).suspended
        assert "S" in shown(app, "#browse-table").split(" | ")[2]  # reloaded by DataChanged
        await pilot.press("s")
        await settle(pilot)
        assert not fresh().cards.get(card_id).suspended
        browser.query_one(Input).value = ""
        await pilot.press("slash", *"[bold]", "enter")
        await settle(pilot)
        assert table.row_count == 1
        assert MARKUP_FRONT[:29] in shown(app, "#browse-table")  # literal in the table
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_keys_typed_while_the_browser_opens_search_and_never_act(app, service, fresh) -> None:
    """Keys typed right after b go to the search box: no card is suspended (s), edited (e)
    or run (x); "/" (the search key) typed first is not searched for."""
    before = [row.suspended for row in service.cards.browse("")]
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b", *"sxe")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowserScreen)  # no editor, no experiment on top
        assert browser.query_one(Input).value == "sxe"
        assert browser.query_one(Input).has_focus
        await pilot.press("escape", "escape", "b", "slash", *"two")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "two"
    assert [row.suspended for row in fresh().cards.browse("")] == before


async def test_stats_screen_draws_after_reviews(app, service) -> None:
    deck_id = service.decks()[0].id
    for _ in range(3):
        card = service.reviews.peek(deck_id).card
        service.reviews.record(card.id, Rating.GOOD)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert shown(app, "#stats-summary").startswith("3 reviews (3 today)")
        assert "Reviews per day" in screen_text(app)
        for _tab in range(3):
            await pilot.press("right")
            await pilot.pause()
        assert "Answer buttons (3 reviews)" in screen_text(app)


def screen_classes_defined() -> set[type]:
    """Every Screen subclass defined in ``studyapp.ui.screens`` (found by import, not by the
    table), the base class excepted."""
    import importlib
    import inspect
    import pkgutil

    from textual.screen import Screen

    import studyapp.ui.screens as package
    from studyapp.ui.screens.base import StudyScreen

    found: set[type] = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found.add(cls)
    return found - {StudyScreen}


def test_every_screen_is_in_the_table() -> None:
    """Help, navigation and the palette read the table: a screen left out of it would have
    no help and no palette entry."""
    from studyapp.ui.screens.modals import ChooseExperiment

    listed = {cls for _, cls in screen_classes()}
    missing = screen_classes_defined() - listed - {ChooseExperiment}  # a ChooseModal
    assert not missing, f"screens missing from SCREENS: {missing}"
    assert HomeScreen in listed and BrowserScreen in listed and StatsScreen in listed


def test_table_keys_open_from_home() -> None:
    from studyapp.ui.screens.table import SCREENS

    home_keys = {b.key for b in bindings_of(HomeScreen)}
    for entry in SCREENS:
        if entry.key and entry.name not in {"help", "experiment"}:
            assert entry.key in home_keys, entry.name


async def test_help_shows_every_binding_by_key_never_by_id(app) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows()
    seen = {(row.section, key) for row in rows for key in row.keys.split()}
    for title, cls in screen_classes():
        for binding in bindings_of(cls):
            assert binding.id, f"{cls.__name__} binds {binding.key} without an id"
            assert binding.tooltip, f"{binding.id} has no tooltip"
            assert (title, app.get_key_display(binding)) in seen, binding.id
    ids = {b.id for _, cls in screen_classes() for b in bindings_of(cls)}
    ids |= {b.id for b in bindings_of(type(app))}
    text = "\n".join(f"{r.section} {r.keys} {r.description}" for r in rows)
    assert not [i for i in ids if i and i in text]  # never "review.space"
    helps = [r for r in rows if r.description.startswith("Help")]
    assert len(helps) == 1 and helps[0].keys == "? f1"  # one row for both keys
    review = [r for r in rows if r.section == "Review"]
    assert any(r.keys == "u" and r.description.startswith("Undo") for r in review)


async def test_help_lists_the_origin_screen_first(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("escape")  # from the search box to the table
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.rows()[0].section == "Browse"


async def test_palette_lists_each_screen_and_help_once(app) -> None:
    from studyapp.ui.commands import commands
    from studyapp.ui.screens.table import SCREENS

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        decks = app.service.decks()
        titles = [c.title for c in commands(app, decks)]
        titles += [c.title for c in app.get_system_commands(app.screen)]
    for entry in SCREENS:
        if entry.palette:
            assert titles.count(entry.title) == 1, entry.title
    assert titles.count("Help") == 1
    assert "Optimize parameters" in titles and not [t for t in titles if "ptimis" in t]
    for deck in decks:
        for prefix in ("Review", "Quiz", "Typed quiz", "Browse", "Exam date"):
            assert titles.count(f"{prefix}: {deck.name}") == 1


async def test_palette_reads_the_decks_once_per_opening(app, service) -> None:
    calls: list[int] = []
    real = service.decks.list

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        service.decks.list = counted  # type: ignore[method-assign]
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"Review GAN lecture")
        await pilot.pause(0.5)
        assert len(calls) == 1  # at opening, not per keystroke
        await pilot.press("escape")
        await pilot.pause()


async def test_command_palette_opens_screens_and_decks(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
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


async def test_theme_cycles_and_is_remembered(app, service, clock) -> None:
    from studyapp.ui.app import StudyApp
    from studyapp.ui.settings import settings_path

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first = app.theme
        await pilot.press("ctrl+t")
        await pilot.pause()
        chosen = app.theme
        assert chosen != first
    assert f'theme = "{chosen}"' in settings_path().read_text()
    again = StudyApp(lambda: service, clock=clock, sync_decks=False)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.theme == chosen


async def test_unreadable_settings_warn_and_keep_the_default(app, service, clock) -> None:
    from studyapp.ui.app import StudyApp
    from studyapp.ui.settings import settings_path
    from studyapp.ui.themes import THEMES

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("theme = [not toml")
    again = StudyApp(lambda: service, clock=clock, sync_decks=False)
    async with again.run_test(size=(160, 24), notifications=True) as pilot:
        await ready(pilot)
        assert again.theme == THEMES[0].name
        await pilot.pause(0.3)
        assert "settings ignored" in screen_text(again)


async def test_data_changed_reloads_the_showing_screen(app, service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        deck_id = service.decks()[0].id
        service.decks.set_exam(deck_id, date(2026, 12, 1))  # behind the app's back
        await settle(pilot)
        assert "exam in" not in shown(app, "#deck-detail")
        app.announce("test")
        await settle(pilot)
        assert "exam in 11 days" in shown(app, "#deck-detail")


async def test_markup_in_deck_names_and_toasts_is_literal(service, clock) -> None:
    from studyapp.ui.app import StudyApp

    service.imports.parsed(test_deck("[bold]Deck[/] [link=x]one[/link]", missing=False))
    app = StudyApp(lambda: service, clock=clock, sync_decks=False)
    async with app.run_test(size=(160, 24), notifications=True) as pilot:  # a one-line toast
        await ready(pilot)
        assert "[bold]Deck[/] [link=x]one[/link]" in screen_text(app)  # the deck table
        await pilot.press("down", "e", *"+3", "enter")  # the markup deck sorts second
        await pilot.pause(0.3)
        assert "Exam on 2026-11-23 for [bold]Deck[/] [link=x]one[/link]" in screen_text(app)


async def test_optimize_runs_on_a_worker_and_reports_refusal(app, service) -> None:
    import threading

    threads: list[str] = []
    real = service.fsrs.optimize

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    service.fsrs.optimize = spy  # type: ignore[method-assign]
    async with app.run_test(size=(160, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert "not enough reviews" in screen_text(app)  # the service's reason, as a toast
    assert threads and threads[0] != threading.main_thread().name


async def test_browser_x_opens_the_cards_experiment(app, service, monkeypatch) -> None:
    from studyapp.ui.screens.experiment import ExperimentScreen

    monkeypatch.setenv("STUDYAPP_RUN_BACKEND", "thread")  # no child process to start
    linked = next(row for row in service.cards.browse("") if len(row.experiments) == 1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        browser.query_one(Input).value = linked.front
        await pilot.press("enter")
        await settle(pilot)
        assert browser.selected().id == linked.id
        assert f"Experiments: {linked.experiments[0]}" in shown(app, "#browse-detail")
        await pilot.press("x")
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, ExperimentScreen)
        assert (opened.experiment_id, opened.card_id) == (linked.experiments[0], linked.id)
        assert opened.spec.title in screen_text(app)


async def test_choice_quiz_by_arrow_and_enter(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await settle(pilot)  # the questions load on a worker
        quiz = app.screen
        right = quiz.questions[0].correct_index
        await pilot.press(*["down"] * right, "enter")
        await pilot.pause()
        assert quiz.score.right == 1 and quiz.answered
        await pilot.press("enter")  # next question
        await pilot.pause()
        assert quiz.index == 1 and not quiz.answered


def test_every_screen_with_bindings_is_in_the_table() -> None:
    """Help and the palette read the screen table: a screen left out of it (or removed
    from it) would lose its keys from help, so every screen class with bindings is listed."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    import studyapp.ui.screens as package
    from studyapp.ui.screens.help import screen_classes

    listed = {cls for _, cls in screen_classes()}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Screen)
                and value.__module__ == module.__name__
                and value.__dict__.get("BINDINGS")
            ):
                assert value in listed, f"{value.__name__} is missing from the screen table"
