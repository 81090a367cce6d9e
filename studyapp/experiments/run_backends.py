"""Run an experiment off the UI thread: in a thread, or in a warm child process.

Both backends have one interface, so the screen does not know which one it drives:
``run(request, on_progress) -> Result`` blocks the calling (worker) thread until the run
ends; ``cancel()``, ``pause()`` and ``resume()`` may be called from any thread and act
between two training steps; ``close()`` ends everything the backend started.

- :class:`ThreadBackend` calls :func:`models.base.execute` in the calling thread. Cheap to
  start, but a CPU-bound run shares the GIL with the UI.
- :class:`ProcessBackend` keeps one child process (``spawn``, daemonic) that imports torch
  as soon as the backend is created, then serves runs; progress comes back batched over
  a queue. The UI keeps its own interpreter, so key presses are not delayed by training.

``benchmarks/bench_experiment_ui.py`` measures the two; :data:`DEFAULT_BACKEND` is the
winner. No Textual here, and torch loads only inside the run (thread) or the child.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess

    from models.base import ExperimentSpec, Progress, Result

ProgressCallback = Callable[["Progress"], None]

DEFAULT_BACKEND = "process"
"""Which backend the experiment screen uses unless ``STUDYAPP_RUN_BACKEND`` says otherwise.

Measured with ``benchmarks/bench_experiment_ui.py`` (mode-collapse, 1000 steps, on a 2-core
machine shared with other jobs, two runs): key-to-screen p99 42-45 ms (process) vs 35-37 ms
(thread), both under the 50 ms goal and within noise of each other; median throughput
0.82-0.97x headless (process; the app itself takes ~25% of a core) vs 0.72-0.84x (thread:
training and UI share one GIL, the app process pinned at 100% of a core)."""

CHILD_NICE = int(os.environ.get("STUDYAPP_RUN_NICE", "0") or 0)
"""Niceness added to the training process, so the UI wins when the CPU is oversubscribed."""

BATCH_SECONDS = 0.05
"""The child process sends progress at most this often (snapshots and the end at once)."""


class RunFailedError(Exception):
    """The run raised, or its process died: the message says what happened, in one line."""


@dataclass(frozen=True)
class RunRequest:
    """One run to do: the spec (picklable, torch-free), checked parameters, steps, seeds."""

    spec: ExperimentSpec
    params: dict[str, Any]
    steps: int
    seeds: tuple[int, ...] = (0,)
    device: str = "cpu"


class RunBackend(Protocol):
    name: str

    def run(
        self,
        request: RunRequest,
        on_progress: ProgressCallback,
        stop_when: Callable[[], bool] | None = None,
    ) -> Result: ...
    def warm(self, spec: ExperimentSpec) -> None: ...
    def cancel(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def close(self) -> None: ...


def make_backend(name: str | None = None) -> RunBackend:
    """The backend called ``name`` (``thread`` or ``process``); default from the env."""
    chosen = name or os.environ.get("STUDYAPP_RUN_BACKEND") or DEFAULT_BACKEND
    if chosen == "thread":
        return ThreadBackend()
    if chosen == "process":
        return ProcessBackend()
    raise ValueError(f"unknown run backend {chosen!r}; valid: thread, process")


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _waiting_stop(
    cancel: Any, paused: Any, stop_when: Callable[[], bool] | None = None
) -> Callable[[], bool]:
    """A ``should_stop`` that blocks while paused and turns true once cancelled."""

    def should_stop() -> bool:
        if stop_when is not None and stop_when():
            cancel.set()
        while paused.is_set() and not cancel.is_set():
            cancel.wait(0.05)
            if stop_when is not None and stop_when():
                cancel.set()
        return bool(cancel.is_set())

    return should_stop


class _Controls:
    """Cancel, pause and resume through two events (thread or process events alike)."""

    _cancel: Any
    _paused: Any

    def cancel(self) -> None:
        self._cancel.set()

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()


class ThreadBackend(_Controls):
    """Runs ``execute`` in the calling thread (a Textual thread worker)."""

    name = "thread"

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._paused = threading.Event()

    def warm(self, spec: ExperimentSpec) -> None:
        """Nothing to warm: the run imports torch in the worker thread."""

    def run(
        self,
        request: RunRequest,
        on_progress: ProgressCallback,
        stop_when: Callable[[], bool] | None = None,
    ) -> Result:
        """Run in this thread; ``stop_when`` (polled, even while paused) cancels the run."""
        from models.base import execute

        self._cancel.clear()
        self._paused.clear()
        try:
            return execute(
                request.spec,
                request.params,
                steps=request.steps,
                seeds=request.seeds,
                device=request.device,
                on_progress=on_progress,
                should_stop=_waiting_stop(self._cancel, self._paused, stop_when),
            )
        except Exception as error:
            raise RunFailedError(_describe(error)) from error

    def close(self) -> None:
        self.cancel()


def _silence_std_streams() -> None:
    """Point the child's stdout/stderr at /dev/null: it shares the app's terminal."""
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115


class _RealStdStreams:
    """While starting processes, use the real std streams: Textual replaces them with
    objects whose ``fileno()`` is -1, which multiprocessing cannot pass to a child."""

    def __enter__(self) -> None:
        import sys

        self._saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.stdout, sys.stderr = self._saved


class _Batcher:
    """Sends progress to the parent in batches: every BATCH_SECONDS, snapshots at once."""

    def __init__(self, outbox: Any) -> None:
        self._outbox = outbox
        self._batch: list[Progress] = []
        self._last = time.perf_counter()

    def add(self, progress: Progress) -> None:
        self._batch.append(progress)
        now = time.perf_counter()
        if progress.snapshot is not None or now - self._last >= BATCH_SECONDS:
            self.flush()
            self._last = now

    def flush(self) -> None:
        if self._batch:
            self._outbox.put(("progress", self._batch))
            self._batch = []


PARENT_POLL_SECONDS = 0.2
"""How often the child checks that its parent is still alive (where prctl is missing)."""


def die_with_parent(parent_pid: int, *, prctl: bool = True) -> None:
    """End this process when ``parent_pid`` dies, even by SIGKILL (issue 12.6).

    On Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` asks the kernel; everywhere (macOS too) a
    daemon thread also watches ``os.getppid()``, which changes when the parent is gone.
    The check after prctl covers a parent that died before the call. ``prctl=False``
    where the parent started the child from a thread other than its main one: the kernel
    signals the child when that *thread* ends.
    """
    import signal
    import sys

    if prctl and sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _child_main(
    inbox: Any,
    outbox: Any,
    cancel: Any,
    paused: Any,
    nice: int = 0,
    parent_pid: int = 0,
    prctl: bool = True,
) -> None:
    """The child process: import torch early, then serve run requests until ``None``.

    A ``("warm", runner)`` request imports an experiment's module ahead of its first run.
    """
    if parent_pid:
        die_with_parent(parent_pid, prctl=prctl)
    _silence_std_streams()
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    with contextlib.suppress(Exception):
        import torch

        torch.set_num_threads(1)
    from models.base import execute

    outbox.put(("ready", None))
    while True:
        request = inbox.get()
        if request is None:
            # leave at once: tearing down an interpreter that imported torch takes ~1 s
            outbox.close()
            outbox.join_thread()
            os._exit(0)
        if isinstance(request, tuple) and request[0] == "warm":
            with contextlib.suppress(Exception):
                request[1].load_runner()
            continue
        batcher = _Batcher(outbox)
        try:
            result = execute(
                request.spec,
                request.params,
                steps=request.steps,
                seeds=request.seeds,
                device=request.device,
                on_progress=batcher.add,
                should_stop=_waiting_stop(cancel, paused),
            )
        except Exception as error:
            batcher.flush()
            outbox.put(("error", _describe(error)))
            continue
        batcher.flush()
        outbox.put(("result", result))


class ProcessBackend(_Controls):
    """Runs experiments in one warm child process, started at construction."""

    name = "process"

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with _RealStdStreams():
            self._cancel = context.Event()
            self._paused = context.Event()
            self._inbox = context.Queue()
            self._outbox = context.Queue()
            self._process: SpawnProcess = context.Process(
                target=_child_main,
                args=(
                    self._inbox,
                    self._outbox,
                    self._cancel,
                    self._paused,
                    CHILD_NICE,
                    os.getpid(),
                    threading.current_thread() is threading.main_thread(),
                ),
                name="studyapp-experiment",
                daemon=True,
            )
            self._process.start()
        self._closed = False
        self._ready = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def warm(self, spec: ExperimentSpec) -> None:
        """Import ``spec``'s runner in the child now, so its first run starts at once."""
        if not self._closed:
            with contextlib.suppress(OSError, ValueError):
                self._inbox.put(("warm", spec))

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until the child has imported torch (benchmarks call this); False on timeout."""
        if self._ready:
            return True
        try:
            kind, _ = self._outbox.get(timeout=timeout)
        except queue.Empty:
            return False
        self._ready = kind == "ready"
        return self._ready

    def run(
        self,
        request: RunRequest,
        on_progress: ProgressCallback,
        stop_when: Callable[[], bool] | None = None,
    ) -> Result:
        """Run in the child; ``stop_when`` (polled every 0.1 s) cancels the run."""
        if self._closed:
            raise RunFailedError("the experiment process was closed")
        self._cancel.clear()
        self._paused.clear()
        self._inbox.put(request)
        cancelled_at: float | None = None
        while True:
            if stop_when is not None and stop_when():
                self._cancel.set()
            try:
                kind, payload = self._outbox.get(timeout=0.1)
            except (OSError, ValueError, EOFError) as error:
                raise RunFailedError(f"the experiment process went away ({error})") from None
            except queue.Empty:
                if not self._process.is_alive():
                    code = self._process.exitcode
                    raise RunFailedError(f"the experiment process exited (code {code})") from None
                if self._cancel.is_set():
                    cancelled_at = cancelled_at or time.perf_counter()
                    if time.perf_counter() - cancelled_at > 5.0:
                        self._process.terminate()
                continue
            if kind == "ready":
                self._ready = True
                continue
            if kind == "progress":
                for progress in payload:
                    on_progress(progress)
            elif kind == "error":
                raise RunFailedError(payload)
            elif kind == "result":
                return payload

    def close(self, timeout: float = 1.0) -> None:
        """Stop the run and the child; kill it if it does not exit within ``timeout``."""
        if self._closed:
            return
        self._closed = True
        self._cancel.set()
        with contextlib.suppress(OSError, ValueError):
            self._inbox.put(None)
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(1.0)
        for q in (self._inbox, self._outbox):
            q.cancel_join_thread()
            q.close()


@dataclass
class LiveHistory:
    """Metric history shared between the run's thread (writer) and the UI (reader).

    The writer appends every step; the UI copies it a few times a second to draw.
    """

    step: int = 0
    total: int = 0
    started: float = field(default_factory=time.perf_counter)
    paused_s: float = 0.0
    snapshot: dict[str, Any] | None = None
    _series: dict[str, list[float]] = field(default_factory=lambda: {"step": []})
    _lock: threading.Lock = field(default_factory=threading.Lock)
    version: int = 0

    def add(self, progress: Progress) -> None:
        with self._lock:
            self.step, self.total = progress.step, progress.total
            self._series["step"].append(float(progress.step))
            for key, value in progress.metrics.items():
                number = float(value)
                self._series.setdefault(key, []).append(number if math.isfinite(number) else 0.0)
            if progress.snapshot is not None:
                self.snapshot = progress.snapshot
            self.version += 1

    def series(self) -> dict[str, list[float]]:
        """A consistent copy of every series (all as long as ``step``, or shorter)."""
        with self._lock:
            return {k: list(v) for k, v in self._series.items()}

    def rate(self, now: float | None = None) -> float:
        """Steps per second since the start, not counting time spent paused."""
        elapsed = (now or time.perf_counter()) - self.started - self.paused_s
        return self.step / elapsed if elapsed > 0 and self.step else 0.0

    def eta_seconds(self, now: float | None = None) -> float | None:
        rate = self.rate(now)
        if rate <= 0 or self.total <= 0:
            return None
        return max(0.0, (self.total - self.step) / rate)
