"""Parsers stay linear on hostile input (issue 12, items 4 and 5; issue 19, item 10).

Each case times a parse at n and at 4n (best of a few runs, so a busy machine adds less
noise) and asks that the time grows about linearly: 4x the input may take up to 8x the
time; a quadratic parser takes 16x. The inputs are the ones the hostile pass found slow;
the sizes are small so the whole file runs in seconds (a quadratic regression would not).
The Anki package renderer (HTML, clozes, math, sound, the answer rule) is timed the same way,
its caches cleared before every run.
Then: anything that is not a regular file is refused by name, without blocking.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from studyapp.deckfmt import DeckParseError, parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
GROWTH = 4
MAX_RATIO = 8.0


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()  # CPU time: other processes on the machine add less noise
        run()
        best = min(best, time.process_time() - start)
    return best


def _parse(text: str, fmt: str) -> None:
    with contextlib.suppress(DeckParseError):  # refusing is fine; quadratic time is not
        parse_text(text, fmt, "hostile.txt")


CASES: dict[str, tuple[str, Callable[[int], str], int]] = {
    # name: (format, input of size n, base n)
    "notes 'main drawback of x' + spaces": (
        "notes",
        lambda n: "Notes\n\nX = y\n\nthe main drawback of x" + " " * n + "y\n",
        4000,
    ),
    "notes many drawback paragraphs": (
        "notes",
        lambda n: "Notes\n\nX = y\n\n" + "main drawback of x  is y\n\n" * (n // 25),
        40_000,
    ),
    "unclosed \\( repeated": ("deck", lambda n: "Q: a " + "\\( x " * (n // 5) + "\nA: b\n", 80_000),
    "unclosed \\[ repeated": ("deck", lambda n: "Q: a " + "\\[ x " * (n // 5) + "\nA: b\n", 80_000),
    "unclosed $$ and $": ("deck", lambda n: "Q: " + "$$a $b " * (n // 7) + "\nA: b\n", 80_000),
    "native Q: alone on its line": (
        "deck",
        lambda n: "".join(f"Q:\nquestion {i}\nA: answer {i}\n\n" for i in range(n // 30)),
        60_000,
    ),
    "quizlet formula lines": (
        "quizlet",
        lambda n: "T Flashcards\nTerm\n" + "".join(f"x_{i} = y^{i} + z\n" for i in range(n // 16)),
        40_000,
    ),
    "trailing spaces inside a block": (
        "deck",
        lambda n: "Q: a\n  b" + " " * n + "c \nA: d\n",
        20_000,
    ),
    "anki unclosed clozes": (
        "anki-text",
        lambda n: "#separator:tab\n" + "{{c1::a::h " * (n // 11) + "\tb\n",
        80_000,
    ),
    "obsidian unclosed clozes": (
        "obsidian",
        lambda n: "a::b\nc::d\n\n" + "{{c1::a " * (n // 8) + "\n",
        20_000,
    ),
    "obsidian highlights in one paragraph": (
        "obsidian",
        lambda n: "a::b\nc::d\n\n" + "==a== " * (n // 6) + "\n",
        4_000,
    ),
    "logseq cards": (
        "logseq",
        lambda n: "".join(f"- q{i} #card\n\t- a{i}\n" for i in range(n // 20)),
        40_000,
    ),
    "logseq unclosed clozes": ("logseq", lambda n: "- q #card " + "{{cloze a " * (n // 10), 20_000),
    "logseq deep nesting": (
        "logseq",
        lambda n: "- q #card\n" + "".join("\t" * min(i, 60) + f"- a{i}\n" for i in range(n // 40)),
        40_000,
    ),
    "csv unclosed quotes": ("csv", lambda n: "Question,Answer\n" + '"a,b\n' * (n // 5), 20_000),
    # issue 19, item 10
    "obsidian unclosed <!--SR: repeated": (
        "obsidian",
        lambda n: "a::b\nc::d\n\nq::a " + "<!--SR:" * (n // 7) + "\n",
        32_000,
    ),
    "obsidian <!--SR: with one late >": (
        "obsidian",
        lambda n: "a::b\nc::d\n\nq " + "<!--SR:!" * (n // 8) + ">\n",
        32_000,
    ),
    "anki-text a row of <": ("anki-text", lambda n: "#separator:tab\n" + "<" * n + "\tb\n", 16_000),
    "anki-text [sound: repeated": (
        "anki-text",
        lambda n: "#separator:tab\n" + "[sound:" * (n // 7) + "\tb\n",
        16_000,
    ),
    "native $x_x_...$": ("deck", lambda n: "Q: $" + "x_" * (n // 2) + "x$\nA: b\n", 16_000),
}


def _render(html: str) -> None:
    from studyapp.deckfmt.apkg.render import clear_cache, render_card
    from studyapp.deckfmt.latex import math_to_unicode

    clear_cache()
    math_to_unicode.cache_clear()
    render_card("{{cloze:Text}}", "{{cloze:Text}}<br>{{Back}}", {"Text": html, "Back": html}, 1)
    render_card(
        "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}", {"Front": html, "Back": ""}, None
    )


RENDER_CASES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (a note field of size n, base n); the slow ones the hostile pass found first
    "<a and spaces": (lambda n: "<a" + " " * n, 2_000),
    "<a repeated": (lambda n: "<a " * (n // 3), 2_000),
    "{{c1:: repeated": (lambda n: "{{c1::" * (n // 6), 4_000),
    "\\( repeated": (lambda n: "\\(" * (n // 2), 8_000),
    "<a with an unclosed quote repeated": (lambda n: '<a x="' * (n // 6), 2_000),
    "[sound: repeated": (lambda n: "[sound:" * (n // 7), 8_000),
    "<hr repeated before one >": (lambda n: "<hr " * (n // 4) + ">", 8_000),
    "unclosed comment then tags": (lambda n: "<!--" + "<b>" * (n // 3), 8_000),
    "<script> unclosed then tags": (lambda n: "<script>" + "<b>" * (n // 3), 8_000),
    "[$] repeated": (lambda n: "[$]" * (n // 3), 8_000),
    "nested cloze hints": (lambda n: "{{c1::a::" * (n // 9) + "}}", 8_000),
}


@pytest.mark.parametrize("name", sorted(RENDER_CASES))
def test_package_rendering_time_grows_linearly(name: str) -> None:
    make, n = RENDER_CASES[name]
    small, large = make(n), make(GROWTH * n)
    _render(small)  # warm imports
    t_small = _best(lambda: _render(small))
    t_large = _best(lambda: _render(large))
    floor = 0.005
    ratio = max(t_large, floor) / max(t_small, floor)
    assert ratio < MAX_RATIO, f"{name}: {GROWTH}x input took {ratio:.1f}x time ({t_large:.3f} s)"


def test_a_long_math_segment_is_shown_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LaTeX parser costs ~5 µs a character: past MAX_MATH_CHARS it is not called."""
    import pylatexenc.latexwalker

    from studyapp.deckfmt import latex

    latex.math_to_unicode.cache_clear()
    body = "x_" * (latex.MAX_MATH_CHARS // 2) + "x"
    calls: list[str] = []
    monkeypatch.setattr(pylatexenc.latexwalker, "LatexWalker", lambda text, **_: calls.append(text))
    assert latex.math_to_unicode(body) == body
    assert parse_text(f"Q: ${body}$\nA: b\n", "deck", "m.txt").cards[0].front == body
    latex.math_to_unicode.cache_clear()
    assert calls == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_parse_time_grows_linearly(name: str) -> None:
    fmt, make, n = CASES[name]
    small, large = make(n), make(GROWTH * n)
    _parse(small, fmt)  # warm caches and imports
    t_small = _best(lambda: _parse(small, fmt))
    t_large = _best(lambda: _parse(large, fmt))
    floor = 0.005  # below this the timer measures noise, not the parser
    ratio = max(t_large, floor) / max(t_small, floor)
    assert ratio < MAX_RATIO, f"{name}: {GROWTH}x input took {ratio:.1f}x time ({t_large:.3f} s)"


def test_linking_is_linear_in_cards() -> None:
    from studyapp.experiments.links import experiments_for

    def cards(n: int) -> list[tuple[str, str]]:
        return [
            (f"What is mode collapse in card {i}?", f"The generator covers few modes; KL {i}")
            for i in range(n)
        ]

    small, large = cards(1000), cards(GROWTH * 1000)
    t_small = _best(lambda: [experiments_for(f, b) for f, b in small])
    t_large = _best(lambda: [experiments_for(f, b) for f, b in large])
    assert t_large / t_small < MAX_RATIO


# -- item 5: only regular files, refused by name, never a hang ---------------------------


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,  # a FIFO that blocks fails here instead of hanging the suite
        env={**os.environ, "STUDYAPP_HOME": str(home)},
    )


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    fifo = tmp_path / "deck.fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(loop)
    return {
        "fifo": (fifo, "is a FIFO (named pipe), not a regular file"),
        "device": (Path("/dev/zero"), "is a device, not a regular file"),
        "folder": (folder, "is a directory, not a deck file"),
        "link loop": (loop, "symbolic link loop, not a regular file"),
    }


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "link loop"])
def test_special_files_refused_in_process(kind: str, specials: dict[str, tuple[Path, str]]) -> None:
    path, reason = specials[kind]
    with pytest.raises(DeckParseError) as info:
        parse_file(path)
    assert str(info.value) == f"{path}: {reason}"


@pytest.mark.parametrize("command", [["deck", "parse"], ["import"]])
@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "link loop"])
def test_special_files_refused_by_the_cli(
    kind: str, command: list[str], specials: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    path, reason = specials[kind]
    done = _cli(tmp_path / "home", *command, str(path))
    assert done.returncode == 1
    assert done.stderr == f"studyapp: error: {path}: {reason}\n"
    assert done.stdout == ""
