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

The last card may lack the footer. An answer ends at the footer, at a card number followed by
a ``Q`` line, or at the end of the file.
"""

from __future__ import annotations

from studyapp.deckfmt.cards import DeckBuilder, deck_title
from studyapp.deckfmt.model import ParsedDeck

FOOTER = "how well did you know this?"
_FOOTER_LINES = frozenset({"1", "2", "3", "4", "5", "not at all", "perfectly"})


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("brainscape", source)
    n = len(lines)
    stripped = [line.strip() for line in lines]
    name = default_name
    i = 0
    # Title: the first non-blank line, unless the file starts right at a card.
    while i < n and not stripped[i]:
        i += 1
    if i < n and stripped[i] != "Q" and not _starts_card(stripped, i):
        name = deck_title(stripped[i]) or default_name
        i += 1
    subjects: set[str] = set()
    while i < n:
        if stripped[i] != "Q":
            if stripped[i] and not stripped[i].isdigit():
                deck.warn(i + 1, f"text outside any card skipped: {stripped[i][:40]!r}")
            i += 1
            continue
        q_line = i + 1
        i += 1
        question: list[str] = []
        while i < n and stripped[i] != "A":
            if _starts_card(stripped, i):
                break
            question.append(lines[i])
            i += 1
        answer: list[str] = []
        if i < n and stripped[i] == "A":
            i += 1
            while i < n:
                s = stripped[i]
                if s.lower() == FOOTER or _starts_card(stripped, i):
                    break
                answer.append(lines[i])
                i += 1
            if i < n and stripped[i].lower() == FOOTER:
                i += 1
                while (
                    i < n and stripped[i].lower() in _FOOTER_LINES and not _starts_card(stripped, i)
                ):
                    i += 1
        else:
            deck.warn(q_line, "question without an 'A' line; answer missing")
        paragraphs = _paragraphs(question)
        if len(paragraphs) >= 2:
            subjects.add(" ".join(paragraphs[0]).strip())
            paragraphs = paragraphs[1:]
        front = [line for para in paragraphs for line in (*para, "")]
        first = _first_content_line(lines, q_line, question)
        deck.add(front, answer, first)
    if name == default_name and len(subjects) == 1:
        name = subjects.pop()
    return deck.finish(name)


def _starts_card(stripped: list[str], i: int) -> bool:
    """A card number line directly followed by ``Q``."""
    return stripped[i].isdigit() and i + 1 < len(stripped) and stripped[i + 1] == "Q"


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _first_content_line(lines: list[str], q_line: int, question: list[str]) -> int:
    """The card's first line: its number line if there is one, else the ``Q`` line."""
    before = q_line - 2
    if before >= 0 and lines[before].strip().isdigit():
        return before + 1
    return q_line
