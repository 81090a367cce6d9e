"""studyapp's own deck format (``--format deck``), written by hand; see README "Deck format".

::

    # A comment: '#' in the first column.
    deck: Transformers
    tags: nlp

    Q: What does attention divide the scores by?
    A: $\\sqrt{d_k}$, the square root of the key size.
       - keeps the softmax out of saturation
    tags: attention
    experiments: kl-term(beta_max=10), mode-collapse(data=grid25, steps=3000)

A keyword (``deck:``, ``tags:``, ``Q:``, ``A:``, ``experiments:``, ``flags:``, any case) is
recognised in the first column only; every other line continues the current question or
answer, blank lines included, with its common indentation removed. ``deck:`` and a
``tags:`` line before the first card apply to the whole deck. An experiment id may carry
settings in parentheses, ``id(key=value, ...)``, that the card's "run" key opens it with.
Mistakes are errors with the line: text before the first ``Q:``, ``A:`` twice, an empty
question, a bad experiment name or settings syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from studyapp.deckfmt.cards import DeckBuilder
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.experiments.links import parse_settings

KEYWORDS = ("deck", "tags", "q", "a", "experiments", "flags")
EXPERIMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SPLIT = re.compile(r"[,\s]+")
_LINK = re.compile(r"([^\s,()]+)(?:\s*\(([^()]*)\))?")
_KEY_INITIALS = frozenset("dtqaefDTQAEF")


@dataclass(slots=True)
class _Card:
    line: int
    question: list[str]
    answer: list[str] | None = None
    tags: list[str] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("deck", source)
    name = default_name
    deck_tags: list[str] = []
    card: _Card | None = None
    target: list[str] | None = None

    def flush() -> None:
        if card is not None:
            deck.add(
                _dedent(card.question),
                _dedent(card.answer or []),
                card.line,
                tags=[*deck_tags, *card.tags],
                experiments=card.experiments,
                experiment_settings=card.settings,
                flags=card.flags,
            )

    for index, raw in enumerate(lines):
        number = index + 1
        if raw.startswith("#"):
            continue
        keyword, value = _keyword(raw)
        if keyword is None:
            if target is not None:
                target.append(raw)
            elif raw.strip():
                raise deck.error(
                    number,
                    "text before the first 'Q:' (start a card with 'Q:' or comment it with '#')",
                )
            continue
        if keyword == "q":
            flush()
            if not value and not _has_continuation(lines, index + 1):
                raise deck.error(number, "empty question after 'Q:'")
            card = _Card(number, [value])
            target = card.question
        elif keyword == "deck":
            if card is not None:
                raise deck.error(number, "'deck:' must come before the first card")
            name = value or name
        elif card is None:
            if keyword == "tags":
                deck_tags.extend(_words(value))
            else:
                raise deck.error(number, f"'{keyword.upper()}:' before the first 'Q:'")
        elif keyword == "a":
            if card.answer is not None:
                raise deck.error(number, "second 'A:' in one card (start the next with 'Q:')")
            card.answer = [value]
            target = card.answer
        elif keyword == "tags":
            card.tags.extend(_words(value))
            target = None
        elif keyword == "flags":
            card.flags.extend(_words(value))
            target = None
        else:
            for experiment, settings in _links(value, deck, number):
                card.experiments.append(experiment)
                if settings:
                    card.settings.setdefault(experiment, {}).update(settings)
            target = None
    flush()
    return deck.finish(name)


def _links(value: str, deck: DeckBuilder, number: int) -> list[tuple[str, dict[str, str]]]:
    """``id, id(key=value, ...)`` of an ``experiments:`` line; DeckParseError if malformed."""
    links: list[tuple[str, dict[str, str]]] = []
    position = _skip_gap(value, 0)
    while position < len(value):
        match = _LINK.match(value, position)
        end = match.end() if match else position
        if match is None or (end < len(value) and value[end] not in ", \t"):
            rest = value[end:].lstrip()
            unclosed = rest.startswith("(") and ")" not in rest
            what = "unclosed '('" if unclosed else f"unexpected {rest[:1]!r}"
            raise deck.error(number, f"{what} in {value!r} (write: id, id(key=value, key=value))")
        name, settings = match.group(1), match.group(2)
        if not EXPERIMENT_NAME.match(name):
            raise deck.error(
                number,
                f"bad experiment name {name!r} (lower-case letters, digits, '-', '_' and '.')",
            )
        try:
            links.append((name, parse_settings(settings or "")))
        except ValueError as error:
            raise deck.error(number, f"{error} for experiment {name!r}") from None
        position = _skip_gap(value, end)
    return links


def _skip_gap(value: str, position: int) -> int:
    while position < len(value) and value[position] in ", \t":
        position += 1
    return position


def _keyword(raw: str) -> tuple[str | None, str]:
    if raw[:1] not in _KEY_INITIALS:
        return None, ""
    head, sep, value = raw.partition(":")
    if not sep or not head or head[0] in " \t":
        return None, ""
    key = head.lower()
    if key not in KEYWORDS:
        return None, ""
    return key, value.strip()


def _has_continuation(lines: list[str], start: int) -> bool:
    for index in range(start, len(lines)):  # no slice copy: that made Q:-alone quadratic
        raw = lines[index]
        if _keyword(raw)[0] is not None:
            return False
        if raw.strip() and not raw.startswith("#"):
            return True
    return False


def _words(value: str) -> list[str]:
    return [word for word in _SPLIT.split(value) if word]


def _dedent(rows: list[str]) -> list[str]:
    """The first row (text after the keyword) and the rest with their common indent removed."""
    if len(rows) <= 1:
        return rows
    rest = rows[1:]
    indents = [len(row) - len(row.lstrip()) for row in rest if row.strip()]
    cut = min(indents) if indents else 0
    return [rows[0], *(row[cut:] for row in rest)]


def sniff(lines: Sequence[str]) -> float:
    """``Q:`` and ``A:`` keywords in the first column: 0.9."""
    lowered = [line[:2].lower() for line in lines]
    return 0.9 if "q:" in lowered and "a:" in lowered else 0.0


FORMAT = TextFormat(
    "deck",
    "studyapp's own format, written by hand: Q:, A:, deck:, tags:, experiments:",
    sniff,
    parse,
)
