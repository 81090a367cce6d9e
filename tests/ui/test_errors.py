"""A database that cannot open, or a failing service call, is a clear message, never a crash."""

from __future__ import annotations

import argparse
from functools import partial

import pytest

from studyapp.cli.errors import CliError
from studyapp.ui import launch
from studyapp.ui.app import StudyApp, open_service
from studyapp.ui.screens.home import HomeScreen
from tests.ui.conftest import ready, screen_text


async def test_foreign_file_is_reported_and_left_untouched(tmp_path) -> None:
    foreign = tmp_path / "notes.db"
    content = b"these are my lecture notes, not a database\n" * 50
    foreign.write_bytes(content)
    app = StudyApp(partial(open_service, str(foreign)), sync_decks=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.startup_error and str(foreign.name) in app.startup_error
        text = screen_text(app)
        assert "Cannot open the database" in text
        assert "Traceback" not in text
        await pilot.press("enter", "b", "s", "q")  # nothing to open: warnings, no crash
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert foreign.read_bytes() == content


def test_run_app_exits_with_one_line_error(monkeypatch, tmp_path) -> None:
    foreign = tmp_path / "corrupt.db"
    foreign.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)

    original_run = StudyApp.run

    def headless_run(self: StudyApp) -> None:
        async def quit_when_opened(pilot) -> None:  # type: ignore[no-untyped-def]
            await ready(pilot)
            pilot.app.exit()

        original_run(self, headless=True, size=(80, 24), auto_pilot=quit_when_opened)

    monkeypatch.setattr(StudyApp, "run", headless_run)
    with pytest.raises(CliError, match=r"corrupt\.db") as raised:
        launch.run_app(argparse.Namespace(db=str(foreign)))
    assert "\n" not in str(raised.value)


async def test_failing_service_call_becomes_a_notification(app, service, monkeypatch) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk I/O error")

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        card = screen.card
        monkeypatch.setattr(service.reviews, "answer", broken)  # one call per key
        await pilot.press("space", "3")
        await pilot.pause()
        assert screen.card == card and screen.revealed  # kept, can be answered again
        await pilot.pause(0.3)
        assert "disk I/O error" in screen_text(app)  # the toast
