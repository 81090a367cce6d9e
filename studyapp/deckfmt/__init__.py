"""Deck files -> :class:`ParsedDeck`: a registry of formats, one module each.

``parse_file(path, fmt="auto")`` and ``parse_text(text, fmt="auto", source=...)`` return a
:class:`ParsedDeck` (``format`` and ``score`` say which format won detection); bad input
raises :class:`DeckParseError` whose message names the file and line. Formats live in
:mod:`studyapp.deckfmt.registry`: ``FORMATS`` maps each name (the CLI's ``--format``
values) to its one-line description. Nothing here imports Textual, torch or SQL.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studyapp.deckfmt.model import (
    ANSWER_MISSING,
    IMAGE_MISSING,
    DeckParseError,
    ParsedCard,
    ParsedDeck,
    ParseWarning,
)
from studyapp.deckfmt.source import MAX_DECK_BYTES, read_bytes, read_deck_file, split_lines

__all__ = [
    "ANSWER_MISSING",
    "FORMATS",
    "IMAGE_MISSING",
    "MAX_DECK_BYTES",
    "DeckParseError",
    "ParseWarning",
    "ParsedCard",
    "ParsedDeck",
    "collector_paused",
    "parse_file",
    "parse_text",
]


def __getattr__(name: str) -> Any:
    if name == "FORMATS":  # computed from the registry on first use (PEP 562)
        from studyapp.deckfmt.registry import descriptions

        return descriptions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_text(text: str, fmt: str = "auto", source: str = "<string>") -> ParsedDeck:
    """Parse deck text; ``fmt`` is a format name or ``"auto"`` to detect it."""
    from studyapp.deckfmt.registry import TextFormat, detect_lines, get_format

    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise DeckParseError("the deck is empty", source)
    score: float | None = None
    if fmt == "auto":
        detection = detect_lines(lines, source)
        fmt, score = detection.name, detection.score
    chosen = get_format(fmt, source)
    if not isinstance(chosen, TextFormat):
        raise DeckParseError(f"{fmt!r} is a file format: parse the file itself", source)
    try:
        with collector_paused():
            deck = chosen.parse(lines, source, _default_name(source))
    except DeckParseError:
        raise
    except (RecursionError, MemoryError) as error:
        raise DeckParseError(f"cannot parse as {fmt!r}: {type(error).__name__}", source) from None
    deck.score = score
    return deck


def parse_file(path: str | Path, fmt: str = "auto") -> ParsedDeck:
    """Read ``path`` (a regular file; size, binary and encoding checked) and parse it.

    Binary formats (an Anki package) are tried first on the path and the first bytes; a
    text deck is then decoded and detected as in :func:`parse_text`.
    """
    from studyapp.deckfmt.registry import HEAD_BYTES, FileFormat, detect_file, get_format

    source = str(path)
    target = Path(path)
    if fmt != "auto":
        chosen = get_format(fmt, source)
        if isinstance(chosen, FileFormat):
            return _sanitized(chosen.parse_file(target), None)
    else:
        detection = detect_file(target, read_bytes(target, HEAD_BYTES - 1)[:HEAD_BYTES])
        if detection is not None:
            chosen = get_format(detection.name, source)
            assert isinstance(chosen, FileFormat)
            return _sanitized(chosen.parse_file(target), detection.score)
    text = read_deck_file(path)
    return parse_text(text, fmt, source)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing: a parse makes many objects and no
    cycles, and the collector's full passes over them made time per card grow with the
    deck (bench_parse: 28 -> 32 µs per card from 10k to 200k cards; flat 24 µs without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _sanitized(deck: ParsedDeck, score: float | None) -> ParsedDeck:
    """A file format's deck with control characters stripped from every text it carries."""
    from studyapp.textsafe import strip_controls

    deck.name = strip_controls(deck.name)
    for card in deck.cards:
        card.front = strip_controls(card.front)
        card.back = strip_controls(card.back)
        card.tags = [strip_controls(tag) for tag in card.tags]
    deck.score = score
    return deck


def _default_name(source: str) -> str:
    """The deck name a file gives when its text names none: its stem, made safe (a file
    name is a way in like any other: ``ESC ] 2 ; title BEL x.txt`` must not set a title)."""
    from studyapp.textsafe import strip_controls

    if source.startswith("<"):
        return "Untitled deck"
    return strip_controls(Path(source).stem).strip() or "Untitled deck"
