"""``studyapp import FILE``: copy a deck file into the data dir and import it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.errors import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add a deck file (copied into the data dir)",
        description="Copy FILE into the user decks directory and import its cards. "
        "Importing the same file name again updates the deck; cards keep their history.",
    )
    parser.add_argument("file", metavar="FILE", help="a flashcard deck file")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import open_service
    from studyapp.paths import user_decks_dir

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise CliError(f"{source}: no such file")
    from studyapp.deckfmt import DeckParseError, parse_file

    try:
        parse_file(source)  # check before copying anything
    except DeckParseError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"{source}: cannot read: {error.strerror}") from None
    target_dir = user_decks_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    with open_service(args, sync=False) as service:
        report = service.import_deck(target, source=f"user/{target.name}")
    if report.skipped:
        print(f"{report.deck_name}: unchanged ({target})")
    else:
        print(
            f"{report.deck_name}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.removed} removed, "
            f"{report.restored} restored ({target})"
        )
    for warning in report.warnings:
        print(f"warning: {warning}")
    return 0
