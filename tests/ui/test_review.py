"""Pilot sessions on the review screen, asserting what the database holds afterwards."""

from __future__ import annotations

from studyapp.study.views import Rating
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.modals import ChooseModal, EditCardModal
from studyapp.ui.screens.review import ReviewScreen
from tests.ui.conftest import MARKUP_BACK, MARKUP_FRONT, logged, ready, screen_text

SIZE = (80, 24)


async def start_review(pilot) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def review_logs(service) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """``(card_id, rating)`` of every review-kind answer, oldest first, from the database."""
    return logged(service, "review")


async def test_reveal_rate_and_every_answer_committed(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        seen = []
        for key in ("1", "3", "4"):
            assert screen.card is not None
            seen.append((screen.card.id, int(key)))
            await pilot.press("space")  # reveal
            assert screen.revealed
            await pilot.press(key)
            await pilot.pause()
            # committed before the next card shows: a second connection sees it now
            assert review_logs(fresh()) == seen
        await pilot.press("space", "space")  # reveal, then space = Good
        await pilot.pause()
    assert len(review_logs(fresh())) == 4
    assert review_logs(fresh())[-1][1] == Rating.GOOD


async def test_rating_keys_ignored_until_revealed(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        first = screen.card
        await pilot.press("3", "4", "1")
        await pilot.pause()
        assert screen.card == first and not screen.revealed
    assert review_logs(fresh()) == []


async def test_buttons_show_the_next_interval(app, service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        await pilot.press("space")
        await pilot.pause()
        text = screen_text(app)
        intervals = service.reviews.preview(screen.card.id)
    from studyapp.ui.text import format_interval

    for rating, label in [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]:
        assert f"{rating} {label} {format_interval(intervals[Rating(rating)])}" in text


async def test_undo_several_levels(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        order = []
        for _ in range(3):
            order.append(screen.card.id)
            await pilot.press("space", "3")
            await pilot.pause()
        assert len(review_logs(fresh())) == 3
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.id == order[2] and not screen.revealed
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.id == order[1]
        assert review_logs(fresh()) == [(order[0], 3)]
        fresh_card = fresh().cards.get(order[1])
        assert fresh_card.reps == 0 and fresh_card.state == "new"


async def test_bury_and_suspend(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        buried = screen.card.id
        await pilot.press("b")
        await pilot.pause()
        suspended = screen.card.id
        assert suspended != buried
        await pilot.press("s")
        await pilot.pause()
        assert screen.card.id not in {buried, suspended}
    db = fresh()
    assert db.cards.get(buried).buried and not db.cards.get(buried).suspended
    assert db.cards.get(suspended).suspended
    assert buried not in db.reviews.queue(None) and suspended not in db.reviews.queue(None)
    assert review_logs(db) == []


async def test_edit_card_in_modal(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        card_id = screen.card.id
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EditCardModal)
        from textual.widgets import TextArea

        modal.query_one("#edit-front", TextArea).text = "Edited [b]front[/b]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "Edited [b]front[/b]" in screen_text(app)
    assert fresh().cards.get(card_id).front == "Edited [b]front[/b]"


async def test_flag_card(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        card_id = screen.card.id
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("enter")  # first option: marked
        await pilot.pause()
        assert app.screen is screen
    assert "marked" in fresh().cards.get(card_id).flags


async def test_markup_in_card_text_shows_literally(app, service) -> None:
    target = next(r.id for r in service.cards.browse("mode collapse"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        while screen.card is not None and screen.card.id != target:
            await pilot.press("b")  # bury the cards before it
            await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        text = screen_text(app)
    assert MARKUP_FRONT in text
    assert MARKUP_BACK in text


async def test_answer_missing_card_is_explained(app, service) -> None:
    missing = next(r for r in service.cards.browse("training loop"))
    assert missing.suspended  # answer-missing cards start suspended
    service.cards.unsuspend(missing.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        while screen.card is not None and screen.card.id != missing.id:
            await pilot.press("b")
            await pilot.pause()
        assert screen.card is not None and screen.card.missing_reason
        await pilot.press("space")
        await pilot.pause()
        assert "No answer in the deck file" in screen_text(app)


async def test_linked_experiments_listed_and_chooser(app, service) -> None:
    target = next(r.id for r in service.cards.browse("mode collapse"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        while screen.card is not None and screen.card.id != target:
            await pilot.press("b")
            await pilot.pause()
        first, second = service.cards.get(target).experiments
        assert f"Experiment: {first} (+1 more: {second})" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChooseModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_single_experiment_opens_experiment_screen(app, monkeypatch) -> None:
    """``x`` on a card linking one experiment opens that experiment's screen, for the card."""
    from studyapp.ui.screens.experiment import ExperimentScreen

    monkeypatch.setenv("STUDYAPP_RUN_BACKEND", "thread")  # no child process to start
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        while screen.card is not None and len(screen.card.experiments) != 1:
            await pilot.press("b")
            await pilot.pause()
        card = screen.card
        assert card is not None
        await pilot.press("x")
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, ExperimentScreen)
        assert (opened.experiment_id, opened.card_id) == (card.experiments[0], card.id)
        assert opened.spec.title in screen_text(app)  # its own layout, not the review's
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_session_end_and_escape_home(app, fresh) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_review(pilot)
        answered = 0
        while screen.card is not None and answered < 20:
            await pilot.press("space", "4")
            await pilot.pause()
            answered += 1
        assert screen.card is None
        assert "Done for now!" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert f"Today: {answered} answered" in screen_text(app)
    assert len(review_logs(fresh())) == answered == 6  # the answer-missing card stays out


async def test_readable_at_60x20(app) -> None:
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await start_review(pilot)
        await pilot.press("space")
        await pilot.pause()
        text = screen_text(app)
        assert screen.card.front[:40] in text
        assert "1 Again" in text and "4 Easy" in text
