"""Shape statistics that the heuristic formats' ``sniff`` functions share, and detection.

:func:`shape` measures a sample once (cached): bullets, lone ``-`` markers, bullet runs,
blank-line share, question share. Each format turns that into a score; the registry picks
the best (:func:`studyapp.deckfmt.registry.detect_lines`). Strong markers score highest
(Anki headers, a CSV header row, ``#card`` blocks, ``Q:``/``A:`` keywords, Brainscape's
footer), then the shapes: outlines, prose notes, Q/A exports, term lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from studyapp.deckfmt.cards import is_bullet
from studyapp.deckfmt.textshape import is_question


@dataclass(frozen=True, slots=True)
class Shape:
    """Measures of a sample's non-blank lines (``stripped``)."""

    stripped: tuple[str, ...]
    bullet_share: float
    lone_markers: int
    mean_run: float
    blank_share: float
    question_share: float
    plain_count: int


def shape(sample: Sequence[str]) -> Shape:
    """The :class:`Shape` of ``sample`` (computed once per sample)."""
    return _shape(tuple(sample))


@lru_cache(maxsize=8)
def _shape(sample: tuple[str, ...]) -> Shape:
    stripped = tuple(line.strip() for line in sample if line.strip())
    if not stripped:
        return Shape((), 0.0, 0, 0.0, 0.0, 0.0, 0)
    bullets = [is_bullet(text) for text in stripped]
    runs = _bullet_runs(bullets)
    plain = [text for text, bullet in zip(stripped, bullets, strict=True) if not bullet]
    return Shape(
        stripped,
        sum(bullets) / len(stripped),
        sum(text in ("-", "*", "•") for text in stripped),
        sum(runs) / len(runs) if runs else 0.0,
        1 - len(stripped) / len(sample),
        sum(is_question(text) for text in plain) / len(plain) if plain else 0.0,
        len(plain),
    )


def detect_format(lines: list[str], source: str = "<string>") -> str:
    """The name of the best format for ``lines`` (see the registry); an error if unsure."""
    from studyapp.deckfmt.registry import detect_lines

    return detect_lines(lines, source).name


def _bullet_runs(bullets: list[bool]) -> list[int]:
    runs: list[int] = []
    length = 0
    for bullet in bullets:
        if bullet:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    if length:
        runs.append(length)
    return runs
