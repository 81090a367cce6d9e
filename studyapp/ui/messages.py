"""Messages the UI passes around; thread workers post them (``post_message`` is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from studyapp.study.service import StudyService


@dataclass
class ServiceReady(Message):
    """The study service is open and the bundled decks are synced."""

    service: StudyService
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


@dataclass
class Loaded(Message, bubble=False):
    """A screen's background load (:meth:`StudyScreen.load`) returned ``value``."""

    group: str
    value: Any

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Loaded) and message.group == self.group


@dataclass
class JobDone(Message):
    """A long job (optimization, sync) finished on a worker; ``summary`` is for a toast."""

    title: str
    summary: str
    result: Any = None
