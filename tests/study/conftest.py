"""Fixtures for the study core: a service on a temporary database and hand-made decks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.study.service import StudyService

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
"""A fixed noon (UTC) for deterministic study days."""


def make_deck(
    n: int = 10, name: str = "Deck", source: str = "deck.txt", prefix: str = "Question"
) -> ParsedDeck:
    """A deck of ``n`` distinct cards ``Question i?`` / ``Answer number i``."""
    cards = [ParsedCard(f"{prefix} {i}?", f"Answer number {i}", line=2 * i + 1) for i in range(n)]
    return ParsedDeck(name=name, format="deck", source=source, cards=cards)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


@pytest.fixture
def service(db_path: Path) -> Iterator[StudyService]:
    svc = StudyService.open(str(db_path), clock=lambda: NOW, fuzz=False, tz=UTC)
    yield svc
    svc.close()
