"""Messages the UI passes around; thread workers post them (``post_message`` is thread-safe).

App-wide ones live here; a screen's own results (subclasses of :class:`Loaded`) live in its
module beside their handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from studyapp.study.service import StudyService


@dataclass
class ServiceReady(Message):
    """The study service is open (the deck folders sync next: :class:`DecksSynced`)."""

    service: StudyService
    sync: bool = False
    """The deck folders are still to sync (after the first screen shows)."""


@dataclass
class DecksSynced(Message):
    """A sync of the deck folders changed cards or found problems."""

    imported: int = 0
    """Cards added or changed by the sync (0 when nothing changed)."""
    warnings: dict[str, int] = field(default_factory=dict)
    """Deck file path -> how many warnings it gave (the hint names the file)."""


@dataclass
class ServiceFailed(Message):
    """The database could not be opened; ``error`` is one clear line."""

    error: str


@dataclass
class DataChanged(Message, bubble=False):
    """Decks or cards changed (sync, exam date, optimize...): the app posts it to every
    screen on the stack, and screens showing that data reload (at once, or on resume)."""

    reason: str = ""


class Loaded(Message, bubble=False):
    """The base of a screen's background results (:meth:`StudyScreen.load`): each screen
    declares one dataclass subclass per result, handled with ``@on(ThatClass)``. A newer
    result of the same class replaces one still waiting in the queue."""

    def __init_subclass__(cls, bubble: bool | None = False, **options: Any) -> None:
        super().__init_subclass__(bubble=bubble, **options)  # a screen's own: not bubbling

    def can_replace(self, message: Message) -> bool:
        return type(message) is type(self)


@dataclass
class JobDone(Message):
    """A long job (optimization, sync) finished on a worker; ``summary`` is for a toast."""

    title: str
    summary: str
    result: Any = None
