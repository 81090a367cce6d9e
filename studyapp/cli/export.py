"""``studyapp export --apkg FILE``: write an Anki package of the decks and their reviews."""

from __future__ import annotations

import argparse
from typing import Any

from studyapp.cli._study import friendly_errors


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export decks as an Anki package (.apkg) with review history",
        description="Write an Anki package (legacy collection schema 11) that Anki imports, "
        "with each card's scheduling state and review log. An existing FILE is replaced only "
        "when it is an Anki package (--force: any file but the database).",
    )
    parser.add_argument("--apkg", required=True, metavar="FILE", help="the .apkg file to write")
    parser.add_argument("--deck", help="only this deck (name or id)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even when it is not an Anki package (never the database)",
    )
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._checks import check_parent_folder
    from studyapp.cli._study import find_deck, open_service
    from studyapp.textsafe import escape_controls

    check_parent_folder(args.apkg, "--apkg")
    with open_service(args) as service:
        deck_id = find_deck(service, args.deck) if args.deck else None
        report = service.exports.apkg(args.apkg, deck_id, force=args.force)
    print(
        escape_controls(
            f"wrote {report.path}: {report.decks} decks, {report.notes} notes, "
            f"{report.reviews} reviews"
        )
    )
    return 0
