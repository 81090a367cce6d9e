"""The experiment screen driven by keys: from a card to a verdict, cancel, predictions, runs.

Most tests use ``fake-experiment`` (``tests/ui/fake_experiment.py``, numpy only, registered
here) on the thread backend so they take a fraction of a second; one test runs a real torch
experiment, and the process backend (the app's default) gets its own tests, including that
quitting mid-run leaves no process behind.
"""

from __future__ import annotations

import time

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TabbedContent

import models
from models.base import ExperimentSpec
from studyapp.study.service import StudyService
from studyapp.study.views import Rating
from studyapp.ui.screens.experiment import ExperimentScreen
from studyapp.ui.screens.review import ReviewScreen
from studyapp.ui.screens.runs import RunsScreen
from studyapp.ui.widgets.curve_grid import CurveGrid
from studyapp.ui.widgets.pixels import PixelView
from studyapp.ui.widgets.plots import CurvePlot
from tests.ui import fake_experiment
from tests.ui.conftest import logged, ready, screen_text, text_of

SIZE = (120, 40)
FAKE = fake_experiment.SPEC


pytestmark = pytest.mark.usefixtures("fake_spec")


def prediction_logs(service: StudyService) -> list[tuple[int, int, str]]:
    """``(card_id, rating, kind)`` of every prediction answer in the database."""
    return [(card, rating, "prediction") for card, rating in logged(service, "prediction")]


class BareApp(App[None]):
    """Only the experiment screen (layout tests need no database)."""

    def __init__(self, experiment_id: str) -> None:
        super().__init__()
        self.experiment_id = experiment_id

    def on_mount(self) -> None:
        self.push_screen(ExperimentScreen(self.experiment_id))


async def open_from_card(pilot: Pilot[None]) -> ExperimentScreen:
    """Home -> review the deck -> ``x`` on the card: the experiment screen."""
    await ready(pilot)
    await pilot.press("enter")
    await pilot.pause()
    review = pilot.app.screen
    assert isinstance(review, ReviewScreen)
    assert review.card is not None and review.card.experiments[0] == FAKE.id
    await pilot.press("x")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExperimentScreen)
    return screen


async def set_input(pilot: Pilot[None], screen: ExperimentScreen, wid: str, value: str) -> None:
    screen.query_one(f"#{wid}", Input).value = value
    await pilot.pause()


async def predict(pilot: Pilot[None], screen: ExperimentScreen, choice: int) -> None:
    """Pick a prediction with the keys: the list has the focus on entry."""
    assert screen.focused is screen.query_one("#exp-prediction", OptionList)
    await pilot.press("home", *["down"] * choice, "enter")
    await pilot.pause()
    assert screen.choice == choice


async def until(pilot: Pilot[None], condition, timeout: float = 30.0) -> float:  # type: ignore[no-untyped-def]
    """Wait (letting the app run) until ``condition()``; returns the seconds it took."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise AssertionError("timed out waiting")
        await pilot.pause(0.02)
    return time.perf_counter() - started


async def test_card_to_verdict_with_graded_prediction(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        card_id = screen.card_id
        assert card_id is not None
        await predict(pilot, screen, 2)  # wrong: the fake run measures choice 1
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        await until(pilot, lambda: not screen._building)
        await pilot.pause(0.3)
        assert screen.result is not None and screen.result.status == "completed"
        assert screen.prediction_correct is False
        text = screen_text(study_app)
        assert "PASSED  Loss fell to" in text  # the summary's first clause: no plain yet
        assert "✗ your prediction was wrong" in text  # on screen; the sentence may wrap
        graded = screen.query_one("#exp-graded", Static)
        sentence = "✗ your prediction was wrong: you predicted “two”; the run measured “one”."
        assert text_of(graded) == sentence
        verdict = screen.query_one("#exp-verdict", Static)
        colors = study_app.get_css_variables()
        assert graded.has_class("wrong") and verdict.has_class("passed")
        assert graded.styles.color.hex.lower() == colors["error"].lower()
        assert verdict.styles.color.hex.lower() == colors["success"].lower()
        assert graded.styles.color != verdict.styles.color
        explanation = screen.query_one("#exp-explanation", Static).render()
        assert "the loss halves" in str(explanation)
        assert all(p.points_drawn == 30 for p in screen.query(CurvePlot))
        assert screen.query_one(PixelView).kinds == ("scatter:samples", "reconstructions")
    runs = study.runs(FAKE.id)
    assert len(runs) == 1
    run = runs[0]
    assert (run.card_id, run.status, run.prediction_choice) == (card_id, "completed", 2)
    assert run.prediction_correct is False and run.verdict_passed
    assert len(run.history["loss"]) == 30
    assert prediction_logs(study) == [(card_id, Rating.AGAIN, "prediction")]


async def test_runs_detail_names_the_predicted_choice(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await predict(pilot, screen, 2)
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        await pilot.press("h")
        await until(pilot, lambda: getattr(study_app.screen, "shown", None))  # loaded
        detail = str(study_app.screen.query_one("#runs-detail", Static).render())
        assert "prediction: two (wrong)" in detail and "choice 3" not in detail


def longest_prediction() -> ExperimentSpec:
    """The real experiment whose prediction (question and choices) is the longest."""
    specs = [s for s in models.all_specs() if s.prediction is not None and s.id != FAKE.id]

    def length(spec: ExperimentSpec) -> int:
        assert spec.prediction is not None
        return len(spec.prediction.question) + sum(len(c) for c in spec.prediction.choices)

    return max(specs, key=length)


TAB_LABELS = ("1 Predict", "2 Curves", "3 Pictures", "4 Numbers", "5 About")


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (60, 20), (160, 50)])
async def test_layout_fits_prediction_then_the_plots(size: tuple[int, int]) -> None:
    """The longest real prediction shows whole and focused; every view's tab reads whole;
    the curves key shows the plots across the width (all of them on a large terminal)."""
    study_app = BareApp(longest_prediction().id)
    async with study_app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen)
        options = screen.query_one("#exp-prediction", OptionList)
        assert screen.focused is options
        width, height = size
        region = options.region
        assert region.height >= options.virtual_size.height  # every choice whole, no scroll
        assert region.bottom <= height - 1 and region.right <= width
        assert screen.spec.prediction is not None
        lines = [options.render_line(y).text for y in range(region.height)]
        shown_words = " ".join(" ".join(lines).split())  # wrapped choices, joined again
        for choice in screen.spec.prediction.choices:
            assert " ".join(choice.split()) in shown_words
        text = screen_text(study_app)
        for label in TAB_LABELS:
            assert label in text, label
        assert "1-5 Views" in text  # the views' keys on the key bar
        await pilot.press("down", "enter")
        assert screen.choice == 1
        await pilot.press("2")
        await pilot.pause(0.2)
        plots = [p for p in screen.query(CurvePlot) if p.is_on_screen]
        assert plots and all(p.region.bottom <= height - 1 for p in plots)
        assert max(p.region.width for p in plots) >= min(width - 4, 76)  # the full width (or half)
        assert max(p.region.height for p in plots) >= 8
        if size == (160, 50):
            assert len(plots) == len(screen.spec.plots)  # every plot at once


async def test_every_view_has_its_key_and_the_curves_key_turns_pages() -> None:
    """At 80x24 kl-term's three plots do not fit at once: 2 again shows the next page."""
    study_app = BareApp("kl-term")
    async with study_app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        screen = study_app.screen
        tabs = screen.query_one("#exp-tabs", TabbedContent)
        views = ("about", "numbers", "pictures", "curves", "predict")
        for key, pane in zip("54321", views, strict=True):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == f"tab-{pane}"
        await pilot.press("2")
        await pilot.pause(0.2)
        grid = screen.query_one(CurveGrid)
        pages = grid.pages
        assert pages >= 2  # 3 plots do not fit in 20 rows
        seen: list[str] = []
        for page in range(1, pages + 1):
            assert f"2 Curves {page}/{pages}" in screen_text(study_app)
            seen += [p.title for p in screen.query(CurvePlot) if p.is_on_screen]
            await pilot.press("2")
            await pilot.pause(0.2)
        assert seen == [plot.title for plot in screen.spec.plots]


async def test_right_prediction_logged_good_and_schedule_untouched(study_app, study) -> None:
    before = study.cards.browse()[0]
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await predict(pilot, screen, 1)
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        assert screen.prediction_correct is True
        assert "✓ your prediction was right: one" in screen_text(study_app)
        assert screen.query_one("#exp-graded", Static).has_class("right")
    assert prediction_logs(study) == [(before.id, Rating.GOOD, "prediction")]
    after = study.cards.browse()[0]
    assert (after.state, after.due, after.reps) == (before.state, before.due, before.reps)


async def test_no_prediction_warns_once_then_runs_ungraded(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert screen.state == "idle"  # warned, not started
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        assert screen.prediction_correct is None
    assert prediction_logs(study) == []
    assert study.runs(FAKE.id)[0].prediction_choice is None


async def test_cancel_mid_run_stops_within_a_second(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await predict(pilot, screen, 1)
        await set_input(pilot, screen, "param-step_ms", "20")
        await set_input(pilot, screen, "exp-steps", "5000")
        await pilot.press("s")
        await until(pilot, lambda: screen.live.step >= 5)
        await pilot.press("c")
        took = await until(pilot, lambda: screen.state == "finished", timeout=5)
        assert took < 1.0
        assert screen.result is not None and screen.result.status == "cancelled"
        assert screen.result.steps_done < 5000
    assert study.runs(FAKE.id)[0].status == "cancelled"
    assert prediction_logs(study) == []  # a cancelled run grades nothing


async def test_pause_holds_the_run_and_resume_finishes_it(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await set_input(pilot, screen, "param-step_ms", "5")
        await set_input(pilot, screen, "exp-steps", "150")
        screen._warned_no_prediction = True
        await pilot.press("s")
        await until(pilot, lambda: screen.live.step >= 3)
        await pilot.press("p")
        await pilot.pause(0.2)
        held = screen.live.step
        await pilot.pause(0.3)
        assert screen.state == "paused" and screen.live.step <= held + 1
        await pilot.press("p")
        await until(pilot, lambda: screen.state == "finished")
        assert screen.result is not None and screen.result.steps_done == 150


@pytest.mark.parametrize(
    ("fail", "status", "shown"),
    [("raise", None, "the fake experiment broke at step 3"), ("nan", "diverged", "diverged at")],
)
async def test_crash_or_nan_is_a_message_and_the_app_stays_up(
    study_app, study, fail: str, status: str | None, shown: str
) -> None:
    async with study_app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_card(pilot)
        screen.query_one("#param-fail").value = fail  # type: ignore[attr-defined]
        screen._warned_no_prediction = True
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        assert shown in screen_text(study_app)
        if status is None:
            assert screen.result is None and screen.error is not None
        else:
            assert screen.result is not None and screen.result.status == status
        # still usable: a clean re-run works
        screen.query_one("#param-fail").value = "none"  # type: ignore[attr-defined]
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        assert screen.result is not None and screen.result.status == "completed"
    assert [r.status for r in study.runs(FAKE.id)] == (
        ["completed"] if status is None else ["completed", status]
    )


async def test_bad_parameter_is_refused_with_its_range(study_app, study) -> None:
    async with study_app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_card(pilot)
        await set_input(pilot, screen, "param-step_ms", "5000")
        screen._warned_no_prediction = True
        await pilot.press("s")
        await pilot.pause()
        assert screen.state == "idle"
        assert "out of range" in screen_text(study_app)
    assert study.runs(FAKE.id) == []


async def test_reopen_and_compare_saved_runs(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        screen._warned_no_prediction = True
        for steps in ("12", "20"):
            await set_input(pilot, screen, "exp-steps", steps)
            await pilot.press("s")
            await until(pilot, lambda: screen.state == "finished")
        first, second = sorted(r.id for r in study.runs(FAKE.id))
        await pilot.press("h")
        await pilot.pause()
        runs = study_app.screen
        assert isinstance(runs, RunsScreen)
        await until(pilot, lambda: runs.shown)  # the list loads on a worker
        assert runs.shown == [second]  # the newest run reopens first
        loss = runs.query_one("#runs-plot-0", CurvePlot)
        assert loss.points_drawn == 20
        assert "steps" not in loss.labels and loss.labels == ("loss",)
        await pilot.press("space")  # mark the newest
        await pilot.press("down", "space")  # and the older one
        await pilot.pause()
        assert sorted(runs.shown) == [first, second]
        assert set(loss.labels) == {f"#{first} loss", f"#{second} loss"}
        assert loss.points_drawn == 32
        table = runs.query_one("#runs-table")
        marks = [str(table.get_cell(str(i), "mark")) for i in (first, second)]  # type: ignore[attr-defined]
        assert marks == ["●", "●"]
        drawn = str(loss.render())
        assert f"#{first}: " in drawn and f"#{second}: " in drawn  # legend by run, below
        await pilot.press("escape")
        await pilot.pause()
        assert study_app.screen is screen


async def test_card_text_markup_shows_literally(study_app) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        await open_from_card(pilot)
        text = screen_text(study_app)
        assert "A fake experiment [bold]for tests[/]" in text
        assert "zero [/]" in text


async def test_real_experiment_runs_to_its_verdict(study_app, study) -> None:
    """checkerboard, a few steps, in a thread: the torch path end to end."""
    async with study_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        study_app.push_screen(ExperimentScreen("checkerboard", overrides={"steps": 3}))
        await pilot.pause()
        screen = study_app.screen
        assert isinstance(screen, ExperimentScreen)
        screen._warned_no_prediction = True
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished", timeout=60)
        assert screen.result is not None and screen.result.status == "completed"
        assert screen.result.steps_done == 3
    assert study.runs("checkerboard")[0].card_id is None


async def test_process_backend_runs_and_quitting_mid_run_leaves_no_process(
    study_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYAPP_RUN_BACKEND", "process")
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        screen._warned_no_prediction = True
        await set_input(pilot, screen, "exp-steps", "15")
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished", timeout=60)
        assert screen.result is not None and screen.result.status == "completed"
        await set_input(pilot, screen, "param-step_ms", "50")
        await set_input(pilot, screen, "exp-steps", "10000")
        await pilot.press("s")
        await until(pilot, lambda: screen.live.step >= 2)
        process = screen._backend._process  # type: ignore[union-attr]
        assert process.is_alive()
        started = time.perf_counter()
    # the app has exited mid-run: the child is gone, promptly
    assert time.perf_counter() - started < 5
    process.join(2)
    assert not process.is_alive()


async def test_save_png_writes_the_figure(study_app, study) -> None:
    from studyapp.paths import data_dir

    async with study_app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_card(pilot)
        screen._warned_no_prediction = True
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        await pilot.press("g")
        figure_saved = lambda: not any(w.group == "figure" for w in study_app.workers)  # noqa: E731
        await until(pilot, figure_saved, timeout=90)  # matplotlib's import is slow when loaded
        path = data_dir() / "figures" / f"fake-experiment-run{screen.outcome.run_id}.png"
        assert path.read_bytes().startswith(b"\x89PNG")
        await pilot.pause()
        assert "Figure saved" in screen_text(study_app)


async def test_quitting_mid_run_on_the_thread_backend_leaves_no_thread(study_app) -> None:
    import threading

    before = set(threading.enumerate())
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        screen._warned_no_prediction = True
        await set_input(pilot, screen, "param-step_ms", "20")
        await set_input(pilot, screen, "exp-steps", "100000")
        await pilot.press("s")
        await until(pilot, lambda: screen.live.step >= 2)
        await pilot.press("p")  # even a paused run must not hold the exit
        await pilot.pause()
    deadline = time.perf_counter() + 2
    while time.perf_counter() < deadline and screen.live.step < 100000:
        step = screen.live.step
        time.sleep(0.1)
        if screen.live.step == step and not _training_threads(before):
            break
    assert screen.live.step < 100000
    assert not _training_threads(before)


def _training_threads(before: set) -> list:  # type: ignore[type-arg]
    """New threads still inside a run (``execute`` on their stack)."""
    import sys
    import threading
    import traceback

    frames = sys._current_frames()
    busy = []
    for thread in threading.enumerate():
        if thread in before or thread.ident not in frames:
            continue
        stack = traceback.extract_stack(frames[thread.ident])
        if any(frame.name in ("execute", "_waiting_stop", "should_stop") for frame in stack):
            busy.append(thread)
    return busy
