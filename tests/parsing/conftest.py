from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck, parse_file

ROOT = Path(__file__).resolve().parents[2]
DECKS = ROOT / "decks"
FIXTURES = ROOT / "tests" / "fixtures" / "decks"


def card(deck: ParsedDeck, front_start: str) -> ParsedCard:
    """The one card whose front starts with ``front_start``."""
    found = [c for c in deck.cards if c.front.startswith(front_start)]
    assert len(found) == 1, [c.front for c in found] or [c.front for c in deck.cards]
    return found[0]


@pytest.fixture(scope="session")
def seed() -> dict[str, ParsedDeck]:
    return {path.stem: parse_file(path) for path in sorted(DECKS.glob("*.txt"))}


@pytest.fixture(scope="session")
def fixture_decks() -> dict[str, ParsedDeck]:
    return {path.name: parse_file(path) for path in sorted(FIXTURES.iterdir())}
