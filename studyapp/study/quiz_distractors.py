"""Distractors for a multiple-choice question: other cards' answers of the same kind.

Random answers give the right one away (the only expansion, the longest, the only list).
Candidates are other cards' answers that are not the answer reworded; they are drawn from
those of the answer's kind (:mod:`studyapp.study.quiz_kinds`) where the deck has enough,
else from its family, else from any. Within that pool a candidate scores for looking like
the answer (length, lines, bullets) and for its card's concept (key words shared by the two
cards); where the answer reads whole at 80x24, so must every distractor. Three are drawn
from the best few, some shorter than the answer and the rest longer, the number drawn at
random, so that the answer is as often the shortest as the longest.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from studyapp.study.quiz_answer import Cover, keys, share
from studyapp.study.quiz_claims import NUMBERS, Reading, read
from studyapp.study.quiz_glossary import Glossary
from studyapp.study.quiz_kinds import FAMILY, Kind, fits, kind
from studyapp.study.quiz_words import tokens

POOL = 4
"""Distractors are drawn from this many best-scoring candidates shorter (or longer) than the
right answer."""
MARGIN = 1.5
"""Candidates this much below the n-th best are not drawn (less than a bulleted mismatch)."""
REWORDED = 0.75
"""Share of each answer's key terms the other gives from which two answers are one."""


@dataclass(frozen=True)
class Shape:
    """What a reader sees of an answer before reading it, and what it is about."""

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


@dataclass(frozen=True)
class Candidate:
    """Another card's answer as an option: its text, kind and shape."""

    front: str
    back: str
    kind: Kind
    shape: Shape


def _reading(glossary: Glossary, text: str) -> Reading:
    readings = glossary.memo.setdefault("readings", {})
    assert isinstance(readings, dict)
    found = readings.get(text)
    if found is None:
        found = readings[text] = read(text, glossary)
    return found


def reworded(a: tuple[str, str], b: tuple[str, str], glossary: Glossary) -> bool:
    """Whether two cards' answers say the same (most key terms of each in the other, the
    question's words aside), as the typed-answer grader reads them."""
    known = glossary.memo.setdefault("reworded", {})
    assert isinstance(known, dict)
    found = known.get((a, b))
    if found is None:
        found = known[(a, b)] = known[(b, a)] = _reworded(a, b, glossary)
    return bool(found)


def _reworded(a: tuple[str, str], b: tuple[str, str], glossary: Glossary) -> bool:
    first, second = _reading(glossary, a[1]), _reading(glossary, b[1])
    if _numbers(first) != _numbers(second):
        return False  # "Answer number 1" is not "Answer number 2"
    asked = set(glossary.read(a[0])) | set(glossary.read(b[0]))
    mine, theirs = keys(first, asked), keys(second, asked)
    if not mine or not theirs:
        mine, theirs = keys(first, set()), keys(second, set())
    gives_first = Cover([w.stem for w in second.words], glossary)
    gives_second = Cover([w.stem for w in first.words], glossary)
    return (
        share(mine, gives_first, glossary.weight) >= REWORDED
        and share(theirs, gives_second, glossary.weight) >= REWORDED
    )


def _numbers(reading: Reading) -> set[str]:
    return {w.stem for w in reading.words if w.stem.isdigit() or w.stem in NUMBERS}


def candidates(
    right: tuple[str, str], others: Sequence[tuple[str, str]], glossary: Glossary
) -> list[Candidate]:
    """Other cards' answers that could stand beside ``right``'s: each once, none the same
    answer as ``right``'s (nor a rewording of it)."""
    seen = {key(right[1])}
    out: list[Candidate] = []
    for front, back in others:
        k = key(back)
        if not k or k in seen or reworded(right, (front, back), glossary):
            continue
        seen.add(k)
        out.append(Candidate(front, back, kind(front, back, glossary), shape(front, back)))
    return out


def _distinct(found: Sequence[Candidate], glossary: Glossary) -> list[Candidate]:
    """The candidates less those that reword an earlier one (two cards, one answer)."""
    kept: list[Candidate] = []
    for c in found:
        if not any(reworded((k.front, k.back), (c.front, c.back), glossary) for k in kept):
            kept.append(c)
    return kept


def pool(
    right: tuple[str, str], found: Sequence[Candidate], n: int, glossary: Glossary
) -> list[Candidate]:
    """The candidates to draw from, answers that reword each other counted once: of the
    answer's kind where there are ``n``, else of its family, else all; first among those read
    whole at 80x24 where the answer is, then among all."""
    mine = kind(*right, glossary)
    usable = [c for c in found if fits(c.back)] if fits(right[1]) else list(found)
    for group in (usable, found):
        for chosen in (
            [c for c in group if c.kind == mine],
            [c for c in group if FAMILY[c.kind] == FAMILY[mine]],
            list(group),
        ):
            distinct = _distinct(chosen, glossary)
            if len(distinct) >= n:
                return distinct
    return _distinct(found, glossary)


def _unaccepted(
    right: tuple[str, str], scored: list[tuple[float, str]], enough: int, glossary: Glossary
) -> list[tuple[float, str]]:
    """The best ``enough`` candidates (and all below them) that the typed-answer grader would
    not accept for ``right``'s question: an answer graded right is the answer reworded."""
    from studyapp.study.quiz_grading import grade

    kept: list[tuple[float, str]] = []
    for score, back in scored:
        if len(kept) >= enough or grade(right[1], back, glossary, right[0]).outcome != "right":
            kept.append((score, back))
    return kept


def distractors(
    right: tuple[str, str],
    others: Sequence[tuple[str, str]],
    n: int,
    rng: random.Random,
    glossary: Glossary,
) -> list[str]:
    """Up to ``n`` answers of ``others`` (front, back): of ``right``'s kind, shaped like it,
    about the same thing, none of them ``right``'s answer in other words."""
    mine = shape(*right)
    scored = [
        (likeness(mine, c.shape) + rng.random() * 0.05, c.back)
        for c in pool(right, candidates(right, others, glossary), n, glossary)
    ]
    scored.sort(key=lambda s: -s[0])
    scored = _unaccepted(right, scored, n + POOL, glossary)
    if not scored:
        return []
    # the right answer's rank by length is uniform: as often the longest as the shortest
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
