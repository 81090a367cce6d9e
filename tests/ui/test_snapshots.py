"""Snapshot tests of the key screens (fixed clock, tmp database: deterministic).

Update after an intended visual change with ``pytest tests/ui/test_snapshots.py
--snapshot-update`` and review the SVGs in ``tests/ui/__snapshots__``.
"""

from __future__ import annotations

import pytest

from studyapp.study.views import Rating
from studyapp.ui.app import StudyApp
from tests.ui.conftest import open_service, ready, test_deck


@pytest.fixture
def service(db_path, clock, monkeypatch):  # type: ignore[no-untyped-def]
    """The test deck with fixed experiment links, whatever experiments exist today."""
    import studyapp.experiments.links

    links = {"What does the KL term in a VAE do?": ["kl-term"]}
    monkeypatch.setattr(
        studyapp.experiments.links,
        "experiments_for",
        lambda front, back, explicit=(): links.get(front, []),
    )
    svc = open_service(db_path, clock)
    svc.imports.parsed(test_deck())
    return svc


def make_app(service, clock) -> StudyApp:  # type: ignore[no-untyped-def]
    return StudyApp(lambda: service, clock=clock, sync_decks=False)


def with_history(service, clock) -> None:  # type: ignore[no-untyped-def]
    """A few days of answers so the home counts and the stats charts have data."""
    deck_id = service.decks()[0].id
    ratings = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.GOOD, Rating.HARD]
    start = clock.now
    for day in range(3):
        clock.now = start.replace(day=start.day - 3 + day)
        for rating in ratings[day:]:
            queued = service.reviews.peek(deck_id)
            card = queued.card if queued is not None else None
            if card is not None:
                service.reviews.record(card.id, rating, duration_ms=4000)
    clock.now = start


def test_home(snap_compare, service, clock) -> None:
    with_history(service, clock)
    service.decks.set_exam(service.decks()[0].id, clock.now.date().replace(day=30))
    assert snap_compare(make_app(service, clock), terminal_size=(80, 24), run_before=ready)


def test_exam_plan(snap_compare, service, clock) -> None:
    with_history(service, clock)
    service.decks.set_exam(service.decks()[0].id, clock.now.date().replace(day=30))

    async def plan(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(service, clock), terminal_size=(80, 24), run_before=plan)


def test_review_revealed(snap_compare, service, clock) -> None:
    async def reveal(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(make_app(service, clock), terminal_size=(80, 24), run_before=reveal)


def test_stats(snap_compare, service, clock) -> None:
    with_history(service, clock)

    async def stats(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(service, clock), terminal_size=(80, 24), run_before=stats)
