"""Deck files -> :class:`ParsedDeck`: format detection and one parser per export format.

``parse_file(path, fmt="auto")`` and ``parse_text(text, fmt="auto", source=...)`` return a
:class:`ParsedDeck`; bad input raises :class:`DeckParseError` whose message names the file and
line. ``FORMATS`` maps each format name (the CLI's ``--format`` values) to a one-line
description. Nothing here imports Textual, torch or SQL; pylatexenc loads only for math.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from studyapp.deckfmt.model import (
    ANSWER_MISSING,
    IMAGE_MISSING,
    DeckParseError,
    ParsedCard,
    ParsedDeck,
    ParseWarning,
)
from studyapp.deckfmt.source import MAX_DECK_BYTES, read_deck_file, split_lines

FORMATS: dict[str, str] = {
    "brainscape": "Brainscape export: numbered Q/A blocks with 'How well did you know this?'",
    "quizlet": "term lines followed by their answer lines or '- ' bullets",
    "qa": "a title, a subtitle, then question lines each followed by answer lines",
    "outline": "topics with '- Heading' items and nested content: a card per heading",
    "notes": "prose notes: definitions ('X = ...'), 'main drawback is ...', headed lists",
    "anki-text": "Anki's text import: tab/comma separated with #separator:, #html:, #tags:",
    "deck": "studyapp's own hand-written format: Q:, A:, tags:, experiments: (see README)",
}
_MODULES = {
    "brainscape": "brainscape",
    "quizlet": "quizlet",
    "qa": "qa",
    "outline": "outline",
    "notes": "notes",
    "anki-text": "anki_text",
    "deck": "native",
}

__all__ = [
    "ANSWER_MISSING",
    "FORMATS",
    "IMAGE_MISSING",
    "MAX_DECK_BYTES",
    "DeckParseError",
    "ParseWarning",
    "ParsedCard",
    "ParsedDeck",
    "parse_file",
    "parse_text",
]


def parse_text(text: str, fmt: str = "auto", source: str = "<string>") -> ParsedDeck:
    """Parse deck text; ``fmt`` is a key of :data:`FORMATS` or ``"auto"`` to detect it."""
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise DeckParseError("the deck is empty", source)
    if fmt == "auto":
        from studyapp.deckfmt.detect import detect_format

        fmt = detect_format(lines, source)
    module_name = _MODULES.get(fmt)
    if module_name is None:
        known = ", ".join(FORMATS)
        raise DeckParseError(f"unknown format {fmt!r}; known formats: auto, {known}", source)
    module = importlib.import_module(f"{__name__}.{module_name}")
    default_name = _default_name(source)
    try:
        deck: ParsedDeck = module.parse(lines, source, default_name)
    except DeckParseError:
        raise
    except (RecursionError, MemoryError) as error:
        raise DeckParseError(f"cannot parse as {fmt!r}: {type(error).__name__}", source) from None
    return deck


def parse_file(path: str | Path, fmt: str = "auto") -> ParsedDeck:
    """Read ``path`` (size, binary and UTF-8 checked) and parse it; see :func:`parse_text`."""
    text = read_deck_file(path)
    return parse_text(text, fmt, str(path))


def _default_name(source: str) -> str:
    if source.startswith("<"):
        return "Untitled deck"
    return Path(source).stem or "Untitled deck"
