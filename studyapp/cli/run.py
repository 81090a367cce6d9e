"""``studyapp run NAME``: run one experiment headless, with a progress bar and its verdict.

Exit status: 0 when the run completed (whether or not its verdict passed), 1 when it
diverged (NaN/inf; the result says where), 130 when stopped with Ctrl-C (the partial result
is still printed). ``--json`` prints exactly one object on stdout.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from typing import Any, TextIO

from studyapp.cli._checks import check_parent_folder
from studyapp.cli.errors import CliError
from studyapp.textsafe import escape_controls

DEVICES = ("auto", "cpu", "cuda")

SEED_LIMIT = 2**64
"""Seeds are unsigned 64-bit integers (torch.manual_seed's range)."""


def ascii_int(option: str, text: str | int) -> int:
    """``text`` as an integer written in ASCII digits (``int()`` also takes fullwidth ones);
    a one-line CliError (exit 2) naming ``option`` otherwise."""
    if isinstance(text, int):
        return text
    body = text.strip()
    digits = body[1:] if body[:1] in "+-" else body
    if not digits.isascii() or not digits.isdigit():
        raise CliError(f"{option} expects a whole number in ASCII digits, got {text!r}", 2)
    return int(body)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a PyTorch mini-experiment and print its verdict",
        description=(
            "Run an experiment (see `studyapp experiments`) to its measured verdict. "
            "Ctrl-C stops between steps and prints the partial result."
        ),
    )
    parser.add_argument("name", help="experiment id, e.g. mode-collapse")
    parser.add_argument("--steps", help="training steps (default: the experiment's)")
    parser.add_argument("--seed", default=0, help="first seed (default 0)")
    parser.add_argument(
        "--seeds",
        default=1,
        metavar="K",
        help="run K seeds batched: seed..seed+K-1 (refused past the memory limit)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter (repeatable)",
    )
    parser.add_argument("--device", choices=DEVICES, default="auto", help="default: auto")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--png", metavar="FILE", help="also save the figure (PNG/SVG/PDF)")
    parser.set_defaults(handler=handle)


def parse_overrides(items: list[str]) -> dict[str, str]:
    """``["lr=0.01", "data=grid25"]`` -> dict; a CliError for an item without ``=``."""
    overrides: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--set expects KEY=VALUE, got {item!r}")
        overrides[key.strip()] = value.strip()
    return overrides


class ProgressBar:
    """A one-line text progress bar with steps/s; redraws at most ``fps`` times a second.

    On a terminal it rewrites one line (``\\r``); otherwise it prints a line every 10%.
    """

    def __init__(self, stream: TextIO, label: str, fps: float = 10.0) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.interval = 1.0 / fps
        self.started = time.perf_counter()
        self.last_draw = 0.0
        self.last_decile = -1

    def update(self, progress: Any) -> None:
        now = time.perf_counter()
        frac = progress.step / max(1, progress.total)
        if self.tty:
            if now - self.last_draw < self.interval and progress.step < progress.total:
                return
        else:
            decile = int(frac * 10)
            if decile == self.last_decile:
                return
            self.last_decile = decile
        self.last_draw = now
        rate = progress.step / max(now - self.started, 1e-9)
        filled = int(frac * 24)
        bar = "#" * filled + "." * (24 - filled)
        line = f"{self.label} [{bar}] {progress.step}/{progress.total} steps  {rate:,.0f} steps/s"
        if self.tty:
            self.stream.write("\r" + line[:120].ljust(80))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.last_draw:
            self.stream.write("\n")
            self.stream.flush()


def handle(args: argparse.Namespace) -> int:
    from models import ParamError, get_spec
    from models.base import execute
    from studyapp.experiments.budget import check_seeds

    args.seed = ascii_int("--seed", args.seed)
    args.seeds = ascii_int("--seeds", args.seeds)
    if args.steps is not None:
        args.steps = ascii_int("--steps", args.steps)
    if args.seeds < 1:
        raise CliError(f"--seeds must be at least 1, got {args.seeds}")
    if args.png:
        check_parent_folder(args.png, "--png")  # before the run, not after it
    if not args.seed >= 0 or args.seed + args.seeds > SEED_LIMIT:
        raise CliError(
            f"--seed must be in [0, 2**64 - 1] with --seeds (seed..seed+K-1), got {args.seed}",
            exit_code=2,
        )
    try:
        spec = get_spec(args.name)
        params = spec.resolve(parse_overrides(args.overrides))
    except ParamError as error:
        raise CliError(str(error)) from None
    too_big = check_seeds(spec, params, args.seeds)
    if too_big is not None:
        raise CliError(too_big, exit_code=2)
    try:
        from models.torchutil import device_name

        device = device_name(args.device)
    except ParamError as error:
        raise CliError(str(error)) from None
    seeds = tuple(range(args.seed, args.seed + args.seeds))

    show_bar = not args.json or sys.stderr.isatty()
    bar = ProgressBar(sys.stderr, spec.id) if show_bar else None
    stop = {"asked": False}

    def on_sigint(signum: int, frame: Any) -> None:
        if stop["asked"]:  # a second Ctrl-C: give up at once
            raise KeyboardInterrupt
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        result = execute(
            spec,
            params,
            steps=args.steps,
            seeds=seeds,
            device=device,
            on_progress=bar.update if bar else None,
            should_stop=lambda: stop["asked"],
        )
    except ParamError as error:
        raise CliError(str(error)) from None
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()

    if args.png:
        from studyapp.experiments.figures import save_figure

        try:
            save_figure(spec, result, args.png)
        except OSError as error:
            raise CliError(f"cannot write figure {args.png}: {error.strerror or error}") from None
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print_report(spec, result, args.png)
    return {"completed": 0, "diverged": 1, "cancelled": 130}[result.status]


def print_report(spec: Any, result: Any, png: str | None) -> None:
    """The human-readable end of a run: status, speed, verdict, the prediction's answer."""
    rate = result.steps_done / max(result.elapsed_s, 1e-9)
    seeds = ", ".join(str(s) for s in result.seeds)
    print(
        f"{spec.id}: {result.status}, {result.steps_done} steps in {result.elapsed_s:.1f} s "
        f"({rate:,.0f} steps/s) on {result.device}, seeds {seeds}"
    )
    verdict = result.verdict
    mark = "PASSED" if verdict.passed else "NOT SHOWN"
    if result.status != "completed":
        mark = result.status.upper()
    agreed = (
        f" [{verdict.seeds_agreed}/{verdict.seeds_total} seeds]" if verdict.seeds_total > 1 else ""
    )
    print(f"verdict: {mark}{agreed}: {verdict.plain or verdict.summary}")
    if verdict.plain:
        print(f"  measured: {verdict.summary}")
    if spec.prediction is not None and result.answer is not None:
        print(f"prediction: {spec.prediction.question}")
        print(f"  measured answer: {spec.prediction.choices[result.answer]}")
    if png:
        print(f"figure: {escape_controls(png)}")
