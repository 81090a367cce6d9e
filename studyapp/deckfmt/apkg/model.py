"""What an Anki package holds, as plain dataclasses the importer can store in one transaction.

A package reads as one :class:`AnkiPackage` (a :class:`ParsedDeck`): every card is an
:class:`AnkiCard` (a :class:`ParsedCard`) whose identity is ``(guid, ord)``, the Anki note
GUID and the card's template/cloze ordinal, so re-importing updates rather than duplicates.
Each card carries its Anki deck path (``A::B``), its tags and its review log; media entries
name the zip member to copy and the untrusted name to copy it as (validated already).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from studyapp.deckfmt.model import DeckParseError, ParsedCard, ParsedDeck

FORMAT_NAME = "apkg"
LATEST_SCHEMA = 18
"""The newest collection schema (``col.ver``) this reader understands; 11 is the oldest."""
OLDEST_SCHEMA = 11

# Revlog ``type`` values (Anki's RevlogReviewKind).
LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED = 0, 1, 2, 3, 4, 5


class PackageError(DeckParseError):
    """A package that cannot be read; one line naming the file. Nothing has been written."""


class AnkiReview(NamedTuple):
    """One revlog row: ``rating`` is Anki's ease (1 Again .. 4 Easy; 0 for manual entries).

    A named tuple, not a dataclass: a package holds 10^5-10^6 of them, made 3x faster."""

    at: datetime
    """When it was answered (aware UTC; Anki's revlog id is this in milliseconds)."""
    rating: int
    kind: int
    """Revlog type: LEARN, REVIEW, RELEARN, FILTERED, MANUAL or RESCHEDULED."""
    duration_ms: int
    interval: int
    """Anki's new interval: days when positive, seconds when negative."""
    factor: int = 0
    """Ease factor in permille (0 on a manual "forget" entry)."""


@dataclass(slots=True)
class AnkiCard(ParsedCard):
    """A card with its Anki identity, deck, schedule flags and history (oldest first)."""

    guid: str = ""
    ord: int = 0
    deck: str = ""
    """Full Anki deck name, levels joined by ``::``."""
    notetype: str = ""
    suspended: bool = False
    reviews: list[AnkiReview] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    """Media names the card's fields refer to (``<img src>``, ``[sound:]``)."""

    @property
    def identity(self) -> str:
        """``guid:ord``: stable across re-exports of the same note from Anki."""
        return f"{self.guid}:{self.ord}"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One media file: ``name`` is safe as a single file name; ``member`` is its zip entry."""

    name: str
    member: str
    size: int
    """The member's size in the zip (zstd-compressed in ``anki21b`` packages)."""
    compressed: bool
    """True in ``anki21b`` packages, whose media members are zstd frames."""


@dataclass(slots=True)
class AnkiPackage(ParsedDeck):
    """A whole package; ``cards`` hold every deck's cards (see :attr:`AnkiCard.deck`)."""

    schema: int = 0
    collection: str = ""
    """The zip member read: ``collection.anki21b``, ``collection.anki21`` or ``.anki2``."""
    decks: list[str] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    rollover: int | None = None
    """The collection's "next day starts at" hour (None: the package does not say; a whole
    collection (.colpkg) carries it, an .apkg export does not)."""

    @property
    def review_count(self) -> int:
        return sum(len(card.reviews) for card in self.cards if isinstance(card, AnkiCard))
