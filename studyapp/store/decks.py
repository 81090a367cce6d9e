"""Decks and collection-wide settings (``studyapp_meta``): reads, inserts and updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studyapp.store.rows import DECK, META, DeckRow, MetaRow
from studyapp.store.sql import writes_to

if TYPE_CHECKING:
    from studyapp.store.sql import Query

GLOBAL_PARAMS_KEY = "fsrs_parameters"
"""``studyapp_meta`` key of the collection-wide FSRS parameters (JSON list)."""


def all_decks(q: Query) -> list[DeckRow]:
    """Every deck, by name."""
    return q.fetch(DECK, "ORDER BY deck.name, deck.id")


def get(q: Query, deck_id: int) -> DeckRow | None:
    """One deck (read once per transaction: an answer needs it in several places)."""

    def load() -> DeckRow | None:
        return q.first(DECK, "WHERE deck.id = :id", {"id": deck_id})

    return q.cached("deck", deck_id, load)  # type: ignore[no-any-return]


def empty(q: Query) -> bool:
    """True when the database holds no deck."""
    return q.scalar("SELECT id FROM deck LIMIT 1") is None


def generation() -> int:
    """Moves whenever this process writes a deck row (a mark for caches of deck rows)."""
    return writes_to("deck")


def by_source(q: Query, source: str) -> DeckRow | None:
    return q.first(DECK, "WHERE deck.source = :source", {"source": source})


def by_sources(q: Query, sources: list[str]) -> dict[str, DeckRow]:
    """The decks with these sources (those that exist), by source."""
    from studyapp.store.sql import in_list

    out: dict[str, DeckRow] = {}
    for start in range(0, len(sources), 500):
        marks, params = in_list("s", sources[start : start + 500])
        for deck in q.fetch(DECK, f"WHERE deck.source IN {marks}", params):
            out[deck.source] = deck
    return out


def insert(q: Query, deck: DeckRow) -> int:
    """A new deck (its ``id`` is made, ``created_at`` stamped); returns its id."""
    return q.insert(DECK, deck)


def save(q: Query, old: DeckRow, new: DeckRow) -> bool:
    """Write what changed from ``old`` to ``new``; False when the deck is gone."""
    return q.update(DECK, old, new)


def set_parameters(q: Query, deck_id: int, params: list[float] | None) -> bool:
    """Keep a deck's own FSRS parameters (None: the collection's apply); False: no deck."""
    deck = get(q, deck_id)
    values = None if params is None else tuple(float(p) for p in params)
    return deck is not None and save(q, deck, deck._replace(fsrs_parameters=values))


def meta(q: Query, key: str) -> str | None:
    """A collection-wide setting (None when unset)."""
    row = q.first(META, 'WHERE studyapp_meta."key" = :key', {"key": key})
    return None if row is None else row.value


def set_meta(q: Query, key: str, value: str) -> None:
    old = q.first(META, 'WHERE studyapp_meta."key" = :key', {"key": key})
    if old is None:
        q.insert(META, MetaRow(key, value))
    else:
        q.update(META, old, old._replace(value=value))
