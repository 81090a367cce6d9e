"""The payoff at 80x24: after a run the verdict word, its plain sentence and the graded
prediction are on screen without scrolling; pictures draw while the run trains; snapshots
of the screen before, during and after a run.

The fake experiment (``tests/ui/fake_experiment.py``) runs on a thread; for the snapshots a
:class:`GatedBackend` holds the run at a known step and fixes its elapsed time, so every
figure on screen is the same on every machine.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from models.base import Progress, Result
from studyapp.experiments.run_backends import RunRequest, ThreadBackend
from studyapp.ui.screens.experiment import ExperimentScreen, StatusLine
from studyapp.ui.screens.review import ReviewScreen
from studyapp.ui.widgets.curve_grid import CurveGrid
from studyapp.ui.widgets.pixels import PixelView
from studyapp.ui.widgets.plots import CurvePlot
from tests.ui.conftest import ready, screen_text, text_of

SIZE = (80, 24)


pytestmark = pytest.mark.usefixtures("fake_spec")


class GatedBackend(ThreadBackend):
    """The run on this thread, held after step ``hold`` until released or cancelled; the
    result's elapsed time is ``elapsed_s`` (the status line's figures never vary)."""

    def __init__(self, hold: int | None = None, elapsed_s: float = 1.5) -> None:
        super().__init__()
        self.hold = hold
        self.elapsed_s = elapsed_s
        self.reached = threading.Event()
        self.release = threading.Event()

    def run(
        self,
        request: RunRequest,
        on_progress: Callable[[Progress], None],
        stop_when: Callable[[], bool] | None = None,
    ) -> Result:
        def progress(step: Progress) -> None:
            on_progress(step)
            if step.step == self.hold:
                self.reached.set()
                while not self.release.wait(0.02) and not (stop_when and stop_when()):
                    pass

        result = super().run(request, progress, stop_when)
        return dataclasses.replace(result, elapsed_s=self.elapsed_s)

    def close(self) -> None:
        self.release.set()
        super().close()


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30) -> None:
    import time

    started = time.perf_counter()
    while not condition():
        assert time.perf_counter() - started < timeout, "timed out waiting"
        await pilot.pause(0.02)


async def open_experiment(pilot: Pilot[None], backend: ThreadBackend | None = None) -> Any:
    """Home -> review -> ``x``: the experiment screen, optionally on ``backend``."""
    await ready(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("x")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExperimentScreen)
    if backend is not None:
        screen._backend = backend
    await pilot.pause(0.2)
    return screen


def drawn(screen: ExperimentScreen) -> bool:
    """Every plot and picture on screen shows its latest data (no build pending)."""
    if screen._building:
        return False
    plots = [p for p in screen.query(CurvePlot) if p.is_on_screen]
    pictures = [v for v in screen.query(PixelView) if v.is_on_screen]
    return all(p._cache is not None and p._cache[0] == p._key() for p in plots) and not any(
        v.needs_build for v in pictures
    )


def visible(screen: ExperimentScreen, selector: str) -> bool:
    """The widget shows whole inside the 80x24 screen (nothing to scroll to)."""
    widget = screen.query_one(selector)
    region = widget.region
    return bool(widget.display) and region.height > 0 and region.bottom <= SIZE[1] - 1


async def test_verdict_word_sentence_and_grade_show_at_80x24(study_app, study) -> None:
    async with study_app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_experiment(pilot)
        await pilot.press("down", "enter", "s")  # predict "one": the run measures it
        await until(pilot, lambda: screen.state == "finished")
        await pilot.pause(0.2)
        assert visible(screen, "#exp-verdict") and visible(screen, "#exp-graded")
        text = screen_text(study_app)
        assert "PASSED  Loss fell to 0.042." in text  # the word, then the plain sentence
        assert "✓ your prediction was right: one" in text
        screen.notify("A notification of three lines or so, about anything at all " * 2)
        await pilot.pause(0.3)
        toasts = [toast.region for toast in screen.query("Toast")]
        strip = screen.query_one("#exp-strip").region
        assert toasts and not any(region.overlaps(strip) for region in toasts)
        status = screen.query_one("#exp-rate", StatusLine).text
        assert status.startswith("completed: 30 steps in ") and " s · " in status
        assert status.endswith("steps/s")  # units kept
        await pilot.press("4")
        await pilot.pause()
        numbers = text_of(screen.query_one("#exp-numbers", Static))
        assert "Measured, and the bar: loss fell to 0.042" in numbers
        assert "final_loss 0.04239" in numbers and "30 steps" in numbers


def test_a_verdict_without_a_plain_sentence_leads_with_its_first_clause() -> None:
    from models.base import Verdict
    from studyapp.experiments.verdicts import plain_sentence

    summary = "the KL weight sets the rate: KL (nats) for beta 0.5, 1: 5.8, 2.9"
    assert plain_sentence(Verdict(True, summary)) == "The KL weight sets the rate."
    assert plain_sentence(Verdict(True, summary, plain="Bigger beta, less KL.")) == (
        "Bigger beta, less KL."
    )
    assert plain_sentence(Verdict(False, "loss fell to 0.042")) == "Loss fell to 0.042."
    assert plain_sentence(Verdict(False, "cancelled at step 5 of 30; no verdict")) == (
        "Cancelled at step 5 of 30."
    )


async def test_pictures_draw_the_samples_while_the_run_trains(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_experiment(pilot)
        screen._warned_no_prediction = True
        screen.query_one("#param-step_ms").value = "20"  # type: ignore[attr-defined]
        screen.query_one("#exp-steps").value = "400"  # type: ignore[attr-defined]
        await pilot.press("3")
        view = screen.query_one("#exp-pixels", PixelView)
        assert not view.has_picture and "appear here while the run trains" in screen_text(study_app)
        await pilot.press("s")
        await until(pilot, lambda: view.has_picture)
        assert screen.state == "running"  # drawn live, before the run ends
        assert view.kinds == ("scatter:samples", "reconstructions")
        lines = [view.render_line(y).text for y in range(view.region.height)]
        assert "samples (orange) vs data (blue)" in lines[0]
        assert sum(line.count("▀") for line in lines) > 200  # the scatter's pixels
        area = screen.query_one("#exp-pictures").region  # the view scrolls to the images
        assert area.bottom <= SIZE[1] - 1
        images = next(i for i, line in enumerate(lines) if line.startswith("reconstructions"))
        assert images <= area.height  # the whole scatter fits without scrolling
        await pilot.press("c")
        await until(pilot, lambda: screen.state == "finished")
        assert view.has_picture  # the last samples stay after the run


async def test_an_experiment_without_pictures_says_so_after_the_run(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_experiment(pilot)
        screen._warned_no_prediction = True
        screen.query_one("#param-pictures").value = False  # type: ignore[attr-defined]
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        await pilot.press("3")
        await pilot.pause()
        assert "draws no pictures" in screen_text(study_app)


# -- snapshots at 80x24 ------------------------------------------------------------------------


def test_snapshot_before_a_run(snap_compare, study_app) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await open_experiment(pilot)
        await pilot.press("down")

    assert snap_compare(study_app, terminal_size=SIZE, run_before=before)


def test_snapshot_during_a_run(snap_compare, study_app) -> None:
    backend = GatedBackend(hold=15)

    async def during(pilot: Pilot[None]) -> None:
        screen = await open_experiment(pilot, backend)
        await pilot.press("down", "enter", "s")
        await until(pilot, backend.reached.is_set)
        await pilot.press("p")  # paused: no rate or time left that change with the clock
        await until(pilot, lambda: screen.live.step == 15 and drawn(screen))
        await pilot.pause(0.5)
        await until(pilot, lambda: drawn(screen))

    assert snap_compare(study_app, terminal_size=SIZE, run_before=during)


def test_snapshot_after_a_run(snap_compare, study_app) -> None:
    backend = GatedBackend()

    async def after(pilot: Pilot[None]) -> None:
        screen = await open_experiment(pilot, backend)
        await pilot.press("down", "down", "enter", "s")  # "two": wrong
        await until(pilot, lambda: screen.state == "finished")
        await pilot.pause(0.5)
        await until(pilot, lambda: drawn(screen))
        assert screen.query_one(CurveGrid).pages == 2

    assert snap_compare(study_app, terminal_size=SIZE, run_before=after)
