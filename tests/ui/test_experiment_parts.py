"""The experiment screen's parts on their own: run backends, live history, plots, pictures."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from rich.console import Console

from models.base import Outcome, Progress, Result, Verdict
from studyapp.experiments.run_backends import (
    LiveHistory,
    ProcessBackend,
    RunFailedError,
    RunRequest,
    ThreadBackend,
    make_backend,
)
from studyapp.ui.widgets.pixels import (
    BACKGROUND_RGB,
    DATA_RGB,
    PixelView,
    half_block,
    image_strip,
    scatter_raster,
    snapshot_picture,
)
from studyapp.ui.widgets.plots import build_plot_text, clean, thin
from tests.ui.fake_experiment import SPEC


def request(steps: int = 30, **params: object) -> RunRequest:
    return RunRequest(SPEC, SPEC.resolve(params), steps)


# -- backends --------------------------------------------------------------------------------


def test_thread_backend_runs_and_reports_every_step() -> None:
    seen: list[Progress] = []
    result = ThreadBackend().run(request(), seen.append)
    assert result.status == "completed" and result.steps_done == 30
    assert [p.step for p in seen] == list(range(1, 31))


def test_thread_backend_cancel_from_another_thread_is_prompt() -> None:
    backend = ThreadBackend()
    timer = threading.Timer(0.1, backend.cancel)
    timer.start()
    started = time.perf_counter()
    result = backend.run(request(step_ms=10, steps=100_000), lambda p: None)
    assert result.status == "cancelled"
    assert time.perf_counter() - started < 1.0


def test_thread_backend_pause_holds_between_steps() -> None:
    backend = ThreadBackend()
    steps: list[int] = []
    done: list[Result] = []
    worker = threading.Thread(
        target=lambda: done.append(
            backend.run(request(step_ms=2, steps=200), lambda p: steps.append(p.step))
        )
    )
    worker.start()
    while len(steps) < 5:
        time.sleep(0.005)
    backend.pause()
    time.sleep(0.05)
    held = len(steps)
    time.sleep(0.15)
    assert len(steps) <= held + 1
    backend.resume()
    worker.join(10)
    assert done and done[0].steps_done == 200


def test_stop_when_ends_even_a_paused_run() -> None:
    """What the screen passes: the Textual worker's cancellation (the app is exiting)."""
    backend = ThreadBackend()
    exiting = threading.Event()
    steps: list[int] = []

    def on_progress(progress: Progress) -> None:
        steps.append(progress.step)
        if progress.step == 3:
            backend.pause()
            threading.Timer(0.1, exiting.set).start()

    started = time.perf_counter()
    result = backend.run(request(steps=100_000), on_progress, exiting.is_set)
    assert result.status == "cancelled" and steps[-1] == 3
    assert time.perf_counter() - started < 1.0


def test_a_raising_run_is_a_one_line_run_failed_error() -> None:
    with pytest.raises(RunFailedError, match="RuntimeError: the fake experiment broke at step 3"):
        ThreadBackend().run(request(fail="raise"), lambda p: None)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="valid: thread, process"):
        make_backend("gpu")


def test_process_backend_matches_thread_results_reports_errors_and_closes() -> None:
    backend = ProcessBackend()
    try:
        seen: list[Progress] = []
        result = backend.run(request(), seen.append)
        expected = ThreadBackend().run(request(), lambda p: None)
        assert result.history == expected.history and result.answer == expected.answer
        assert [p.step for p in seen] == list(range(1, 31))
        assert seen[9].snapshot is not None and seen[9].snapshot["data"].shape == (200, 2)
        with pytest.raises(RunFailedError, match="broke at step 3"):
            backend.run(request(fail="raise"), lambda p: None)
        again = backend.run(request(steps=5), lambda p: None)  # the child survived the error
        assert again.steps_done == 5
    finally:
        backend.close()
    assert not backend._process.is_alive()


# -- live history and grading ----------------------------------------------------------------


def test_live_history_rate_and_time_left_skip_paused_time() -> None:
    live = LiveHistory(total=100)
    live.started -= 10.0
    live.paused_s = 5.0
    for step in range(1, 51):
        live.add(Progress(step, 100, {"loss": 1.0 / step, "bad": float("nan")}))
    now = live.started + 10.0
    assert live.rate(now) == pytest.approx(10.0)
    assert live.eta_seconds(now) == pytest.approx(5.0)
    series = live.series()
    assert len(series["step"]) == len(series["loss"]) == 50
    assert series["bad"][0] == 0.0  # non-finite values never reach the plots


def fake_result(status: str = "completed", answer: int | None = 1) -> Result:
    return Result(
        "fake-experiment",
        {},
        [0],
        "cpu",
        status,
        3,
        Verdict(True, "ok"),
        {},
        {},
        answer,  # type: ignore[arg-type]
    )


def test_grade_prediction() -> None:
    assert fake_result().grade(1) is True
    assert fake_result().grade(0) is False
    assert fake_result().grade(None) is None
    assert fake_result(answer=None).grade(1) is None
    assert fake_result(status="cancelled").grade(1) is None
    assert Outcome(Verdict(True, "")).answer is None


# -- plots -----------------------------------------------------------------------------------


def test_thin_keeps_the_last_point_and_bounds_the_size() -> None:
    xs = list(range(1000))
    tx, ty = thin(xs, xs, limit=100)
    assert len(tx) <= 101 and tx[-1] == 999 and ty == tx
    assert thin([1, 2], [3, 4]) == ([1.0, 2.0], [3.0, 4.0])


def test_clean_replaces_non_finite_values_and_takes_logs() -> None:
    assert clean([1.0, float("nan"), 3.0], log_y=False) == [1.0, 1.0, 3.0]
    assert clean([100.0, 0.0, float("inf")], log_y=True) == [2.0, 1.0, 1.0]
    assert clean([1e-16, 1e-15], log_y=True) == pytest.approx([-16.0, -15.0])
    assert clean([0.0], log_y=True) == [-12.0]


def test_log_plot_builds_repeatedly_with_power_of_ten_ticks() -> None:
    curves = {"grad": ([1.0, 2.0, 3.0], [1.0, 1e-3, 1e-6])}
    texts = [
        build_plot_text(
            curves, title="g", ylabel="norm", log_y=True, width=60, height=12, theme="default"
        ).plain
        for _ in range(2)
    ]
    assert texts[0] == texts[1]
    assert "1e0" in texts[0] and "1e-6" in texts[0] and "norm (log)" in texts[0]


def test_empty_plot_builds() -> None:
    text = build_plot_text(
        {}, title="t", ylabel="", log_y=True, width=40, height=8, theme="default"
    )
    assert "t" in text.plain


# -- pictures --------------------------------------------------------------------------------


def test_half_block_puts_two_pixel_rows_in_one_line() -> None:
    rgb = np.zeros((3, 2, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 0, 0)
    rgb[1, 0] = (0, 0, 255)
    text = half_block(rgb)
    assert text.plain == "▀▀\n▀▀"
    style = text.get_style_at_offset(Console(), 0)
    assert style.color is not None and style.color.triplet == (255, 0, 0)
    assert style.bgcolor is not None and style.bgcolor.triplet == (0, 0, 255)


def test_scatter_raster_shows_data_and_samples_apart() -> None:
    data = np.array([[-1.0, -1.0]] * 10)
    samples = np.array([[1.0, 1.0]] * 10)
    raster = scatter_raster(samples, data, 20, 20)
    assert raster.shape == (20, 20, 3)
    colours = {tuple(int(c) for c in p) for p in raster.reshape(-1, 3)}
    assert DATA_RGB in colours and BACKGROUND_RGB in colours and len(colours) == 3


def test_image_strip_tiles_and_scales() -> None:
    images = np.linspace(0, 1, 3 * 8 * 8).reshape(3, 8, 8)
    strip = image_strip(images, scale=2)
    assert strip.shape == (16, 3 * 17 - 1, 3)
    assert strip.max() == 255 and strip[:, 16].max() == 0  # dark gap between images


def test_snapshot_picture_draws_scatters_side_by_side_and_images() -> None:
    snapshot = {
        "samples": np.zeros((5, 2)),
        "samples_fixed": np.ones((5, 2)),
        "data": np.ones((5, 2)),
        "labels": {"samples": "plain GAN", "samples_fixed": "with minibatch std"},
        "traversal": np.zeros((4, 8, 8)),
    }
    view = PixelView()
    view.show(snapshot, redraw=False)
    assert view.kinds == ("scatter:samples", "scatter:samples_fixed", "traversal")
    console = Console(width=80, record=True)
    console.print(snapshot_picture(snapshot, view.kinds, 80))
    lines = console.export_text().splitlines()
    assert "samples (orange) vs data (blue)" in lines[0]
    assert "plain GAN" in lines[1] and "with minibatch std" in lines[1]  # side by side
    assert any(line.startswith("traversal") for line in lines)


@pytest.mark.parametrize("height", [8, 14, 20])
def test_plot_fills_its_height_exactly_with_the_legend_last(height: int) -> None:
    """plotext ends its chart with a newline: the text must still be ``height`` lines, so
    the legend's last line (the second run of a comparison) is not cut off."""
    curves = {"#2 loss": ([1, 2, 3], [1.0, 0.5, 0.2]), "#1 loss": ([1, 2], [1.0, 0.6])}
    text = build_plot_text(
        curves, title="loss", ylabel="loss", log_y=False, width=60, height=height, theme="dark"
    )
    lines = text.plain.split("\n")
    assert len(lines) == height
    assert lines[-2].startswith("#2:") and lines[-1].startswith("#1:")


def test_curve_pages_follow_the_area() -> None:
    from studyapp.ui.widgets.curve_grid import page_size

    assert page_size(3, 78, 20) == (1, 1)  # 80x24: a plot at a time
    assert page_size(3, 78, 40) == (3, 1)  # tall: all, stacked
    assert page_size(3, 160, 24) == (3, 2)  # wide: two abreast, two rows
    assert page_size(3, 160, 20) == (2, 2)  # wide and short: a row of two a page
    assert page_size(4, 200, 60) == (4, 2)
    assert page_size(1, 20, 5) == (1, 1)


def test_legend_wraps_and_never_cuts_a_name() -> None:
    from studyapp.ui.widgets.plots import legend_lines

    names = ["grad_saturating", "grad_non_saturating", "grad_wasserstein"]
    for width in (80, 40, 24):
        lines = [line.plain for line in legend_lines(names, width)]
        assert all(len(line) <= width for line in lines)
        assert all(name in " ".join(lines) for name in names)
        assert "…" not in " ".join(lines)
    assert len(legend_lines(names, 80)) == 1 and len(legend_lines(names, 24)) == 3


def test_y_ticks_never_share_a_row() -> None:
    """On a short plot a log axis over 15 decades gets few ticks, each on its own row."""
    curves = {"grad": ([float(s) for s in range(1, 16)], [10.0**-s for s in range(1, 16)])}
    text = build_plot_text(
        curves, title="g", ylabel="norm", log_y=True, width=60, height=10, theme="default"
    ).plain
    ticks = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    assert len(ticks) == len(set(ticks)) >= 2


def test_image_layout_shrinks_to_fit_the_height() -> None:
    from studyapp.ui.widgets.pixels import image_layout

    five_rows = [(8, 8, 8)] * 5  # kl-term: digits and four reconstructions, 8x8 each
    assert image_layout(five_rows, 78, None) == (2, 1, 4)  # room: twice the size
    assert image_layout(five_rows, 78, 13) == (1, 2, 4)  # 80x24 after a run: two columns
    scale, _columns, per_row = image_layout([(16, 28, 28)], 78, 30)
    assert scale == 1 and per_row == 2  # 28-pixel digits: no doubling, two fit the width
