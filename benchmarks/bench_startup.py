"""Cold start of the TUI: process launch to the first card on screen (goal < 0.3 s).

Run: ``python benchmarks/bench_startup.py [--runs R]``. Each run starts ``studyapp --db DB``
in a fresh interpreter on a pseudo-terminal (80x24), on a database that already holds the
bundled decks, and times from launch to:

- ``first frame``: the first screen drawn (home, while the database opens on a worker);
- ``home ready``: the deck list with its counts on screen;
- ``first card``: enter pressed as soon as home is ready, the card's front on screen;
- ``CPU time to card``: user+sys seconds the app process used by then (what an idle
  machine's wall time would be; wall times above grow with the machine's load).

It then runs the same start in-process (headless) to report where the time goes (imports,
first frame, service open) and checks that torch was never imported. Prints medians and the
ratio of the first-card median to the goal.
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

HEADLESS = r"""
import json, sys, time
t0 = time.perf_counter()
from studyapp.ui.app import StudyApp, open_service
from functools import partial
t_import = time.perf_counter()
marks = {}

async def drive(pilot):
    app = pilot.app
    marks["first_frame"] = time.perf_counter()
    while not app.ready and app.startup_error is None:
        await pilot.pause(0.002)
    marks["ready"] = time.perf_counter()
    await pilot.press("enter")
    while getattr(app.screen, "card", None) is None:
        await pilot.pause(0.002)
    await pilot.pause()
    marks["card"] = time.perf_counter()
    app.exit()

app = StudyApp(partial(open_service, sys.argv[1]))
app.run(headless=True, size=(80, 24), auto_pilot=drive)
print(json.dumps({
    "import_s": t_import - t0,
    "first_frame_s": marks["first_frame"] - t0,
    "ready_s": marks["ready"] - t0,
    "card_s": marks["card"] - t0,
    "torch": "torch" in sys.modules,
}))
"""


def prepare(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A database holding the bundled decks, and the environment to start the app in."""
    from studyapp.study.service import StudyService

    db = tmp / "bench.db"
    service = StudyService.open(str(db))
    service.sync_bundled_decks()
    service.close()
    env = {**os.environ, "STUDYAPP_HOME": str(tmp / "home"), "TERM": "xterm-256color"}
    env.pop("STUDYAPP_DB", None)
    return db, env


def pty_run(db: Path, env: dict[str, str], front_probe: str) -> dict[str, float]:
    """One cold start on a pseudo-terminal; seconds from launch to each mark."""
    import fcntl
    import signal
    import struct
    import termios

    argv = [sys.executable, "-m", "studyapp", "--db", str(db)]
    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(argv[0], argv, env)
    os.set_blocking(fd, False)
    raw = bytearray()
    marks: dict[str, float] = {}
    deadline = started + 60
    try:
        while "card" not in marks and time.perf_counter() < deadline:
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
            if "first_frame" not in marks and "studyapp" in text:
                marks["first_frame"] = now
            if "ready" not in marks and "new waiting" in text:
                marks["ready"] = now
                os.write(fd, b"\r")
            if "ready" in marks and front_probe in text.split("new waiting")[-1]:
                marks["card"] = now
    finally:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if "card" not in marks:
        raise SystemExit(f"no card on screen within 60 s; marks {marks}")
    # CPU seconds the app used up to the kill (just after the card showed): close to the
    # wall time an idle machine would need, whatever else this machine is running.
    marks["cpu"] = usage.ru_utime + usage.ru_stime
    return marks


def first_front(db: Path) -> str:
    """A probe string from the card the session will show first."""
    from studyapp.study.service import StudyService

    service = StudyService.open(str(db))
    try:
        deck = service.decks()[0]
        card = service.next_card(deck.id)
        assert card is not None, "the first deck has no card to review"
        return " ".join(card.front.split())[:20]
    finally:
        service.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        db, env = prepare(Path(tmp_name))
        probe = first_front(db)
        pty_runs = [pty_run(db, env, probe) for _ in range(args.runs)]
        headless = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", HEADLESS, str(db)],
                capture_output=True, text=True, check=True, env=env, cwd=ROOT,
            ).stdout  # fmt: skip
            headless.append(json.loads(out.strip().splitlines()[-1]))

    def median(rows: list[dict], key: str) -> float:  # type: ignore[type-arg]
        return statistics.median(row[key] for row in rows)

    card = median(pty_runs, "card")
    print(f"cold start on a pty, {args.runs} runs (median):")
    print(f"  first frame        {median(pty_runs, 'first_frame'):.3f} s")
    print(f"  home ready         {median(pty_runs, 'ready'):.3f} s")
    print(f"  first card         {card:.3f} s   goal {GOAL_S} s   ratio {card / GOAL_S:.2f}x")
    cpu = median(pty_runs, "cpu")
    print(f"  CPU time to card   {cpu:.3f} s   (user+sys; ratio {cpu / GOAL_S:.2f}x)")
    print(f"  load average       {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("in-process breakdown, headless (median, from interpreter start of the script):")
    print(f"  import the app     {median(headless, 'import_s'):.3f} s")
    print(f"  first frame        {median(headless, 'first_frame_s'):.3f} s")
    print(f"  service open+sync  {median(headless, 'ready_s'):.3f} s")
    print(f"  first card         {median(headless, 'card_s'):.3f} s")
    torch = any(row["torch"] for row in headless)
    print(f"torch imported: {'YES (bad)' if torch else 'no'}")
    return 1 if torch else 0


if __name__ == "__main__":
    raise SystemExit(main())
