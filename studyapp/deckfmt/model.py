"""The parsed form of a deck file: plain dataclasses, cheap to build and picklable."""

from __future__ import annotations

from dataclasses import dataclass, field

ANSWER_MISSING = "answer-missing"
"""Flag: the answer was an image in the source, or absent. Suspended from review by default."""
IMAGE_MISSING = "image-missing"
"""Flag: the source showed an image ("(See image)") that the export does not contain."""
QUESTION_IMAGE_MISSING = "question-image-missing"
"""Flag: the question needs such an image. Suspended from review until the card is edited."""


@dataclass(slots=True)
class ParsedCard:
    """One card: ``front``/``back`` are the text a student reads (LaTeX already converted)."""

    front: str
    back: str
    line: int
    """1-based line of the card's first line in the file."""
    flags: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    """Experiment ids the deck links explicitly (native format ``experiments:``)."""
    experiment_settings: dict[str, dict[str, str]] = field(default_factory=dict)
    """Settings written with those links: ``{"mode-collapse": {"data": "grid25"}}``."""


@dataclass(slots=True)
class ParseWarning:
    """Something the parser skipped or guessed; shown as ``file:line: message``."""

    line: int
    message: str


@dataclass(slots=True)
class ParsedDeck:
    name: str
    format: str
    source: str
    cards: list[ParsedCard] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    score: float | None = None
    """How sure format detection was (0-1); None when the format was given."""


class DeckParseError(ValueError):
    """Bad deck input; ``str()`` is one line naming the file and, where it applies, the line."""

    def __init__(self, message: str, source: str = "<string>", line: int | None = None) -> None:
        from studyapp.textsafe import escape_controls

        self.message = message
        self.source = source
        self.line = line
        where = source if line is None else f"{source}:{line}"
        # a file name or quoted deck text may hold escape sequences: shown, never sent raw
        where, message = escape_controls(where), escape_controls(message)
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str, int | None]]:
        return (type(self), (self.message, self.source, self.line))
