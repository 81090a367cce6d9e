"""``x`` on a card opens its experiment with the card's suggested settings in the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from studyapp.deckfmt import parse_text
from studyapp.study.service import StudyService
from studyapp.ui.app import StudyApp
from studyapp.ui.screens.browser import BrowserScreen
from studyapp.ui.screens.experiment import ExperimentScreen
from studyapp.ui.screens.modals import ChooseModal
from studyapp.ui.screens.review import ReviewScreen
from tests.ui.conftest import Clock, open_service, ready, screen_text

SIZE = (120, 40)
DECK = """\
Q: Why does minibatch std [bold]help[/]?
A: D sees the batch's spread.
experiments: mode-collapse(data=grid25, steps=3000, seed=7)

Q: What happens to the KL term with a large beta?
A: q(z|x) equals the prior.

Q: Which GAN losses fail on the grid of 25 Gaussians?
A: Both show it.
experiments: mode-collapse(seed=3), vanishing-gradients
"""


@pytest.fixture
def study(db_path: Path, clock: Clock) -> StudyService:
    svc = open_service(db_path, clock)
    svc.imports.parsed(parse_text(DECK, "deck", "tests/settings.deck"))
    return svc


@pytest.fixture
def study_app(study: StudyService, clock: Clock) -> StudyApp:
    return StudyApp(lambda: study, clock=clock, sync_decks=False)


def form(screen: ExperimentScreen) -> dict[str, object]:
    """The parameter inputs' values, ``steps`` and ``seed`` included."""
    values: dict[str, object] = {}
    for param in screen.spec.params:
        widget = screen.query_one(f"#param-{param.name}")
        values[param.name] = widget.value  # type: ignore[attr-defined]
    values["steps"] = screen.query_one("#exp-steps", Input).value
    values["seed"] = screen.query_one("#exp-seed", Input).value
    return values


async def test_x_on_review_card_opens_the_experiment_with_its_settings(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        review = study_app.screen
        assert isinstance(review, ReviewScreen) and review.card is not None
        assert review.card.front.startswith("Why does minibatch std [bold]help[/]?")
        assert "Experiment: mode-collapse (data=grid25, steps=3000, seed=7)" in screen_text(
            study_app
        )
        await pilot.press("x")
        await pilot.pause()
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen)
        assert screen.card_id == review.card.id
        values = form(screen)
        assert (values["data"], values["steps"], values["seed"]) == ("grid25", "3000", "7")
        assert screen.query_one("#param-data", Select).value == "grid25"
        assert values["lr_g"] == str(screen.spec.param("lr_g").default)  # not suggested
        assert screen.read_form()[1:] == (3000, 7)
        assert screen.read_form()[0]["data"] == "grid25"


async def test_chooser_labels_and_text_suggestions_merge_with_explicit(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        review = study_app.screen
        assert isinstance(review, ReviewScreen)
        while review.card is not None and not review.card.front.startswith("Which GAN"):
            await pilot.press("b")
            await pilot.pause()
        text = screen_text(study_app)
        assert "mode-collapse (data=grid25, steps=3000, seed=3)" in text
        assert "vanishing-gradients (data=grid25)" in text
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(study_app.screen, ChooseModal)
        assert "vanishing-gradients (data=grid25): Vanishing" in screen_text(study_app)
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen) and screen.experiment_id == (
            "vanishing-gradients"
        )
        assert form(screen)["data"] == "grid25"
        assert form(screen)["steps"] == str(screen.spec.default_steps)


async def test_x_in_the_browser_uses_the_suggestion_from_the_card_text(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        browser = study_app.screen
        assert isinstance(browser, BrowserScreen)
        assert browser.query_one(Input).has_focus  # the browser opens on its search box
        await pilot.press(*"large beta", "enter")
        await pilot.pause()
        assert browser.query_one("#browse-table", DataTable).row_count == 1
        assert "Experiments: kl-term (beta_max=10)" in screen_text(study_app)
        await pilot.press("x")
        await pilot.pause()
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen) and screen.experiment_id == "kl-term"
        assert form(screen)["beta_max"] == "10.0"
