"""Distractors for a multiple-choice question: answers of the same shape and concept.

Random answers make the right one stand out (the longest, the only bulleted one). A
candidate scores for sharing the shape of the right answer (bulleted or not, length, lines)
and its concept (key words shared by the two cards); three are drawn from the best few,
so many shorter than the right answer and the rest longer, the number drawn at random.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from studyapp.study.quiz_words import tokens

POOL = 4
"""Distractors are drawn from this many best-scoring candidates shorter (or longer) than the
right answer."""
MARGIN = 1.5
"""Candidates this much below the n-th best are not drawn (less than a bulleted mismatch)."""


@dataclass(frozen=True)
class Shape:
    """What a reader sees of an answer before reading it."""

    chars: int
    lines: int
    bulleted: bool
    words: frozenset[str]
    """Key words of the card (question and answer): its concept."""


def _bulleted(text: str) -> bool:
    return any(line.lstrip().startswith(("\u2022", "- ", "* ")) for line in text.splitlines())


@lru_cache(maxsize=4096)
def shape(front: str, back: str) -> Shape:
    text = back.strip()
    words = frozenset(t.stem for t in tokens(f"{front} {back}") if t.content and len(t.stem) > 2)
    return Shape(len(text), len(text.splitlines()) or 1, _bulleted(text), words)


def likeness(a: Shape, b: Shape) -> float:
    """Higher for answers that look alike and are about the same thing."""
    score = 0.0 if a.bulleted == b.bulleted else -2.0
    score -= 1.5 * abs(math.log((a.chars + 10) / (b.chars + 10)))
    score -= 0.3 * min(abs(a.lines - b.lines), 5)
    union = a.words | b.words
    if union:
        score += 2.0 * len(a.words & b.words) / len(union)
    return score


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """Answers with the same key are the same answer for a reader."""
    return " ".join(t.stem for t in tokens(text))


def distractors(
    right: tuple[str, str], others: Sequence[tuple[str, str]], n: int, rng: random.Random
) -> list[str]:
    """Up to ``n`` answers of ``others`` (front, back) unlike ``right``'s but shaped like it."""
    mine = shape(*right)
    seen = {key(right[1])}
    scored: list[tuple[float, str]] = []
    for front, back in others:
        k = key(back)
        if not k or k in seen:
            continue
        seen.add(k)
        scored.append((likeness(mine, shape(front, back)) + rng.random() * 0.05, back))
    scored.sort(key=lambda s: -s[0])
    # the right answer's rank by length is uniform: as often the longest as the shortest
    if not scored:
        return []
    floor = scored[min(n, len(scored)) - 1][0] - MARGIN
    fit = [b for score, b in scored if score >= floor]
    shorter = [b for b in fit if len(b.strip()) < mine.chars][: max(POOL, n)]
    longer = [b for b in fit if len(b.strip()) >= mine.chars][: max(POOL, n)]
    below = rng.randint(0, n)
    picked = rng.sample(shorter, min(below, len(shorter)))
    picked += rng.sample(longer, min(n - len(picked), len(longer)))
    rest = [b for b in shorter if b not in picked]
    picked += rng.sample(rest, min(n - len(picked), len(rest)))
    return picked
