"""The app's start path stays light: no torch ever; SQL on the service worker, or before the
first frame on a local file."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from tests.ui.conftest import open_service, ready, screen_text, test_deck

FIRST_CARD = r"""
import json, sys
from functools import partial
from studyapp.ui.app import StudyApp, open_service

async def until(pilot, ready, what):
    for _ in range(2000):  # 20 s at most: a failure, never a hang
        if ready():
            return
        await pilot.pause(0.01)
    raise SystemExit(f"timed out waiting for {what} on {pilot.app.screen!r}")

async def drive(pilot):
    app = pilot.app
    # home selects its first deck once the service is open and the deck list loaded
    await until(pilot, lambda: getattr(app.screen, "deck", None) is not None, "a deck")
    await pilot.press("enter")
    await until(pilot, lambda: getattr(app.screen, "card", None) is not None, "a card")
    app.exit(str(app.screen.card.id))

app = StudyApp(partial(open_service, sys.argv[1]), sync_decks=False)
app.run(headless=True, size=(80, 24), auto_pilot=drive)
print(json.dumps({"card": app.return_value, "modules": sorted(sys.modules)}))
"""


def modules_after(code: str, *args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.strip().splitlines()[-1])["modules"]}


def test_importing_the_app_loads_no_sql_no_torch_no_plots() -> None:
    code = "import json, sys, studyapp.ui.app\nprint(json.dumps({'modules': list(sys.modules)}))"
    loaded = modules_after(code)
    assert "textual" in loaded
    heavy = {"torch", "sqlmodel", "sqlalchemy", "plotext", "textual_plotext", "matplotlib"}
    assert not loaded & heavy, loaded & heavy


def test_first_card_without_torch(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    service = open_service(db)
    service.imports.parsed(test_deck())
    service.close()
    done = subprocess.run(
        [sys.executable, "-c", FIRST_CARD, str(db)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["card"]  # a card was on screen
    loaded = {name.split(".")[0] for name in result["modules"]}
    assert "torch" not in loaded and "matplotlib" not in loaded


def test_importing_the_app_loads_no_screen() -> None:
    """Home loads only for the home screen: ``studyapp review`` opens on review without it."""
    code = "import json, sys, studyapp.ui.app\nprint(json.dumps({'modules': list(sys.modules)}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1])["modules"])
    assert not {name for name in loaded if name.startswith("studyapp.ui.screens.")}
    assert "textual.widgets._data_table" not in loaded


async def test_a_local_file_opens_before_the_first_frame_so_home_draws_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyapp.study.service import StudyService
    from studyapp.ui.app import StudyApp
    from studyapp.ui.app import open_service as app_open_service
    from studyapp.ui.screens.home import HomeScreen

    db = tmp_path / "study.db"
    assert not StudyService.opens_at_once(str(db))  # no file yet: the worker opens (and creates) it
    service = open_service(db)
    service.imports.parsed(test_deck())
    service.close()
    assert StudyService.opens_at_once(str(db))
    assert not StudyService.opens_at_once("postgresql://u@h/db")
    loads: list[str] = []
    monkeypatch.setattr(StudyApp, "_open_service", lambda self: loads.append("service"))
    monkeypatch.setattr(HomeScreen, "load", lambda self, *a, **k: loads.append(k["label"]))
    app = StudyApp(partial(app_open_service, str(db)), sync_decks=False)
    app.opens_at_load = True
    async with app.run_test(size=(80, 24)):
        home = app.screen
        assert isinstance(home, HomeScreen) and app.ready
        assert [d.name for d in home.decks] == ["GAN lecture"]  # in the first frame
        assert "Today: 0 answered" in screen_text(app)
    assert "service" not in loads and "Loading decks" not in loads
    app.service.close()


async def test_a_file_that_cannot_open_at_load_is_reported_by_the_worker(tmp_path: Path) -> None:
    from studyapp.ui.app import StudyApp
    from studyapp.ui.app import open_service as app_open_service

    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"not a database\n" * 100)
    app = StudyApp(partial(app_open_service, str(foreign)), sync_decks=False)
    app.opens_at_load = True
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not app.ready and app.startup_error and "notes.db" in app.startup_error
        assert "Cannot open the database" in screen_text(app)
