"""Messages that thread workers post back to the UI (``post_message`` is thread-safe)."""

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
    """Deck name -> how many warnings its file gave."""


@dataclass
class ServiceFailed(Message):
    """The database could not be opened; ``error`` is one clear line."""

    error: str


@dataclass
class DataChanged(Message):
    """Decks or cards changed (answer, sync, exam date...): screens showing counts refresh."""

    reason: str = ""


@dataclass
class JobDone(Message):
    """A long job (optimisation, sync) finished on a worker; ``summary`` is for a toast."""

    title: str
    summary: str
    result: Any = None
