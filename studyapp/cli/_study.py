"""Open the study service for a command, turning store errors into one-line CLI errors."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from studyapp.cli.errors import CliError

if TYPE_CHECKING:
    from studyapp.study.service import StudyService


def open_service(args: argparse.Namespace, sync: bool = True) -> StudyService:
    """The service on ``--db`` (or the default database), bundled decks synced if ``sync``."""
    from studyapp.store.errors import StoreError
    from studyapp.study.service import StudyService

    try:
        service = StudyService.open(getattr(args, "db", None))
    except StoreError as error:
        raise CliError(str(error)) from None
    if sync:
        service.decks.sync_bundled()
    return service


def find_deck(service: StudyService, name_or_id: str) -> int:
    """A deck id from its id, name or source (case-insensitive, unique prefix allowed)."""
    decks = service.decks()
    if name_or_id.isdigit() and any(d.id == int(name_or_id) for d in decks):
        return int(name_or_id)
    wanted = name_or_id.casefold()
    exact = [d for d in decks if wanted in (d.name.casefold(), d.source.casefold())]
    if len(exact) == 1:
        return exact[0].id
    partial = [  # the file name only: every source starts "bundled/" or "user/"
        d
        for d in decks
        if d.name.casefold().startswith(wanted) or wanted in _file_name(d.source).casefold()
    ]
    if len(partial) == 1:
        return partial[0].id
    names = "; ".join(f"{d.id}: {d.name}" for d in decks) or "none"
    what = "matches several decks" if partial else "matches no deck"
    raise CliError(f"{name_or_id!r} {what}; decks are {names}")


def friendly_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Turn the study and store errors a handler meets into one-line ``CliError`` messages."""

    @functools.wraps(handler)
    def wrapper(args: argparse.Namespace) -> int:
        from studyapp.store.errors import StoreError
        from studyapp.study.service import StudyError

        try:
            return handler(args)
        except (StudyError, StoreError) as error:
            raise CliError(str(error)) from None

    return wrapper


def _file_name(source: str) -> str:
    """``dl09.txt`` from a deck source ``bundled/dl09.txt``."""
    return source.rsplit("/", 1)[-1]
