"""A card's links and history in the UI: ``x`` on a card without links says so (review and
browser); the browser counts a graded prediction as an answer and names it in the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from studyapp.deckfmt.model import ParsedCard
from studyapp.study.service import StudyService
from studyapp.ui.app import NO_EXPERIMENT, StudyApp
from studyapp.ui.screens.browser import BrowserScreen
from studyapp.ui.screens.experiment import ExperimentScreen
from studyapp.ui.screens.review import ReviewScreen
from tests.ui.conftest import Clock, open_service, ready, settle, shown
from tests.ui.fake_experiment import FAKE_FRONT, fake_deck

SIZE = (100, 30)


pytestmark = pytest.mark.usefixtures("fake_spec")


@pytest.fixture
def study(db_path: Path, clock: Clock) -> StudyService:
    svc = open_service(db_path, clock)
    policy = ParsedCard(front="What is a policy?", back="A mapping from states", line=1)
    svc.imports.parsed(fake_deck(policy, ParsedCard(front=FAKE_FRONT, back="A double.", line=3)))
    return svc


def notices(app: StudyApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_x_on_a_card_without_links_says_so(study_app) -> None:
    async with study_app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        review = study_app.screen
        assert isinstance(review, ReviewScreen) and review.card is not None
        assert review.card.front == "What is a policy?" and not review.card.experiments
        await pilot.press("x")
        await pilot.pause()
        assert study_app.screen is review  # nothing opened, and said why
        assert NO_EXPERIMENT in notices(study_app)
        await pilot.press("escape", "b")
        await settle(pilot)
        browser = study_app.screen
        assert isinstance(browser, BrowserScreen)
        await pilot.press("escape")  # from the search box to the table; the first card
        await pilot.press("x")
        await pilot.pause()
        assert study_app.screen is browser and notices(study_app).count(NO_EXPERIMENT) == 2


async def test_the_browser_counts_and_names_a_graded_prediction(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await settle(pilot)
        browser = study_app.screen
        browser.query_one(Input).value = "fake concept"
        await pilot.press("enter")
        await settle(pilot)
        assert "0 answers" in shown(study_app, "#browse-detail")
        await pilot.press("x")
        await pilot.pause()
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen)
        await pilot.press("down", "enter", "s")  # "one": what the fake run measures
        while screen.state != "finished":
            await pilot.pause(0.05)
        await pilot.press("escape")
        await settle(pilot)
        assert study_app.screen is browser
        detail = shown(study_app, "#browse-detail")
        assert "1 answer (1 prediction)" in detail
        assert "latest: Nov 20 prediction right" in detail
    listed = {row.card.front: row for row in study.cards.listing()}
    assert listed["What is the fake concept?"].predictions == 1
