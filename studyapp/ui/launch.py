"""``studyapp`` with no command: open the app on the bundled decks (synced on start)."""

from __future__ import annotations

import argparse


def launch(args: argparse.Namespace) -> int:
    """Run the TUI; ``args.db`` is the ``--db`` flag (None: ``$STUDYAPP_DB`` or the default)."""
    import gc

    gc.disable()  # until the first frame: see ``studyapp.ui.app.settle_heap``
    try:
        from studyapp.ui.app import run_app
        from studyapp.ui.widgets.card_image import warm_up

        warm_up()  # graphics-protocol terminals are asked before Textual owns the terminal
    except BaseException:
        gc.enable()
        raise
    return run_app(args)  # collection back on when it ends
