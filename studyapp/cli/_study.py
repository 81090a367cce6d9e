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
    """A deck id from its id, name or source (``service.decks.find``: CliError if none)."""
    from studyapp.study.errors import StudyError

    try:
        return service.decks.find(name_or_id)[0]
    except StudyError as error:
        raise CliError(str(error)) from None


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
