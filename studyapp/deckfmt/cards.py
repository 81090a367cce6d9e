"""Shared card building: clean a block of lines into the text a student reads.

Every format parser collects raw lines for a card's front and back and hands them to
:class:`DeckBuilder`, which normalises them the same way for all formats: common indentation
removed, bullets (``-``, ``*``, ``•``) shown as ``•`` with their nesting kept, runs of blank
lines collapsed, ``~~struck~~`` text drawn struck through, LaTeX math converted, and image
placeholders such as "(See image)" removed and recorded as flags, never shown as an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from studyapp.deckfmt import latex
from studyapp.deckfmt.model import (
    ANSWER_MISSING,
    IMAGE_MISSING,
    DeckParseError,
    ParsedCard,
    ParsedDeck,
    ParseWarning,
)

IMAGE_RE = re.compile(
    r"\(\s*see\s+(?:the\s+)?(?:image|picture|figure|diagram|photo|slide)s?\s*\)"
    r"|\[\s*(?:image|img|picture)\s*\]",
    re.IGNORECASE,
)
_BULLET_CHARS = frozenset("-*•◦▪‣")
_STRIKE_RE = re.compile(r"~~(.+?)~~")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACE_RUNS = re.compile(r"[ \t]{2,}")


def is_bullet(stripped: str) -> bool:
    """``- x``, ``* x``, ``• x`` (after indentation is stripped), or a lone ``-``."""
    return bool(stripped) and stripped[0] in _BULLET_CHARS and stripped[1:2] in ("", " ", "\t")


def bullet_text(stripped: str) -> str:
    """The text of a bullet line without its marker."""
    return stripped[1:].strip()


def clean_block(lines: Iterable[str]) -> str:
    """Lines of a front or back as display text (see the module docstring)."""
    rows = [line.rstrip() for line in lines]
    while rows and not rows[-1]:
        rows.pop()
    start = 0
    while start < len(rows) and not rows[start]:
        start += 1
    rows = rows[start:]
    if not rows:
        return ""
    indent = min(len(row) - len(row.lstrip()) for row in rows if row)
    out: list[str] = []
    for row in rows:
        row = row[indent:]
        head = row[:1]
        if head in _BULLET_CHARS or head == " " or head == "\t":
            body = row.lstrip()
            if is_bullet(body):
                text = bullet_text(body)
                if not text:
                    continue  # a lone "-" marker carries no text
                row = row[: len(row) - len(body)] + "• " + text
        out.append(row)
    text = "\n".join(out)
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    if "~~" in text:
        text = _STRIKE_RE.sub(_strike, text)
    return text


def _strike(match: re.Match[str]) -> str:
    return "".join(ch + "\u0336" for ch in match.group(1))


def strip_images(lines: Iterable[str]) -> tuple[list[str], bool]:
    """``lines`` without image placeholders (a line left empty goes), and whether any were."""
    rows = list(lines)
    found = False
    for index, row in enumerate(rows):
        if ("(" in row or "[" in row) and IMAGE_RE.search(row):
            found = True
            rows[index] = _SPACE_RUNS.sub(" ", IMAGE_RE.sub("", row)).rstrip()
            if rows[index].strip() in ("", ".", ":", "-", "•"):
                rows[index] = _DROPPED
    if found:
        rows = [row for row in rows if row is not _DROPPED]
    return rows, found


_DROPPED = "\x00dropped"


class DeckBuilder:
    """Collects cards and warnings for one parse, then returns the :class:`ParsedDeck`."""

    def __init__(self, fmt: str, source: str) -> None:
        self.format = fmt
        self.source = source
        self.cards: list[ParsedCard] = []
        self.warnings: list[ParseWarning] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    def error(self, line: int | None, message: str) -> DeckParseError:
        return DeckParseError(message, self.source, line)

    def add(
        self,
        front: Iterable[str],
        back: Iterable[str],
        line: int,
        *,
        tags: Iterable[str] = (),
        experiments: Iterable[str] = (),
        flags: Iterable[str] = (),
    ) -> ParsedCard | None:
        """Clean and add a card; a card without a question is skipped with a warning."""
        front_lines, front_image = strip_images(front)
        back_lines, back_image = strip_images(back)
        front_text = clean_block(front_lines)
        back_text = clean_block(back_lines)
        if latex.has_math(front_text):
            front_text = latex.convert(front_text)
        if latex.has_math(back_text):
            back_text = latex.convert(back_text)
        if not front_text:
            self.warn(line, "card without a question skipped")
            return None
        card_flags = list(flags)
        if not back_text and ANSWER_MISSING not in card_flags:
            card_flags.append(ANSWER_MISSING)
        if (front_image or back_image) and IMAGE_MISSING not in card_flags:
            card_flags.append(IMAGE_MISSING)
        card = ParsedCard(front_text, back_text, line, card_flags, list(tags), list(experiments))
        self.cards.append(card)
        return card

    def finish(self, name: str) -> ParsedDeck:
        if not self.cards:
            raise self.error(
                None,
                f"no cards found when read as {self.format!r}; "
                "check the file or pass --format with another format",
            )
        return ParsedDeck(name, self.format, self.source, self.cards, self.warnings)


def deck_title(line: str) -> str:
    """An export's title line without the exporter's " Flashcards" suffix."""
    title = line.strip()
    for suffix in (" flashcards", " flash cards", " cards"):
        if title.lower().endswith(suffix):
            return title[: -len(suffix)].strip() or title
    return title
