"""Fixtures for the TUI tests: a tmp database with a small deck, a fixed clock, the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

import models
from models.base import ExperimentSpec
from studyapp.deckfmt.model import ParsedCard, ParsedDeck
from studyapp.study.service import StudyService
from studyapp.ui.app import StudyApp

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
"""The fixed "now" of every UI test (a Friday morning)."""

MARKUP_FRONT = "What is mode collapse in a [bold]GAN[/]?"
MARKUP_BACK = "The generator [/] covers few modes [link=x]click[/link]"

SPEC_IDS = [spec.id for spec in models.all_specs()]
"""Experiments that exist (the service keeps only links to these)."""

CARDS = [
    ("What does the KL term in a VAE do?", "Pulls q(z|x) toward the prior N(0, I).", SPEC_IDS[:1]),
    (MARKUP_FRONT, MARKUP_BACK, SPEC_IDS[:2]),
    ("What does the Wasserstein distance measure?", "Earth mover's distance", []),
    ("Why clip the critic's weights in a WGAN?", "To keep the critic 1-Lipschitz", []),
    ("What is the reparameterization trick?", "z = mu + sigma * eps", ["reparameterization"]),
    ("What does a transposed convolution do?", "Upsamples a feature map", []),
]


@dataclass
class Clock:
    """A settable clock shared by the service and the app."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def test_deck(name: str = "GAN lecture", *, missing: bool = True) -> ParsedDeck:
    """A small deck; with ``missing`` one card whose answer was an image."""
    cards = [
        ParsedCard(front=f, back=b, line=2 * i + 1, experiments=list(e))
        for i, (f, b, e) in enumerate(CARDS)
    ]
    if missing:
        cards.append(
            ParsedCard(
                front="Draw the GAN training loop.",
                back="",
                line=99,
                flags=["answer-missing"],
            )
        )
    return ParsedDeck(name=name, format="deck", source=f"tests/{name}.txt", cards=cards)


test_deck.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the real data dir, config dir or the bundled decks."""
    monkeypatch.setenv("STUDYAPP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYAPP_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("STUDYAPP_DB", str(tmp_path / "home" / "env.db"))
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


def open_service(db_path: Path, clock: Callable[[], datetime] | None = None) -> StudyService:
    return StudyService.open(str(db_path), clock=clock, fuzz=False, tz=UTC)


@pytest.fixture
def service(db_path: Path, clock: Clock) -> StudyService:
    """An open service on a tmp database holding :func:`test_deck`."""
    svc = open_service(db_path, clock)
    svc.imports.parsed(test_deck())
    return svc


@pytest.fixture
def fresh(db_path: Path, clock: Clock) -> Callable[[], StudyService]:
    """Open a second service on the same file: what the database really holds."""
    opened: list[StudyService] = []

    def make() -> StudyService:
        svc = open_service(db_path, clock)
        opened.append(svc)
        return svc

    yield make  # type: ignore[misc]
    for svc in opened:
        svc.close()


@pytest.fixture
def app(service: StudyService, clock: Clock) -> StudyApp:
    """The app on the tmp database, with the fixed clock and no bundled-deck sync."""
    return StudyApp(lambda: service, clock=clock, sync_decks=False)


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the service opened and the home screen shows the decks."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(widget: Widget) -> str:
    """A widget's text as the app holds it: a Static's content, a table's cells (a row a
    line, cells joined by " | "), an Input's value."""
    from textual.widgets import DataTable, Input, Static

    if isinstance(widget, DataTable):
        rows = (widget.get_row_at(i) for i in range(widget.row_count))
        return "\n".join(" | ".join(str(cell) for cell in row) for row in rows)
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, Static):
        visual = widget.render()
        return getattr(visual, "plain", str(visual))
    raise TypeError(f"no text for {type(widget).__name__}")


def shown(app: StudyApp, selector: str) -> str:
    """The text of the current screen's widget matching ``selector``."""
    return text_of(app.screen.query_one(selector))


async def settle(pilot: Pilot[None]) -> None:
    """Let the screen's loads (thread workers) finish and their messages land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def logged(service: StudyService, kind: str) -> list[tuple[int, int]]:
    """``(card_id, rating)`` of every answer of ``kind``, oldest first, as the database file
    holds them (read by a separate connection)."""
    import sqlite3

    with sqlite3.connect(f"file:{service.db.path}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT card_id, rating FROM review_log WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()
    return [(int(card), int(rating)) for card, rating in rows]


def screen_text(app: StudyApp) -> str:
    """The visible text of the screen, from an SVG screenshot: only for what the layout
    does to the text (cut, wrapped, hidden); read contents with :func:`shown`."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    pattern = r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>'
    for match in re.finditer(pattern, svg):
        x, y = float(match.group(1)), float(match.group(2))
        rows.setdefault(y, []).append((x, html.unescape(match.group(3))))
    return "\n".join(
        "".join(text for _, text in sorted(parts)).replace("\xa0", " ")
        for _, parts in sorted(rows.items())
    )


# -- the fake experiment (tests/ui/fake_experiment.py) run from a card ----------------------


@pytest.fixture
def fake_spec(monkeypatch: pytest.MonkeyPatch) -> ExperimentSpec:
    """The fake experiment registered beside the real ones, on the thread backend (use it
    with ``pytestmark = pytest.mark.usefixtures("fake_spec")``)."""
    from tests.ui import fake_experiment

    return fake_experiment.register(monkeypatch)


@pytest.fixture
def study(db_path: Path, clock: Clock) -> StudyService:
    """A service whose one deck has a card linked to the fake experiment by its text."""
    from tests.ui.fake_experiment import fake_deck

    svc = open_service(db_path, clock)
    svc.imports.parsed(fake_deck())
    return svc


@pytest.fixture
def study_app(study: StudyService, clock: Clock) -> StudyApp:
    return StudyApp(lambda: study, clock=clock, sync_decks=False)
