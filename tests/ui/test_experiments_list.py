"""The experiments list (``studyapp experiments`` in the app) and the palette's experiments."""

from __future__ import annotations

import models
from studyapp.ui.app import StudyApp
from studyapp.ui.experiment_commands import experiment_commands
from studyapp.ui.screens.experiment import ExperimentScreen
from studyapp.ui.screens.experiments import ExperimentsScreen
from studyapp.ui.screens.runs import RunsScreen
from tests.ui.conftest import MARKUP_FRONT, SPEC_IDS, settle, shown

SIZE = (100, 30)


def linked_fronts(service, experiment: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Fronts of the cards the database links to ``experiment`` (by the deck file or by
    the card's text)."""
    return [c.front for c in service.cards.browse() if experiment in c.experiments]


async def open_list(app: StudyApp, pilot) -> ExperimentsScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    app.open("experiments")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ExperimentsScreen)
    return screen


async def test_lists_every_experiment_with_its_linked_cards(app, service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(app, pilot)
        table = screen.query_one("#experiments-table")
        rows = shown(app, "#experiments-table").splitlines()
        specs = models.all_specs()
        assert len(rows) == len(specs) == table.row_count  # type: ignore[attr-defined]
        for spec, row in zip(specs, rows, strict=True):
            cards, runs, title = row.split(" | ")
            assert title == spec.title
            assert int(cards) == len(linked_fronts(service, spec.id))
            assert runs == "0"
        assert any(int(row.split(" | ")[0]) == 0 for row in rows)  # not every one is linked
        # the markup card links the second experiment (in the deck file): shown literally
        index = [spec.id for spec in specs].index(SPEC_IDS[1])
        await pilot.press(*["down"] * index)
        await pilot.pause()
        assert screen.current() is not None and screen.current().id == SPEC_IDS[1]  # type: ignore[union-attr]
        cards = shown(app, "#experiments-cards")
        fronts = linked_fronts(service, SPEC_IDS[1])
        assert MARKUP_FRONT in fronts and MARKUP_FRONT in cards
        assert f"{len(fronts)} linked card{'s' if len(fronts) > 1 else ''}:" in cards
        assert all(front in cards for front in fronts)


async def test_enter_opens_the_experiment_and_h_its_runs(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(app, pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        chosen = screen.current()
        assert chosen is not None
        await pilot.press("enter")
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, ExperimentScreen)
        assert opened.experiment_id == chosen.id and opened.card_id is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen) and app.screen.experiment_id == chosen.id


async def test_palette_finds_every_experiment(app) -> None:
    from textual.widgets import OptionList

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in experiment_commands(app)]
        assert len(titles) == len(models.all_specs())
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"mode coll")
        await pilot.pause(0.8)
        options = app.screen.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert first.startswith("Experiment: Mode collapse") and "(mode-collapse)" in first
        await pilot.press("enter")  # the first hit
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExperimentScreen) and screen.experiment_id == "mode-collapse"


async def test_palette_word_experiment_lists_them_all(app) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"experiment")
        await pilot.pause(1.0)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        for spec in models.all_specs():
            assert any(f"({spec.id})" in p for p in prompts), spec.id
        assert any(p.startswith("Experiments") for p in prompts)  # the list screen too
