"""``studyapp import FILE``: store a deck file (a text deck's copy kept in the data dir) or an
Anki package (cards, history and media stored; the package itself is not kept)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.errors import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add a deck file or an Anki package (.apkg)",
        description="Import FILE. A text deck is copied into the user decks directory; "
        "importing it again updates the deck and cards keep their history (text you "
        "rewrote in the app stays yours). A different file with the same name is refused "
        "unless --as or --replace says what to do. An "
        "Anki package (.apkg/.colpkg) is stored with its decks, tags, media and review "
        "history; importing it again updates notes by their Anki id (with the same note "
        "type and top-level deck), never duplicating; notes a studyapp export wrote of "
        "decks you have (the bundled ones) join those decks.",
    )
    parser.add_argument("file", metavar="FILE", help="a flashcard deck file or .apkg")
    parser.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="import a text deck as a new deck named NAME (its file name too)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace the text deck of the same name: its cards retire (history kept)",
    )
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.deckfmt import DeckParseError
    from studyapp.deckfmt.source import check_regular_file

    source = Path(args.file).expanduser()
    try:
        check_regular_file(source)
        from studyapp.deckfmt.apkg import is_package

        if is_package(source):
            return _package(args, source)
        return _text(args, source)
    except DeckParseError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"{source}: cannot read: {error.strerror or error}") from None


def _text(args: argparse.Namespace, source: Path) -> int:
    from studyapp.cli._study import open_service
    from studyapp.textsafe import strip_controls

    with open_service(args, sync=False) as service:
        report = service.imports.text(source, name=args.as_name, replace=args.replace)
    if report.skipped:
        print(strip_controls(f"{report.deck_name}: unchanged ({report.path})"))
        return 0
    kept = f" ({report.kept} kept your edit)" if report.kept else ""
    retired = " (history kept)" if report.removed else ""
    print(
        strip_controls(
            f"{report.deck_name}: {report.added} added, {report.updated} updated{kept}, "
            f"{report.unchanged} unchanged, {report.removed} removed{retired}, "
            f"{report.restored} restored ({report.path})"
        )
    )
    if report.earlier:
        print(strip_controls(f"updated the deck imported earlier from {report.earlier}"))
    if report.kept:
        print(
            "the file changed cards whose text you rewrote in the app: your text stays; "
            "edit a card to change it"
        )
    for warning in report.warnings:
        print(strip_controls(f"warning: {warning}"))
    return 0


def _package(args: argparse.Namespace, source: Path) -> int:
    from studyapp.cli._study import open_service
    from studyapp.textsafe import strip_controls

    if args.as_name or args.replace:
        raise CliError(f"{source}: --as and --replace apply to text decks; an Anki package "
                       "updates its notes by their Anki id")  # fmt: skip

    def waiting(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    from studyapp.deckfmt.apkg import read_package

    package = read_package(source)  # a bad package: refused before the database opens
    from studyapp.study.import_match import written_here

    with open_service(args, sync=written_here(package)) as service:  # bundled decks first
        report = service.imports.package(source, on_wait=waiting, package=package)
    decks = ", ".join(report.decks) or "no decks"
    kept = f" ({report.kept} kept your edit)" if report.kept else ""
    matched = f", {report.matched} already here" if report.matched else ""
    print(
        strip_controls(
            f"{source.name}: {report.added} added, {report.updated} updated{kept}, "
            f"{report.unchanged} unchanged{matched}; {report.reviews} reviews, {report.media} "
            f"media files ({len(report.decks)} decks: {decks})"
        )
    )
    for warning in report.warnings:
        print(strip_controls(f"warning: {warning}"))
    return 0
