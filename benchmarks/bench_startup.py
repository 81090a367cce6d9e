"""Cold start of the TUI: process launch to the first card on screen (goal < 0.3 s).

Run: ``python benchmarks/bench_startup.py [--runs R]``. Every start is a fresh interpreter on
a pseudo-terminal (80x24), timed the same way (the pty's output is read until a probe text
shows), on a database that already holds the bundled decks:

- ``bare Textual``: an app that shows one Static, nothing else: the floor that any
  Textual app pays on this machine (interpreter, Textual's imports, first frame);
- ``studyapp``: ``studyapp --db DB``: ``first frame`` (home, while the database opens on a
  worker), ``home ready`` (the deck counts), ``first card`` (enter pressed as soon as home
  is ready, the card's front on screen);
- ``studyapp review``: ``studyapp --db DB review``, which opens the database before the
  TUI and draws the first due card as its first frame (no home screen, no second frame);
- ``CPU`` columns: user+sys seconds the process used by then (what an idle machine's wall
  time would be; wall times grow with the machine's load).

It then runs the same start in-process (headless) to report where the time goes (imports,
first frame, service open) and checks that torch was never imported. Prints medians, and
each figure as a ratio to the goal and to the bare-Textual floor: the floor is what no
Textual app can beat on this machine, so ``x floor`` is the part that is ours to cut.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_S = 0.3
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")

BARE_PROBE = "bare textual floor"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static({BARE_PROBE!r})

Bare().run()
"""

HEADLESS = r"""
import json, sys, time
t0 = time.perf_counter()
from studyapp.ui.app import StudyApp, open_service
from functools import partial
t_import = time.perf_counter()
marks = {}
cpu = {"import": (time.process_time(), time.thread_time())}  # (process, UI thread)

async def drive(pilot):
    app = pilot.app
    marks["first_frame"] = time.perf_counter()
    cpu["first_frame"] = (time.process_time(), time.thread_time())
    deadline = time.perf_counter() + 60  # a failure, never a hang
    while not app.ready and app.startup_error is None:
        await pilot.pause(0.002)
    marks["ready"] = time.perf_counter()
    cpu["ready"] = (time.process_time(), time.thread_time())
    # enter acts once home has loaded its deck list and selected the first deck
    while getattr(app.screen, "deck", None) is None and time.perf_counter() < deadline:
        await pilot.pause(0.002)
    await pilot.press("enter")
    while getattr(app.screen, "card", None) is None:
        if time.perf_counter() > deadline:
            raise SystemExit(f"no card on screen after 60 s ({app.screen!r})")
        await pilot.pause(0.002)
    await pilot.pause()
    marks["card"] = time.perf_counter()
    cpu["card"] = (time.process_time(), time.thread_time())
    app.exit()

app = StudyApp(partial(open_service, sys.argv[1]))
app.run(headless=True, size=(80, 24), auto_pilot=drive)
print(json.dumps({
    "import_s": t_import - t0,
    "first_frame_s": marks["first_frame"] - t0,
    "ready_s": marks["ready"] - t0,
    "card_s": marks["card"] - t0,
    **{f"{k}_cpu": v[0] for k, v in cpu.items()},
    **{f"{k}_ui_cpu": v[1] for k, v in cpu.items()},
    "torch": "torch" in sys.modules,
}))
"""

Probe = tuple[str, str, bytes]
"""``(mark, text, keys)``: time ``mark`` when ``text`` shows after the previous probe's text,
then type ``keys``."""


def prepare(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A database holding the bundled decks, and the environment to start the app in.

    The package's bytecode is compiled first, as ``pip install`` does: with
    ``PYTHONDONTWRITEBYTECODE`` set (or a read-only checkout) every start would otherwise
    compile the sources again, which the installed app never does.
    """
    import compileall

    from studyapp.study.service import StudyService

    for package in ("studyapp", "models"):
        compileall.compile_dir(ROOT / package, quiet=1)

    db = tmp / "bench.db"
    service = StudyService.open(str(db))
    service.decks.sync_bundled()
    service.close()
    env = {**os.environ, "STUDYAPP_HOME": str(tmp / "home"), "TERM": "xterm-256color"}
    env.pop("STUDYAPP_DB", None)
    return db, env


def pty_run(argv: list[str], env: dict[str, str], probes: list[Probe]) -> dict[str, float]:
    """One cold start of ``argv`` on a pseudo-terminal; seconds from launch to each mark."""
    import fcntl
    import signal
    import struct
    import termios

    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(argv[0], argv, env)
    os.set_blocking(fd, False)
    raw = bytearray()
    marks: dict[str, float] = {}
    deadline = started + 60
    seen_upto = 0  # where in the screen text the last probe was found
    try:
        while len(marks) < len(probes) and time.perf_counter() < deadline:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            except OSError:
                break
            raw += chunk
            text = ANSI.sub("", raw.decode("utf-8", "replace"))
            now = time.perf_counter() - started
            while len(marks) < len(probes):
                mark, probe, keys = probes[len(marks)]
                found = text.find(probe, seen_upto)
                if found < 0:
                    break
                marks[mark] = now
                seen_upto = found + len(probe)
                if keys:
                    os.write(fd, keys)
    finally:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if len(marks) < len(probes):
        raise SystemExit(f"{argv[1:]}: not every probe showed within 60 s; marks {marks}")
    # CPU seconds the process used up to the kill (just after the last probe showed): close
    # to the wall time an idle machine would need, whatever else this machine is running.
    marks["cpu"] = usage.ru_utime + usage.ru_stime
    return marks


def first_front(db: Path) -> str:
    """A probe string from the card the session will show first."""
    from studyapp.study.service import StudyService

    service = StudyService.open(str(db))
    try:
        deck = service.decks()[0]
        queued = service.reviews.peek(deck.id)
        assert queued is not None, "the first deck has no card to review"
        return " ".join(queued.card.front.split())[:20]
    finally:
        service.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = [sys.executable, "-m", "studyapp"]
    with tempfile.TemporaryDirectory() as tmp_name:
        db, env = prepare(Path(tmp_name))
        front = first_front(db)
        home: list[Probe] = [
            ("first_frame", "studyapp", b""),
            ("ready", " answered · ", b"\r"),  # home status "Today: N answered · ..."
            ("card", front, b""),
        ]
        runs: dict[str, list[dict[str, float]]] = {"bare": [], "home": [], "review": []}
        for _ in range(args.runs):  # interleaved, so load changes hit every variant alike
            bare = [sys.executable, "-c", BARE_APP]
            runs["bare"].append(pty_run(bare, env, [("first_frame", BARE_PROBE, b"")]))
            runs["home"].append(pty_run([*app, "--db", str(db)], env, home))
            review = [*app, "--db", str(db), "review"]
            runs["review"].append(pty_run(review, env, [("card", front, b"")]))
        headless = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", HEADLESS, str(db)],
                capture_output=True, text=True, check=True, env=env, cwd=ROOT,
            ).stdout  # fmt: skip
            headless.append(json.loads(out.strip().splitlines()[-1]))

    def median(rows: list[dict], key: str) -> float:  # type: ignore[type-arg]
        return statistics.median(row[key] for row in rows)

    floor = median(runs["bare"], "first_frame")
    floor_cpu = median(runs["bare"], "cpu")

    def line(label: str, wall: float, cpu: float | None = None) -> str:
        text = f"  {label:<30}{wall:6.3f} s  {wall / GOAL_S:5.2f}x goal  {wall / floor:5.2f}x floor"
        if cpu is not None:
            text += f"   CPU {cpu:.3f} s ({cpu / floor_cpu:.2f}x floor's CPU)"
        return text

    print(f"cold start on an 80x24 pty, {args.runs} runs each, medians (goal {GOAL_S} s):")
    print(line("bare Textual, first frame", floor, floor_cpu))
    print(line("studyapp, first frame", median(runs["home"], "first_frame")))
    print(line("studyapp, home ready", median(runs["home"], "ready")))
    print(line("studyapp, first card (enter)", median(runs["home"], "card"),
               median(runs["home"], "cpu")))  # fmt: skip
    print(line("studyapp review, first card", median(runs["review"], "card"),
               median(runs["review"], "cpu")))  # fmt: skip
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("in-process breakdown, headless (median, from interpreter start of the script;")
    print("CPU since the process began: all threads', then the UI thread's alone):")
    for label, key in (
        ("import the app", "import"),
        ("first frame", "first_frame"),
        ("service open+sync", "ready"),
        ("first card", "card"),
    ):
        wall = median(headless, "import_s" if key == "import" else f"{key}_s")
        text = f"  {label:<19}{wall:.3f} s   CPU {median(headless, f'{key}_cpu'):.3f} s"
        print(text + f"   UI thread {median(headless, f'{key}_ui_cpu'):.3f} s")
    torch = any(row["torch"] for row in headless)
    print(f"torch imported: {'YES (bad)' if torch else 'no'}")
    return 1 if torch else 0


if __name__ == "__main__":
    raise SystemExit(main())
