"""Shared card building: clean a block of lines into the text a student reads.

Every format parser collects raw lines for a card's front and back and hands them to
:class:`DeckBuilder`, which normalises them the same way for all formats: common indentation
removed, bullets (``-``, ``*``, ``•``) shown as ``•`` with their nesting kept, runs of blank
lines collapsed, ``~~struck~~`` text drawn struck through, LaTeX math converted, and image
placeholders such as "(See image)" removed and recorded as flags, never shown as an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from studyapp.deckfmt import latex
from studyapp.deckfmt.model import (
    ANSWER_MISSING,
    IMAGE_MISSING,
    QUESTION_IMAGE_MISSING,
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
_LONE_MARKER = re.compile(r"^[ \t]*[-*•◦▪‣][ \t]*(?:\n|\Z)", re.MULTILINE)
_BULLET_LINE = re.compile(r"^([ \t]*)[-*•◦▪‣][ \t]+", re.MULTILINE)
_ANY_BULLET = re.compile(r"^[ \t]*[-*•◦▪‣](?:[ \t]|$)", re.MULTILINE)


def is_bullet(stripped: str) -> bool:
    """``- x``, ``* x``, ``• x`` (after indentation is stripped), or a lone ``-``."""
    return bool(stripped) and stripped[0] in _BULLET_CHARS and stripped[1:2] in ("", " ", "\t")


def bullet_text(stripped: str) -> str:
    """The text of a bullet line without its marker."""
    return stripped[1:].strip()


def clean_block(lines: Sequence[str]) -> str:
    """Lines of a front or back as display text (see the module docstring)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    if end - start <= 1:  # fast path: one line or none
        only = lines[start].strip() if end > start else ""
        if not only or (only[0] not in _BULLET_CHARS and "~~" not in only):
            return only
    text = "\n".join(lines[start:end])
    if " \n" in text or "\t\n" in text or text[-1] in " \t":
        # rstrip per line, not a ``[ \t]+$`` regex: that is quadratic in a run of spaces
        text = "\n".join(row.rstrip(" \t") for row in text.split("\n"))
    if text[0] in " \t" or "\n " in text or "\n\t" in text:
        rows = text.split("\n")
        indent = min(len(row) - len(row.lstrip()) for row in rows if row)
        if indent:
            text = "\n".join(row[indent:] for row in rows)
    if _ANY_BULLET.search(text):
        text = _LONE_MARKER.sub("", text).rstrip("\n")
        text = _BULLET_LINE.sub(_bullet, text)
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    if "~~" in text:
        text = _STRIKE_RE.sub(_strike, text)
    return text


def _bullet(match: re.Match[str]) -> str:
    return match.group(1) + "• "


def _strike(match: re.Match[str]) -> str:
    return "".join(ch + "\u0336" for ch in match.group(1))


def strip_images(lines: Sequence[str]) -> tuple[Sequence[str], bool]:
    """``lines`` without image placeholders (a line left empty goes), and whether any were."""
    if not any(("(" in row or "[" in row) and IMAGE_RE.search(row) for row in lines):
        return lines, False
    rows: list[str] = []
    for row in lines:
        if ("(" in row or "[" in row) and IMAGE_RE.search(row):
            row = _SPACE_RUNS.sub(" ", IMAGE_RE.sub("", row)).rstrip()
            if row.strip() in ("", ".", ":", "-", "•"):
                continue
        rows.append(row)
    return rows, True


def _clean_with_images(lines: Sequence[str]) -> tuple[str, bool]:
    text = clean_block(lines)
    if ("(" in text or "[" in text) and IMAGE_RE.search(text):
        return clean_block(strip_images(lines)[0]), True
    return text, False


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
        front: Sequence[str],
        back: Sequence[str],
        line: int,
        *,
        tags: Iterable[str] = (),
        experiments: Iterable[str] = (),
        experiment_settings: dict[str, dict[str, str]] | None = None,
        flags: Iterable[str] = (),
    ) -> ParsedCard | None:
        """Clean and add a card; a card without a question is skipped with a warning."""
        front_text, front_image = _clean_with_images(front)
        back_text, back_image = _clean_with_images(back)
        if latex.has_math(front_text):
            front_text = latex.convert(front_text)
        if latex.has_math(back_text):
            back_text = latex.convert(back_text)
        if not front_text:
            self.warn(line, "card without a question skipped")
            return None
        # answer-missing always means "no answer text": it is derived, never taken as given.
        card_flags = [flag for flag in dict.fromkeys(flags) if flag != ANSWER_MISSING]
        if not back_text:
            card_flags.append(ANSWER_MISSING)
        if (front_image or back_image) and IMAGE_MISSING not in card_flags:
            card_flags.append(IMAGE_MISSING)
        if front_image and QUESTION_IMAGE_MISSING not in card_flags:
            card_flags.append(QUESTION_IMAGE_MISSING)
        card = ParsedCard(
            front_text,
            back_text,
            line,
            card_flags,
            list(dict.fromkeys(tags)),
            list(dict.fromkeys(experiments)),
            dict(experiment_settings or {}),
        )
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
