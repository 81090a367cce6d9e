"""``studyapp`` with no command: open the app on the bundled decks (synced on start)."""

from __future__ import annotations

import argparse
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.study.service import StudyService


def launch(args: argparse.Namespace) -> int:
    """Run the TUI; ``args.db`` is the ``--db`` flag (None: ``$STUDYAPP_DB`` or the default)."""
    import gc

    gc.disable()  # until the first frame: see ``studyapp.ui.app.settle_heap``
    try:
        from studyapp.ui.widgets.card_image import warm_up

        warm_up()  # graphics-protocol terminals are asked before Textual owns the terminal
    except BaseException:
        gc.enable()
        raise
    return run_app(args)  # collection back on when it ends


def run_app(
    args: argparse.Namespace,
    service: StudyService | None = None,
    review: tuple[int | None, str] | None = None,
) -> int:
    """Run the app until the user quits; a database that cannot open raises ``UserError``
    (the command line prints its one line and exits with status 1).

    With ``service`` (already open, decks synced) and ``review=(deck_id, title)`` the app
    opens on that review session (``studyapp review``).
    """
    from studyapp.errors import UserError
    from studyapp.study.service import StudyService
    from studyapp.ui.app import StudyApp, open_service

    if service is not None:
        opened = service
        app = StudyApp(lambda: opened, review=review)
    else:
        app = StudyApp(partial(open_service, getattr(args, "db", None)))
        app.opens_at_load = StudyService.opens_at_once(getattr(args, "db", None))
    app.settles_heap = True
    try:
        app.run()
    finally:
        import gc

        gc.enable()
        if app.ready:
            app.service.close()
        if service is not None:
            service.close()  # idempotent
    if app.startup_error:
        raise UserError(app.startup_error)
    return app.return_code or 0
