"""``studyapp deck parse FILE [--format F] [--json]``: parse a deck file, print its cards.

The ``--json`` object is a contract scripts rely on::

    {"format": str, "score": float | null, "deck": str,
     "cards": [{"front", "back", "line", "flags", "tags", "experiments"}],
     "warnings": [{"line": int, "message": str}]}

``score`` is how sure detection was (null when ``--format`` chose). The summary and the JSON
list the same warnings: the parser's, then the links' (an unknown experiment id, a bad
setting). Everything printed goes through :func:`studyapp.textsafe.escape_controls`: deck
text and file names never reach the terminal raw.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from studyapp.cli.errors import CliError
from studyapp.textsafe import escape_controls

if TYPE_CHECKING:
    from studyapp.deckfmt import ParsedCard, ParsedDeck


def register(subparsers: Any) -> None:
    deck = subparsers.add_parser("deck", help="parse and inspect deck files")
    deck.set_defaults(handler=_missing_command)
    commands = deck.add_subparsers(
        title="deck commands", metavar="COMMAND", parser_class=_FormatsParser
    )
    parse = commands.add_parser(
        "parse",
        help="parse a deck file and print its cards",
        description="Parse a deck file (format detected unless --format is given) and print "
        "a summary, or with --json one JSON object with every card.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("file", metavar="FILE", help="deck file to parse")
    parse.add_argument(
        "--format",
        default="auto",
        type=_format_name,
        metavar="FORMAT",
        help="deck format (default: auto-detect; the formats are listed below)",
    )
    parse.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parse.set_defaults(handler=run_parse)


class _FormatsParser(argparse.ArgumentParser):
    """A ``deck`` subcommand whose help lists the formats: read from the registry only when
    the help is shown, so building the command line (``studyapp review``) loads no parser."""

    def format_help(self) -> str:
        from studyapp.deckfmt.registry import descriptions

        formats = descriptions().items()
        self.epilog = "formats:\n" + "\n".join(f"  {name:<11} {text}" for name, text in formats)
        return super().format_help()


def _format_name(value: str) -> str:
    """``--format``: ``auto`` or a registered format (checked when the option is given)."""
    from studyapp.deckfmt.registry import descriptions

    known = ["auto", *descriptions()]
    if value not in known:
        choices = ", ".join(repr(name) for name in known)
        raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {choices})")
    return value


def _missing_command(args: argparse.Namespace) -> int:
    raise CliError("missing command; try 'studyapp deck parse FILE' (see 'studyapp deck -h')", 2)


def run_parse(args: argparse.Namespace) -> int:
    from studyapp.deckfmt import DeckParseError, parse_file

    try:
        deck = parse_file(args.file, args.format)
    except DeckParseError as error:
        raise CliError(str(error)) from None
    if args.json:
        write(json.dumps(deck_json(deck), ensure_ascii=False) + "\n")
    else:
        write(summary(deck))
    return 0


def card_json(card: ParsedCard, experiments: list[str] | None = None) -> dict[str, Any]:
    """One card of the ``--json`` output (``experiments``: its links, see
    :mod:`studyapp.experiments.links`)."""
    return {
        "front": card.front,
        "back": card.back,
        "line": card.line,
        "flags": list(card.flags),
        "tags": list(card.tags),
        "experiments": list(card.experiments if experiments is None else experiments),
    }


def card_links(card: ParsedCard, warnings: list[dict[str, Any]]) -> list[str]:
    """The card's experiments: explicit links, else matched from its text (see
    :mod:`studyapp.experiments.links`); bad explicit ids and settings become warnings."""
    from studyapp.experiments.links import card_links as resolve_links
    from studyapp.experiments.links import check_settings

    linked, problems = resolve_links(card.front, card.back, tuple(card.experiments))
    warnings.extend({"line": card.line, "message": p} for p in problems)
    for experiment, settings in card.experiment_settings.items():
        if experiment in linked:
            problems = check_settings(experiment, settings)[1]
            warnings.extend({"line": card.line, "message": p} for p in problems)
    return linked


def linked_cards(deck: ParsedDeck) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """(each card's experiments, every warning: the parser's, then the links')."""
    warnings = [{"line": w.line, "message": w.message} for w in deck.warnings]
    return [card_links(card, warnings) for card in deck.cards], warnings


def deck_json(deck: ParsedDeck) -> dict[str, Any]:
    from studyapp.deckfmt import collector_paused

    with collector_paused():  # 100k small dicts, no cycles: see deckfmt.collector_paused
        links, warnings = linked_cards(deck)
        cards = [card_json(card, linked) for card, linked in zip(deck.cards, links, strict=True)]
    return {
        "format": deck.format,
        "score": deck.score,
        "deck": deck.name,
        "cards": cards,
        "warnings": warnings,
    }


def format_line(deck: ParsedDeck) -> str:
    """``outline (detected, score 0.70)`` or ``outline (given with --format)``."""
    if deck.score is None:
        return f"{deck.format} (given with --format)"
    return f"{deck.format} (detected, score {deck.score:.2f})"


def summary(deck: ParsedDeck, warnings: list[dict[str, Any]] | None = None) -> str:
    """The human summary, with every warning :func:`linked_cards` gives."""
    if warnings is None:
        warnings = linked_cards(deck)[1]
    missing = sum("answer-missing" in card.flags for card in deck.cards)
    lines = [
        f"{deck.name}",
        f"  format: {format_line(deck)}",
        f"  cards:  {len(deck.cards)}"
        + (f" ({missing} with the answer missing, suspended by default)" if missing else ""),
        f"  warnings: {len(warnings)}",
    ]
    lines += [f"{deck.source}:{w['line']}: warning: {w['message']}" for w in warnings]
    lines.append("")
    for number, card in enumerate(deck.cards, 1):
        front = " ".join(card.front.split())
        if len(front) > 72:
            front = front[:71] + "…"
        flags = f"  [{', '.join(card.flags)}]" if card.flags else ""
        lines.append(f"{number:4}. line {card.line:<5} {front}{flags}")
    return "\n".join(lines) + "\n"


def write(text: str) -> None:
    """Write UTF-8 whatever the locale says (card text is full of Unicode), every control
    character but tab and newline escaped (see :mod:`studyapp.textsafe`)."""
    text = escape_controls(text)
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
