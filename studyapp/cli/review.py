"""``studyapp review [DECK]``: open the app straight on a review session (its first due card)."""

from __future__ import annotations

import argparse
from typing import Any

from studyapp.cli._study import friendly_errors


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "review",
        help="open the app on a review session: DECK's first due card, or every deck's",
        description="Open the app on a review session instead of the home screen. DECK is "
        "a deck's id, name or unique name prefix (see `studyapp decks`); without it, cards "
        "due in every deck are reviewed. Escape goes to the home screen.",
    )
    parser.add_argument("deck", nargs="?", default="", metavar="DECK", help="deck to review")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    # The database opens here, before the TUI: a bad file or deck name is one error line,
    # and the app's first frame is already the first card.
    from studyapp.cli._study import find_deck, open_service
    from studyapp.ui.app import run_app

    service = open_service(args)
    try:
        service.decks.sync_user()
        deck_id: int | None = None
        title = "All decks"
        if args.deck:
            deck_id = find_deck(service, args.deck)
            title = service.decks.get(deck_id).name
    except BaseException:
        service.close()
        raise
    return run_app(args, service, (deck_id, title))
