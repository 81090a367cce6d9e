"""Fuzzed decks (issue 12 bar): 0 tracebacks, 0 hangs past 5 s, 0 raw controls on stdout.

600 decks are made from the bundled and fixture decks by seeded mutations (hostile tokens:
escape sequences, unclosed delimiters and clozes, long runs of spaces, NULs, BOMs, CRs, other
encodings, bytes that are not UTF-8). Each is parsed in-process from a file under a 5 s
alarm, and its ``deck parse`` summary and JSON are built: the only exception allowed is a
one-line :class:`DeckParseError`. A handful go through the real CLI in a subprocess too.
Runs in the default suite (well under 90 s here).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.cli.deck import deck_json, summary
from studyapp.deckfmt import DeckParseError, parse_file
from studyapp.textsafe import CONTROL_RE

ROOT = Path(__file__).resolve().parents[2]
SEED = 20_261_202
DECKS = 600
CLI_DECKS = 6
LIMIT_S = 5.0
SAMPLES = [
    p.read_text(encoding="utf-8")
    for p in sorted([*(ROOT / "decks").glob("*.txt"), *(ROOT / "tests/fixtures/decks").iterdir()])
]
TOKENS = [
    "\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\x85", "\x00", "\x08", "\x7f", "\r", "\r\n",
    "\ufeff", "\u2028", "\t", " " * 3000, "\\(", "\\(" * 50, "\\[", "$$", "$", "{{c1::",
    "{{c1::a::h", "}}", "{{cloze ", "==", "::", ":::", "?\n", "??\n", "Q:\n", "A:\n", "Q: ",
    "- ", "\t- ", "-\n", "#card", "#flashcards", "---\n", '"', '""', ",", ";", "Question,Answer\n",
    "#separator:tab\n", "#html:true\n", "<br>", "<img src=x>", "(See image)",
    "How well did you know this?\n", "main drawback of x" + " " * 500, "X = y\n",
    "experiments: kl-term(beta_max=\n", "deck: \x1b[31mred\n", "\U0001f600", "\ud7ff",
]  # fmt: skip


def mutate(rng: random.Random) -> bytes:
    """One fuzzed deck file's bytes."""
    lines = rng.choice(SAMPLES).split("\n")
    for _ in range(rng.randint(1, 12)):
        index = rng.randrange(len(lines) + 1)
        action = rng.random()
        if action < 0.45:
            token = rng.choice(TOKENS) * rng.choice([1, 1, 1, 20])
            line = lines[index - 1] if index else ""
            cut = rng.randint(0, len(line))
            if index:
                lines[index - 1] = line[:cut] + token + line[cut:]
            else:
                lines.insert(0, token)
        elif action < 0.6 and lines:
            del lines[min(index, len(lines) - 1)]
        elif action < 0.75 and lines:
            source = rng.randrange(len(lines))
            lines[index:index] = lines[source : source + rng.randint(1, 30)]
        elif action < 0.9:
            lines.insert(index, rng.choice(rng.choice(SAMPLES).split("\n")))
        else:
            rng.shuffle(lines)
    text = "\n".join(lines)
    encoding = rng.random()
    if encoding < 0.05:
        return "\ufeff".encode() + text.encode("utf-8")
    if encoding < 0.1:
        return text.encode("utf-16")  # with its BOM
    if encoding < 0.13:
        data = bytearray(text.encode("utf-8"))
        if data:
            data[rng.randrange(len(data))] = 0xFF
        return bytes(data)
    return text.encode("utf-8", "surrogatepass")


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` after ``seconds``; the suite's own alarm (pytest-timeout) is kept."""

    def expired(signum: int, frame: object) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 0.01))


def _check_one(path: Path) -> str:
    """``"ok"`` or ``"refused"``; raises on a traceback, a hang or a raw control."""
    try:
        deck = parse_file(path)
    except DeckParseError as error:
        assert "\n" not in str(error) and CONTROL_RE.search(str(error)) is None, str(error)
        return "refused"
    text = summary(deck) + json.dumps(deck_json(deck), ensure_ascii=False)
    assert CONTROL_RE.search(text) is None, repr(CONTROL_RE.search(text))
    return "ok"


def test_fuzzed_decks_in_process(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"ok": 0, "refused": 0}
    failures: list[str] = []
    slowest = 0.0
    for number in range(DECKS):
        path = tmp_path / f"fuzz-{number}.txt"
        path.write_bytes(mutate(rng))
        start = time.perf_counter()
        try:
            with deadline(LIMIT_S):
                outcomes[_check_one(path)] += 1
        except Hang:
            failures.append(f"{path.name}: hang past {LIMIT_S} s")
        except Exception as error:  # a traceback: the thing this test exists to find
            failures.append(f"{path.name}: {type(error).__name__}: {error}")
        else:
            path.unlink()  # keep failing inputs only, for reproduction
        slowest = max(slowest, time.perf_counter() - start)
    assert failures == [], failures[:5]
    assert outcomes["ok"] >= DECKS // 3, outcomes  # most mutants still parse: it tests parsers
    assert outcomes["refused"] > 0, outcomes


@pytest.mark.parametrize("number", range(CLI_DECKS))
def test_fuzzed_decks_through_the_cli(number: int, tmp_path: Path) -> None:
    rng = random.Random(SEED + 1 + number)
    path = tmp_path / "fuzz.txt"
    path.write_bytes(mutate(rng))
    env = {**os.environ, "STUDYAPP_HOME": str(tmp_path / "home")}
    for command in (["deck", "parse", str(path)], ["deck", "parse", str(path), "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "studyapp", *command],
            capture_output=True,
            cwd=ROOT,
            timeout=60,
            env=env,
        )
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        assert done.returncode in (0, 1), err
        assert "Traceback" not in err and CONTROL_RE.search(out + err) is None
        if done.returncode == 1:
            assert err.startswith("studyapp: error: ") and err.count("\n") == 1, err
        elif "--json" in command:
            json.loads(out)
