"""Responsiveness of the experiment screen while an experiment trains.

For each run backend (``thread``: training in a Textual thread worker; ``process``: in a
warm child process fed through a queue) this opens ``ExperimentScreen`` in a headless app,
starts a run, and while it trains a "typist" thread sends a key every 100 ms (a fast
typist), the way the terminal driver's input thread does. Each key bumps a counter widget;
the latency is the
time from the key's arrival to that widget's next render (the compositor's update; the
headless driver skips only the final terminal write). It also compares the run's
throughput inside the app with a headless ``models.base.execute`` of the same run.

Goals (issue 5): key-press-to-screen p99 < 50 ms while training; in-app throughput
>= 0.9x headless. Prints figures and ratios; asserts nothing.

    python benchmarks/bench_experiment_ui.py [--experiment ID] [--steps N] [--rounds R]

``STUDYAPP_RUN_NICE=N`` lowers the training process's priority (measured: no gain).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget

PREFERRED = ("mode-collapse", "kl-term", "vanishing-gradients", "reparameterization")


class Probe(Widget):
    """Shows a counter; records when each new value reaches the screen."""

    DEFAULT_CSS = "Probe { height: 1; dock: top; }"

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.rendered = threading.Event()
        self.rendered_at = 0.0
        self._last = -1

    def render(self) -> Text:
        if self.count != self._last:
            self._last = self.count
            self.rendered_at = time.perf_counter()
            self.rendered.set()
        return Text(f"keys: {self.count}")


class Host(App[None]):
    BINDINGS = [Binding("f9", "bump", "bump", priority=True)]  # noqa: RUF012

    def __init__(self, experiment: str, backend: str) -> None:
        super().__init__()
        self.experiment = experiment
        self.backend = backend
        self.service = _NoStore()

    def now(self) -> None:
        return None  # the service's own clock (``StudyApp.now``)

    async def on_mount(self) -> None:
        from studyapp.ui.screens.experiment import ExperimentScreen

        screen = ExperimentScreen(self.experiment, backend=self.backend)
        await self.push_screen(screen)
        await screen.mount(Probe())  # the counter must be on the active screen

    def action_bump(self) -> None:
        found = self.screen.query(Probe)
        if not found:  # a key still in flight while the app shuts down
            return
        probe = found.first()
        probe.count += 1
        probe.refresh()


class _NoStore:
    """The benchmark does not store runs (a ``service`` whose ``runs.finish`` stores none)."""

    def __init__(self) -> None:
        self.runs = self

    def finish(self, *_: Any, **__: Any) -> None:
        return None


async def _probe(app: App[None]) -> Probe:
    """The counter widget, once the experiment screen and it are mounted."""
    for _ in range(500):
        found = app.screen.query(Probe)
        if found:
            return found.first()
        await asyncio.sleep(0.01)
    raise RuntimeError("the experiment screen did not open")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def in_app(experiment: str, backend: str, steps: int, period: float) -> dict[str, Any]:
    from studyapp.experiments.run_backends import ProcessBackend
    from studyapp.ui.screens.experiment import ExperimentScreen

    app = Host(experiment, backend)
    async with app.run_test(size=(120, 40)):
        probe = await _probe(app)
        screen = app.screen
        assert isinstance(screen, ExperimentScreen)
        backend_obj = screen._ensure_backend()
        if isinstance(backend_obj, ProcessBackend):
            await asyncio.to_thread(backend_obj.wait_ready, 60)
        screen.query_one("#exp-steps").value = str(steps)  # type: ignore[attr-defined]
        screen._warned_no_prediction = True
        loop = asyncio.get_running_loop()
        latencies: list[float] = []
        stop = threading.Event()

        def typist() -> None:
            while not stop.is_set():
                probe.rendered.clear()
                sent = time.perf_counter()
                loop.call_soon_threadsafe(app.post_message, events.Key("f9", None))
                if probe.rendered.wait(2.0):
                    latencies.append(probe.rendered_at - sent)
                time.sleep(period)

        started = time.perf_counter()
        cpu_started = time.process_time()
        screen.action_start()
        while screen.live.step == 0 and screen.state == "running":
            await asyncio.sleep(0.01)
        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        while screen.state != "finished":
            await asyncio.sleep(0.02)
        wall = time.perf_counter() - started
        ui_cpu = time.process_time() - cpu_started
        stop.set()
        thread.join()
        result = screen.result
        error = screen.error
    if result is None:
        raise SystemExit(f"{backend}: the run failed: {error}")
    return {
        "latencies": latencies,
        "steps_per_s": result.steps_done / result.elapsed_s,
        "wall_steps_per_s": result.steps_done / wall,
        "status": result.status,
        "ui_cpu_share": ui_cpu / wall,
    }


def headless(experiment: str, steps: int) -> float:
    import models
    from models.base import execute

    result = execute(models.get_spec(experiment), steps=steps)
    return result.steps_done / result.elapsed_s


def idle_latency(experiment: str, presses: int = 100) -> list[float]:
    """Key latency with the screen open and nothing training (the floor)."""

    async def go() -> list[float]:
        app = Host(experiment, "thread")
        out: list[float] = []
        async with app.run_test(size=(120, 40)):
            probe = await _probe(app)
            loop = asyncio.get_running_loop()

            def typist() -> None:
                for _ in range(presses):
                    probe.rendered.clear()
                    sent = time.perf_counter()
                    loop.call_soon_threadsafe(app.post_message, events.Key("f9", None))
                    if probe.rendered.wait(2.0):
                        out.append(probe.rendered_at - sent)
                    time.sleep(0.01)

            await asyncio.to_thread(typist)
        return out

    return asyncio.run(go())


def main() -> None:
    import models

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ids = [s.id for s in models.all_specs()]
    default = next((i for i in PREFERRED if i in ids), ids[0] if ids else "")
    parser.add_argument("--experiment", default=default, choices=ids)
    parser.add_argument("--steps", type=int, default=0, help="default: the spec's default")
    parser.add_argument("--backends", default="thread,process")
    parser.add_argument("--period", type=float, default=0.1, help="seconds between keys")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved repetitions")
    args = parser.parse_args()
    spec = models.get_spec(args.experiment)
    steps = args.steps or spec.default_steps
    backends = args.backends.split(",")

    print(
        f"experiment {spec.id}, {steps} steps; keys every {args.period * 1000:.0f} ms; "
        f"{args.rounds} interleaved rounds (headless, then each backend in the app)"
    )
    floor = idle_latency(spec.id)
    print(
        f"idle (nothing training): key->screen p50 {statistics.median(floor) * 1000:.1f} ms, "
        f"p99 {_percentile(floor, 99) * 1000:.1f} ms"
    )
    latencies: dict[str, list[float]] = {b: [] for b in backends}
    ratios: dict[str, list[float]] = {b: [] for b in backends}
    rates: dict[str, list[float]] = {b: [] for b in backends}
    cpu: dict[str, list[float]] = {b: [] for b in backends}
    for round_ in range(1, args.rounds + 1):
        base = headless(spec.id, steps)
        line = [f"round {round_}: headless {base:.1f} steps/s"]
        for backend in backends:
            figures = asyncio.run(in_app(spec.id, backend, steps, args.period))
            latencies[backend] += figures["latencies"]
            rates[backend].append(figures["steps_per_s"])
            cpu[backend].append(figures["ui_cpu_share"])
            ratios[backend].append(figures["steps_per_s"] / base)
            line.append(f"{backend} {figures['steps_per_s']:.1f} ({ratios[backend][-1]:.2f}x)")
        print(", ".join(line))
    for backend in backends:
        lat = latencies[backend]
        print(
            f"{backend:>7}: key->screen while training p50 {statistics.median(lat) * 1000:.1f} ms,"
            f" p99 {_percentile(lat, 99) * 1000:.1f} ms, max {max(lat) * 1000:.0f} ms "
            f"({len(lat)} keys; goal p99 < 50 ms) | "
            f"{statistics.median(rates[backend]):.1f} steps/s, "
            f"median {statistics.median(ratios[backend]):.2f}x headless (goal >= 0.9x) | "
            f"app process CPU {statistics.median(cpu[backend]) * 100:.0f}% of a core"
        )


if __name__ == "__main__":
    main()
