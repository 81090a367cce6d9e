"""Which stored card a package's card is: its key, a card of ours an export wrote, or a card
imported before keys carried the note type and lineage.

- :func:`package_cards`: each card once, with its key (:func:`identity.anki_key`: a GUID
  counts only with the same note type and top-level deck; a note without one is keyed by its
  text), a warning for each repeat;
- :func:`our_cards`: notes a studyapp export wrote (note type :data:`MODEL_NAME`) whose GUID
  is that of a card stored here (:func:`note_guid` of its deck's source and key) in a deck of
  the same name: that card, wherever it lives (a bundled deck exported and imported into a
  fresh data dir matches the bundled deck, instead of doubling it);
- :func:`legacy_cards`: cards stored under the GUID alone (imports before these keys), each
  taken only when its deck has the package card's lineage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from studyapp.deckfmt.apkg import AnkiCard, AnkiPackage
from studyapp.deckfmt.apkg.writer import MODEL_NAME, anki_deck_name, note_guid
from studyapp.study.identity import anki_key, deck_root, legacy_anki_key

if TYPE_CHECKING:
    from studyapp.store.imports import ImportWriter
    from studyapp.store.rows import CardRow

SOURCE_PREFIX = "anki/"


class Ours(NamedTuple):
    """A card stored here that a package's note is (see :func:`our_cards`)."""

    card_id: int
    deck_id: int
    deck_name: str


def card_key(card: AnkiCard, default_deck: str) -> str:
    return anki_key(card.guid, card.ord, card.notetype, card.deck or default_deck,
                    card.front, card.back)  # fmt: skip


def package_cards(package: AnkiPackage) -> tuple[list[AnkiCard], list[str], list[str]]:
    """The package's cards once each, their keys, and a warning for each repeat."""
    cards: list[AnkiCard] = []
    keys: list[str] = []
    seen: set[str] = set()
    warnings = [str(w) for w in package.warnings]
    for card in package.cards:
        if not isinstance(card, AnkiCard):
            continue
        key = card_key(card, package.name)
        if key in seen:
            note = card.guid or "without a GUID"
            warnings.append(f"{package.source}: note {note} card {card.ord} twice; kept once")
            continue
        seen.add(key)
        cards.append(card)
        keys.append(key)
    return cards, keys, warnings


def written_here(package: AnkiPackage) -> bool:
    """True when a studyapp export wrote some of the package's notes: the bundled decks are
    synced before it is imported, so those notes find their cards (:func:`our_cards`)."""
    return any(isinstance(c, AnkiCard) and c.notetype == MODEL_NAME for c in package.cards)


def our_cards(
    writer: ImportWriter, cards: Sequence[AnkiCard], default_deck: str
) -> dict[int, Ours]:
    """The package cards (by index) that are cards stored here, written by an export."""
    wanted = {card.guid for card in cards if card.notetype == MODEL_NAME and card.guid}
    if not wanted:
        return {}
    by_note: dict[tuple[str, str], Ours] = {}
    for card_id, deck_id, source, key, deck_name in writer.notes():
        guid = note_guid(source, key)
        if guid in wanted:
            by_note.setdefault((guid, anki_deck_name(deck_name)), Ours(card_id, deck_id, deck_name))
    out = {}
    for index, card in enumerate(cards):
        if card.notetype == MODEL_NAME:
            found = by_note.get((card.guid, card.deck or default_deck))
            if found is not None:
                out[index] = found
    return out


def legacy_cards(
    writer: ImportWriter, cards: Sequence[AnkiCard], keys: Sequence[str],
    stored: dict[str, int], default_deck: str,
) -> dict[str, CardRow]:  # fmt: skip
    """Cards stored under the GUID alone that are these package cards (their deck has the
    package card's lineage), by the key they now get; each stored card once. The caller
    files them under that key in ``stored`` once written (:func:`rekeyed`)."""
    wanted: dict[str, tuple[int, AnkiCard]] = {}
    claimed: set[int] = set()
    for card, key in zip(cards, keys, strict=True):
        old = legacy_anki_key(card.guid, card.ord)
        if key not in stored and old is not None and stored.get(old) not in (None, *claimed):
            wanted[key] = (stored[old], card)
            claimed.add(stored[old])
    if not wanted:
        return {}
    rows = writer.cards_by_id([card_id for card_id, _card in wanted.values()])
    sources = writer.deck_sources()
    out = {}
    for key, (card_id, card) in wanted.items():
        row = rows.get(card_id)
        source = sources.get(row.deck_id, "") if row is not None else ""
        lineage = deck_root(source.removeprefix(SOURCE_PREFIX))
        if row is not None and lineage == deck_root(card.deck or default_deck):
            out[key] = row
    return out


def rekeyed(stored: dict[str, int], cards: Sequence[AnkiCard], keys: Sequence[str],
            legacy: dict[str, CardRow]) -> None:  # fmt: skip
    """File the cards :func:`legacy_cards` found under their new keys in ``stored``."""
    for card, key in zip(cards, keys, strict=True):
        row = legacy.get(key)
        old = legacy_anki_key(card.guid, card.ord)
        if row is not None and old is not None:
            stored.pop(old, None)
            stored[key] = row.id
