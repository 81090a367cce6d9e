"""Fixes from a hands-on QA pass of the TUI (80x24 and 60x20), each driven by keys."""

from __future__ import annotations

from textual.widgets import DataTable

from studyapp.deckfmt.model import ParsedCard, ParsedDeck
from studyapp.study.views import Rating
from studyapp.ui.screens.browser import BrowserScreen
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.review import ReviewScreen
from studyapp.ui.screens.stats import count_ticks
from studyapp.ui.widgets.keybar import Item, render
from studyapp.ui.widgets.rating_bar import RatingBar
from tests.ui.conftest import ready, screen_text, settle, shown, test_deck
from tests.ui.test_review import review_logs, start_review

SMALL = (60, 20)
LONG_NAME = "CH20 - Deep Generative Models - I. Goodfellow"


def last_line(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).rstrip("\n").splitlines()[-1]


async def test_home_counts_stay_visible_at_60_columns(app, service) -> None:
    service.imports.parsed(test_deck(LONG_NAME, missing=False))
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Deck" in line and "New" in line)
        for column in ("Learn", "Due", "Done", "Exam"):
            assert column in header
        assert LONG_NAME[:20] in text  # cut, not dropped
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert LONG_NAME in screen_text(app)  # wide enough again: the whole name


async def test_footer_keeps_back_and_help_when_narrow(app) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await start_review(pilot)
        bar = shown(app, "KeyBar")
        assert "esc Home" in bar and "? Help" in bar and len(bar) <= SMALL[0]
        assert bar.lstrip().startswith("space Reveal")
        assert "…" not in bar


def bar_items(app) -> list[str]:  # type: ignore[no-untyped-def]
    """``"key description"`` of each binding the current screen shows in the key bar."""
    items: dict[tuple[str, str], str] = {}
    for active in app.screen.active_bindings.values():
        binding = active.binding
        if binding.show:  # one item per action, like the bar (? and f1 are one Help)
            shown = f"{app.get_key_display(binding)} {binding.description}"
            items.setdefault((binding.action, binding.description), shown)
    return list(items.values())


async def test_footer_shows_every_screen_key_whole_at_80_columns(app) -> None:
    """No "x Exper…": at 80x24 each screen's own keys, back and help are whole on the bar
    (the app's quit may give way; it stays in help)."""
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in [(), ("b",), ("escape", "escape", "s"), ("escape", "enter")]:
            await pilot.press(*keys)
            await settle(pilot)
            bar = shown(app, "KeyBar")
            assert len(bar) <= 80 and "…" not in bar, bar
            for item in bar_items(app):
                assert item in bar or item == "^q Quit", (item, bar)
        assert isinstance(app.screen, ReviewScreen)
        assert "x Experiment" in shown(app, "KeyBar")


def test_keybar_drops_whole_items_and_keeps_marked_ones() -> None:
    items = [Item("space", "Reveal"), *(Item(k, "Something") for k in "abcdef")]
    items += [Item("esc", "Home", keep=True), Item("?", "Help", keep=True)]
    wide = render(items, 200).plain
    assert "^p palette" in wide and "f Something" in wide
    narrow = render(items, 60).plain
    assert len(narrow) <= 60
    assert narrow.endswith(" esc Home ? Help") and "…" not in narrow
    assert "^p" not in narrow and "Somethin " not in narrow + " "
    assert narrow.startswith(" space Reveal a Something")


async def test_typed_quiz_hint_names_enter_not_space(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)  # the questions load on a worker
        await pilot.press(*"no idea", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Missed." in text and "enter: next" in text
        assert "space or enter" not in text  # space would type into the answer box


async def test_quiz_question_stays_readable_at_60x20(app, service) -> None:
    long = "Why does a generative adversarial network trained on a ring of eight modes " * 2
    cards = [
        ParsedCard(front=f"{long} ({i})", back=f"Because of answer number {i} " * 3, line=i)
        for i in range(6)
    ]
    quiz = ParsedDeck(name="A long quiz", format="deck", source="t", cards=cards)
    service.imports.parsed(quiz)
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#decks", DataTable).move_cursor(row=0)  # "A long quiz" sorts first
        await pilot.press("q")
        await settle(pilot)  # the questions load on a worker
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        await pilot.press("1")
        await pilot.pause()
        text = " ".join(screen_text(app).replace("│", " ").split())
        prompt = " ".join(quiz.questions[0].prompt.split())
        assert prompt[:100] in text  # the question's first two lines, after answering
        assert "Quiz 1/" in text and "score" in text


async def test_stats_wording_and_whole_number_axes(app, service) -> None:
    deck_id = service.decks()[0].id
    service.reviews.record(service.reviews.peek(deck_id).card.id, Rating.GOOD)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "1 review (1 today)" in text
        assert "retention not measured yet (goal 90%)" in text
        await pilot.press("right")
        await pilot.pause()
        forecast = screen_text(app)
        assert "Cards due per day" in forecast
        assert "0.50" not in forecast and "0.17" not in forecast  # counts, not fractions


def test_count_ticks_are_whole_and_cover_the_top() -> None:
    assert count_ticks(0) == [0, 1]
    assert count_ticks(3) == [0, 1, 2, 3]
    assert count_ticks(12) == [0, 5, 10, 15]
    for top in (1, 7, 99, 1234):
        ticks = count_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 7


async def test_browser_explains_a_missing_answer(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("slash", *"Draw the GAN", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "A: (no answer)" in text
        assert "the deck file gives no answer for this card" in text


async def test_browser_new_search_starts_at_its_first_match(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await settle(pilot)
        await pilot.press("escape")  # from the search box to the table
        await pilot.press("down", "down", "down", "down", "down")
        assert browser.query_one("#browse-table", DataTable).cursor_row == 5
        await pilot.press("slash", *"what", "enter")
        await pilot.pause()
        assert browser.query_one("#browse-table", DataTable).cursor_row == 0
        assert browser.selected() is browser.rows[0]


async def test_click_on_a_rating_answers(app, fresh) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        card_id = screen.card.id
        await pilot.press("space")
        await pilot.pause()
        bar = screen.query_one(RatingBar)
        x = next(x for x in range(bar.size.width) if bar.rating_at(x) == Rating.EASY)
        assert await pilot.click(RatingBar, offset=(x + 2, 0))
        await pilot.pause()
    assert review_logs(fresh()) == [(card_id, Rating.EASY)]


async def test_theme_change_is_announced(app) -> None:
    async with app.run_test(size=(160, 24), notifications=True) as pilot:  # a one-line toast
        await ready(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause(0.3)
        assert f"Theme: {app.theme}" in screen_text(app)


async def test_review_entry_opens_on_the_first_card_and_escape_goes_home(service, clock) -> None:
    from studyapp.ui.app import StudyApp

    deck = service.decks()[0]
    expected = service.reviews.peek(deck.id, now=clock()).card
    app = StudyApp(lambda: service, clock=clock, sync_decks=False, review=(deck.id, deck.name))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.card is not None and screen.card.id == expected.id
        assert expected.front[:30] in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert deck.name in screen_text(app)


async def test_review_entry_for_every_deck(service, clock) -> None:
    from studyapp.ui.app import StudyApp

    service.imports.parsed(test_deck("VAE lecture", missing=False))
    app = StudyApp(lambda: service, clock=clock, sync_decks=False, review=(None, "All decks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        status = screen_text(app).splitlines()[1]
        assert status.startswith("All decks") and "12 new" in status  # both decks' new cards


async def test_counts_of_one_read_as_singular(app) -> None:
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "· 1 deck" in text and "1 decks" not in text
        assert "1 answer-missing card suspended" in text
