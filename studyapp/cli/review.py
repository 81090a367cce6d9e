"""``studyapp review [DECK]``: open the app straight on a review session (its first due card)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from studyapp.cli._study import friendly_errors

if TYPE_CHECKING:
    from studyapp.study.service import StudyService


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
    # and the app's first frame is already the first card. The deck is found by its row
    # alone (no counts) and the deck folders sync after the first card shows (in the app);
    # only a database without the deck (a first start) syncs first.
    import gc

    gc.disable()  # until the first frame: see ``studyapp.ui.app.settle_heap``
    try:
        from studyapp.ui.launch import run_app

        service, deck_id, title = _session(args)
    except BaseException:
        gc.enable()
        raise
    return run_app(args, service, (deck_id, title))  # collection back on when it ends


def _session(args: argparse.Namespace) -> tuple[StudyService, int | None, str]:
    """The open service and the deck to review (None: every deck) with its title."""
    from studyapp.cli._study import open_service
    from studyapp.study.errors import StudyError

    service = open_service(args, sync=False)
    try:
        if service.decks.empty():
            service.decks.sync()
        if not args.deck:
            return service, None, "All decks"
        try:
            deck_id, title = service.decks.find(args.deck)
        except StudyError:  # maybe a deck the folders bring: sync them, then look again
            service.decks.sync()
            deck_id, title = service.decks.find(args.deck)
    except BaseException:
        service.close()
        raise
    return service, deck_id, title
