"""The deck-format registry: every module of :mod:`studyapp.deckfmt` that declares ``FORMAT``.

A text format is one module with ``FORMAT = TextFormat(name, description, sniff, parse)``:
``sniff(lines) -> float`` scores the first :data:`SAMPLE_LINES` lines from 0 (surely not) to
1 (surely), ``parse(lines, source, default_name) -> ParsedDeck``. A binary or archive format
(an Anki ``.apkg``) declares ``FORMAT = FileFormat(name, description, sniff_file,
parse_file)``: ``sniff_file(path, head) -> float`` sees the path and the file's first
:data:`HEAD_BYTES` bytes (suffix, magic bytes), ``parse_file(path) -> ParsedDeck``. A
format module must import nothing heavy at module level (listing formats is on the CLI's
cold path). Detection takes the best score; below :data:`CONFIDENT` it refuses to guess.
``python -m studyapp.deckfmt.registry --markdown`` prints the README's table of formats.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from studyapp.deckfmt.model import DeckParseError, ParsedDeck

SAMPLE_LINES = 400
"""Lines a text format's ``sniff`` sees (the start of the file)."""
HEAD_BYTES = 4096
"""Bytes a file format's ``sniff_file`` sees."""
CONFIDENT = 0.5
"""The lowest score detection accepts; below it the error names the two likeliest formats."""


@dataclass(frozen=True, slots=True)
class TextFormat:
    """A format read from decoded lines."""

    name: str
    description: str
    sniff: Callable[[Sequence[str]], float]
    parse: Callable[[list[str], str, str], ParsedDeck]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A binary or archive format read from its path (sniffed on suffix and magic bytes)."""

    name: str
    description: str
    sniff_file: Callable[[Path, bytes], float]
    parse_file: Callable[[Path], ParsedDeck]


DeckFormat = TextFormat | FileFormat


@dataclass(frozen=True, slots=True)
class Detection:
    """The winning format, its score, and every format's score, best first."""

    name: str
    score: float
    ranking: tuple[tuple[str, float], ...]


@cache
def all_formats() -> tuple[DeckFormat, ...]:
    """Every registered format in discovery order (module name order)."""
    import studyapp.deckfmt as package

    found: list[DeckFormat] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, TextFormat | FileFormat):
            found.append(fmt)
    names = [fmt.name for fmt in found]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RuntimeError(f"deck formats registered twice: {', '.join(duplicates)}")
    return tuple(found)


def format_names() -> list[str]:
    """The ``--format`` values, in registry order."""
    return [fmt.name for fmt in all_formats()]


def descriptions() -> dict[str, str]:
    """``{name: one-line description}`` for help, errors and the README table."""
    return {fmt.name: fmt.description for fmt in all_formats()}


def get_format(name: str, source: str = "<string>") -> DeckFormat:
    """The format called ``name``; an unknown name is an error listing the known ones."""
    for fmt in all_formats():
        if fmt.name == name:
            return fmt
    known = ", ".join(format_names())
    raise DeckParseError(f"unknown format {name!r}; known formats: auto, {known}", source)


def _rank(scores: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    order = {name: index for index, name in enumerate(format_names())}
    return tuple(sorted(scores, key=lambda item: (-item[1], order.get(item[0], 0))))


def _clamp(score: float) -> float:
    return max(0.0, min(1.0, float(score)))


def detect_lines(lines: Sequence[str], source: str = "<string>") -> Detection:
    """The best text format for ``lines``, or :class:`DeckParseError` if none is confident."""
    sample = lines[:SAMPLE_LINES]
    if not any(line.strip() for line in sample):
        raise DeckParseError("the deck is empty", source)
    scores = [
        (fmt.name, _clamp(fmt.sniff(sample)))
        for fmt in all_formats()
        if isinstance(fmt, TextFormat)
    ]
    ranking = _rank(scores)
    best, score = ranking[0]
    if score < CONFIDENT:
        likely = " or ".join(f"{name} ({value:.2f})" for name, value in ranking[:2])
        raise DeckParseError(
            f"cannot tell the deck format (likeliest: {likely}); pass --format "
            f"({', '.join(format_names())})",
            source,
        )
    return Detection(best, score, ranking)


def detect_file(path: Path, head: bytes) -> Detection | None:
    """The best file (binary) format for ``path`` if one is confident, else None."""
    scores = [
        (fmt.name, _clamp(fmt.sniff_file(path, head)))
        for fmt in all_formats()
        if isinstance(fmt, FileFormat)
    ]
    if not scores:
        return None
    ranking = _rank(scores)
    best, score = ranking[0]
    return Detection(best, score, ranking) if score >= CONFIDENT else None


def markdown_table() -> str:
    """The README's table of formats, one row per registered format."""
    rows = ["| `--format` | what it reads |", "|---|---|"]
    pipe = "\\|"
    rows += [f"| `{name}` | {text.replace('|', pipe)} |" for name, text in descriptions().items()]
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``--markdown``: print :func:`markdown_table`; otherwise one ``name: description`` a line."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--markdown"]:
        sys.stdout.write(markdown_table())
    elif not args:
        sys.stdout.write("".join(f"{n}: {t}\n" for n, t in descriptions().items()))
    else:
        sys.stderr.write("usage: python -m studyapp.deckfmt.registry [--markdown]\n")
        return 2
    return 0


if __name__ == "__main__":
    # Run the imported module's main: format modules register with that module's classes.
    from studyapp.deckfmt.registry import main as _main

    raise SystemExit(_main())
