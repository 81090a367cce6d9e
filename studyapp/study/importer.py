"""Upsert a parsed deck into the store, keeping card identity (see :mod:`identity`).

The store calls are general (insert a deck, insert and update cards in batches), so
importers of other formats (Anki packages with their review history) can reuse them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from studyapp.store import cards as store_cards
from studyapp.store import decks as store_decks
from studyapp.study.cards import needs_text
from studyapp.study.identity import Candidate, card_keys, fuzzy_pairs
from studyapp.study.views import ImportReport

if TYPE_CHECKING:
    from studyapp.store.rows import CardRecord
    from studyapp.store.sql import Query

NEW_DECK: dict[str, Any] = {
    "path": "", "format": "", "file_hash": "", "file_size": 0, "file_mtime": 0.0,
    "desired_retention": 0.9, "new_limit": 20, "review_limit": 200, "leech_threshold": 8,
    "exam_date": None, "fsrs_parameters": None,
}  # fmt: skip
"""A new deck's settings (the schema's defaults)."""


class ParsedCardLike(Protocol):
    front: str
    back: str
    line: int
    flags: list[str]
    tags: list[str]
    experiments: list[str]
    experiment_settings: dict[str, dict[str, str]]


class ParsedDeckLike(Protocol):
    """The shape of ``studyapp.deckfmt.ParsedDeck`` this module needs."""

    name: str
    format: str
    source: str

    @property
    def cards(self) -> Sequence[ParsedCardLike]: ...

    @property
    def warnings(self) -> Sequence[Any]: ...


def link_experiments(
    front: str, back: str, explicit: Sequence[str], where: str, warnings: list[str]
) -> list[str]:
    """Experiment ids for a card (``studyapp.experiments.links``); bad explicit ids: warnings."""
    from studyapp.experiments.links import card_links

    linked, problems = card_links(front, back, tuple(explicit))
    warnings.extend(f"{where}: {problem}" for problem in problems)
    return linked


def link_settings(
    explicit: dict[str, dict[str, str]], linked: Sequence[str], where: str, warnings: list[str]
) -> dict[str, dict[str, str]]:
    """The valid explicit settings of the linked experiments; bad ones become warnings."""
    from studyapp.experiments.links import check_settings

    kept: dict[str, dict[str, str]] = {}
    for experiment, settings in explicit.items():
        if experiment not in linked:
            continue  # an unknown id: already a warning of link_experiments
        valid, problems = check_settings(experiment, settings)
        warnings.extend(f"{where}: {problem}" for problem in problems)
        if valid:
            kept[experiment] = valid
    return kept


def upsert_deck(
    q: Query,
    parsed: ParsedDeckLike,
    source: str,
    path: str,
    file_meta: dict[str, Any],
    match: bool = True,
) -> ImportReport:
    """Add or update the deck ``source`` from ``parsed`` inside the caller's write transaction.

    Cards are matched to the deck's stored cards (exact key, then fuzzy), then written in
    two batches: inserts of new cards, updates of changed ones. ``match=False`` replaces
    the deck's cards: every stored card is removed (history kept), every parsed one added.
    """
    where = parsed.source or path
    warnings = [_warning(where, w) for w in parsed.warnings]
    deck = store_decks.by_source(q, source)
    deck_values: dict[str, Any] = {"path": path, "format": parsed.format, **file_meta}
    if deck is None:
        name = parsed.name or source
        deck_id = store_decks.insert(q, {**NEW_DECK, "source": source, "name": name, **deck_values})
    else:
        deck_id, name = deck.id, parsed.name or deck.name
    store_decks.update(q, deck_id, {"name": name, **deck_values})

    cards = list(parsed.cards)
    keys = card_keys([(c.front, c.back) for c in cards])
    existing = store_cards.of_deck(q, deck_id)
    by_key = {c.key: c for c in existing} if match else {}
    matched: dict[int, CardRecord] = {}
    for index, key in enumerate(keys):
        if key in by_key:
            matched[index] = by_key.pop(key)
    leftover_old = sorted(by_key.values(), key=lambda c: (c.removed, c.position))
    leftover_new = [i for i in range(len(cards)) if i not in matched]
    if match and leftover_old and leftover_new:
        pairs = fuzzy_pairs(
            [
                Candidate(i, c.position, c.file_front, c.file_back)
                for i, c in enumerate(leftover_old)
            ],
            [Candidate(i, i, cards[i].front, cards[i].back) for i in leftover_new],
        )
        for o_index, n_index in pairs:
            matched[n_index] = leftover_old[o_index]
    matched_ids = {c.id for c in matched.values()}

    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0, "restored": 0}
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for index, parsed_card in enumerate(cards):
        card_where = f"{where}:{parsed_card.line}"
        experiments = link_experiments(
            parsed_card.front, parsed_card.back, parsed_card.experiments, card_where, warnings
        )
        settings = link_settings(parsed_card.experiment_settings, experiments, card_where, warnings)
        card = matched.get(index)
        values = _values(card, parsed_card, keys[index], index, experiments, settings)
        if card is None:
            inserts.append(values)
            counts["added"] += 1
            continue
        if card.removed:
            counts["restored"] += 1
        elif (card.file_front, card.file_back) != (parsed_card.front, parsed_card.back):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        changed = {k: v for k, v in values.items() if _stored(getattr(card, k)) != _stored(v)}
        updates.append((card.id, changed))
    for card in existing:
        if card.id not in matched_ids and not card.removed:
            updates.append((card.id, {"removed": True}))
            counts["removed"] += 1
    store_cards.insert_many(q, deck_id, inserts)
    store_cards.update_many(q, updates)
    return ImportReport(
        deck_id=deck_id,
        deck_name=name,
        source=source,
        path=path,
        added=counts["added"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        removed=counts["removed"],
        restored=counts["restored"],
        warnings=tuple(warnings),
    )


def _values(
    card: CardRecord | None,
    parsed: ParsedCardLike,
    key: str,
    position: int,
    experiments: list[str],
    settings: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The card columns the file decides (a new card when ``card`` is None)."""
    old_flags = card.file_flags if card is not None else ()
    old_tags = card.file_tags if card is not None else ()
    user_flags = [f for f in (card.flags if card else ()) if f not in old_flags]
    user_tags = [t for t in (card.tags if card else ()) if t not in old_tags]
    values: dict[str, Any] = {
        "key": key,
        "position": position,
        "line": parsed.line,
        "file_front": parsed.front,
        "file_back": parsed.back,
        "removed": False,
        "file_flags": list(parsed.flags),
        "file_tags": list(parsed.tags),
        "flags": _unique([*parsed.flags, *user_flags]),
        "tags": _unique([*parsed.tags, *user_tags]),
        "experiments": experiments,
        "experiment_settings": settings,
    }
    text_changed = card is None or (card.file_front, card.file_back) != (parsed.front, parsed.back)
    if text_changed or (card is not None and not card.edited):
        values.update(front=parsed.front, back=parsed.back, edited=False)
    was_blocked = card is not None and needs_text(card.file_flags)
    is_blocked = needs_text(parsed.flags)
    if is_blocked and not was_blocked:
        values["suspended"] = True
    elif card is not None and was_blocked and card.suspended and "leech" not in card.tags:
        values["suspended"] = False
    return values


def _stored(value: Any) -> Any:
    """A column value in a comparable form (tuples and lists alike)."""
    return list(value) if isinstance(value, tuple) else value


def _warning(where: str, warning: Any) -> str:
    """``file:line: message`` for a ``ParseWarning`` (or ``str()`` of anything else)."""
    line, message = getattr(warning, "line", None), getattr(warning, "message", None)
    if message is None:
        return str(warning)
    return f"{where}:{line}: {message}" if line else f"{where}: {message}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
