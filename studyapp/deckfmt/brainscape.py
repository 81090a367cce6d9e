"""Brainscape exports: numbered Q/A blocks, each closed by a "How well did you know this?" footer.

Layout of one card (the deck's subject line repeats inside every question)::

    7
    Q
    <subject>
    <question, possibly over several paragraphs, e.g. a formula line>
    A
    <answer: bullets, blank lines, "(See image)">
    How well did you know this?
    1
    Not at all
    2 ... 5
    Perfectly

A card starts at a ``Q`` line that follows its card number (or the title, or the previous
footer). Its question runs to the ``A`` line; its answer to the footer, the next card's
number, or the end of the file (the last card may lack the footer).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from studyapp.deckfmt.cards import DeckBuilder, deck_title
from studyapp.deckfmt.detect import shape
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat

FOOTER = "how well did you know this?"


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("brainscape", source)
    stripped = list(map(str.strip, lines))
    starts = _card_starts(stripped)
    name = default_name
    first = next((i for i, text in enumerate(stripped) if text), len(stripped))
    head_end = first
    if starts:
        head_end = starts[0] - 1 if stripped[starts[0] - 1].isdigit() else starts[0]
    if starts and first < head_end:
        name = deck_title(stripped[first]) or default_name
        for index in range(first + 1, head_end):
            if stripped[index]:
                deck.warn(index + 1, f"text outside any card skipped: {stripped[index][:40]!r}")
    subjects: set[str] = set()
    for k, q in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if end < len(lines) and stripped[end - 1].isdigit():
            end -= 1  # the next card's number
        try:
            a = stripped.index("A", q + 1, end)
        except ValueError:
            a = end
            deck.warn(q + 1, "question without an 'A' line; answer missing")
        answer_end = end
        for index in range(a + 1, end):
            text = stripped[index]
            if text[:1] in "Hh" and text.lower() == FOOTER:
                answer_end = index
                break
        paragraphs = _paragraphs(lines, q + 1, a)
        if len(paragraphs) >= 2:
            subjects.add(" ".join(paragraphs[0]).strip())
            paragraphs = paragraphs[1:]
        front = [line for para in paragraphs for line in para]
        line = q if q > 0 and stripped[q - 1].isdigit() else q + 1
        deck.add(front, lines[a + 1 : answer_end], line)
    if name == default_name and len(subjects) == 1:
        name = subjects.pop()
    return deck.finish(name)


def _card_starts(stripped: list[str]) -> list[int]:
    """Indices of ``Q`` lines that open a card: after a card number, the title, a footer, or
    (exports without numbers) once the previous card has had its ``A`` line."""
    answers = [i for i, text in enumerate(stripped) if text == "A"]
    starts: list[int] = []
    for index in (i for i, text in enumerate(stripped) if text == "Q"):
        previous = index - 1
        while previous >= 0 and not stripped[previous]:
            previous -= 1
        if (
            not starts
            or previous < 0
            or stripped[previous].isdigit()
            or stripped[previous].lower() == "perfectly"
            or bisect_left(answers, index) > bisect_left(answers, starts[-1])
        ):
            starts.append(index)
    return starts


def _paragraphs(lines: list[str], start: int, end: int) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines[start:end]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def sniff(lines: Sequence[str]) -> float:
    """Brainscape's footer, or bare ``Q`` then ``A`` lines: 0.85."""
    stripped = shape(lines).stripped
    if "How well did you know this?" in stripped:
        return 0.85
    if "Q" in stripped and "A" in stripped[stripped.index("Q") :]:
        return 0.85
    return 0.0


FORMAT = TextFormat(
    "brainscape",
    'Brainscape exports: numbered Q/A blocks with the "How well did you know this?" footer',
    sniff,
    parse,
)
