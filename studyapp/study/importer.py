"""Upsert a parsed deck into the store, keeping card identity (see :mod:`identity`).

The store calls are general (insert a deck, insert and update cards in batches), so
importers of other formats (Anki packages with their review history) can reuse them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from studyapp.store import cards as store_cards
from studyapp.store import decks as store_decks
from studyapp.store.rows import CardRow, DeckRow
from studyapp.study.cards import needs_text
from studyapp.study.identity import Candidate, card_keys, fuzzy_pairs
from studyapp.study.views import ImportReport

if TYPE_CHECKING:
    from studyapp.store.sql import Query


class FileFacts(NamedTuple):
    """What a deck file was when imported: a re-sync with the same facts skips it."""

    file_hash: str
    file_size: int
    file_mtime: float


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
    facts: FileFacts | None,
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
    name = deck_name(q, parsed, source, deck)
    stored = (deck or DeckRow(0, source, name))._replace(name=name, path=path, format=parsed.format)
    if facts is not None:
        stored = stored._replace(**facts._asdict())
    if deck is None:
        deck_id = store_decks.insert(q, stored)
    else:
        deck_id = deck.id
        store_decks.save(q, deck, stored)

    cards = list(parsed.cards)
    keys = card_keys([(c.front, c.back) for c in cards])
    existing = store_cards.of_deck(q, deck_id)
    by_key = {c.key: c for c in existing} if match else {}
    matched: dict[int, CardRow] = {}
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

    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0, "restored": 0, "kept": 0}
    inserts: list[CardRow] = []
    updates: list[tuple[CardRow, CardRow]] = []
    for index, parsed_card in enumerate(cards):
        card_where = f"{where}:{parsed_card.line}"
        experiments = link_experiments(
            parsed_card.front, parsed_card.back, parsed_card.experiments, card_where, warnings
        )
        settings = link_settings(parsed_card.experiment_settings, experiments, card_where, warnings)
        card = matched.get(index)
        old = card or CardRow(0, deck_id, keys[index])
        new = _from_file(card, old, parsed_card, keys[index], index, experiments, settings)
        if card is None:
            inserts.append(new)
            counts["added"] += 1
            continue
        if card.removed:
            counts["restored"] += 1
        elif (card.file_front, card.file_back) != (parsed_card.front, parsed_card.back):
            counts["updated"] += 1
            counts["kept"] += new.edited
        else:
            counts["unchanged"] += 1
        updates.append((card, new))
    for card in existing:
        if card.id not in matched_ids and not card.removed:
            updates.append((card, card._replace(removed=True)))
            counts["removed"] += 1
    store_cards.insert_many(q, inserts)
    store_cards.save_many(q, updates)
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
        kept=counts["kept"],
    )


def deck_name(q: Query, parsed: ParsedDeckLike, source: str, deck: DeckRow | None) -> str:
    """The deck's name: the one given with ``import --as NAME``, else the file's, else the
    stored one (else its source)."""
    from studyapp.store.imports import given_name

    return given_name(q, source) or parsed.name or (deck.name if deck is not None else source)


def merged_text(card: CardRow | None, front: str, back: str) -> tuple[str, str, bool]:
    """``(front, back, edited)`` of a card after its file (or package) says ``front`` and
    ``back``: a side the user rewrote here (it differs from the file's text as last imported)
    keeps what the user wrote, whatever the file now says; the other sides follow the file.
    ``edited``: the result differs from the file's text (the user's text won somewhere). The
    user gives a side back to the file by editing it to the file's text."""
    if card is None:
        return front, back, False
    mine_front = card.front if card.front != card.file_front else front
    mine_back = card.back if card.back != card.file_back else back
    return mine_front, mine_back, (mine_front, mine_back) != (front, back)


def _from_file(
    card: CardRow | None,
    old: CardRow,
    parsed: ParsedCardLike,
    key: str,
    position: int,
    experiments: list[str],
    settings: dict[str, dict[str, str]],
) -> CardRow:
    """``old`` with what the file decides (``card`` None: a new card, ``old`` its blank)."""
    user_flags = [f for f in old.flags if f not in old.file_flags]
    user_tags = [t for t in old.tags if t not in old.file_tags]
    new = old._replace(
        key=key,
        position=position,
        line=parsed.line,
        file_front=parsed.front,
        file_back=parsed.back,
        removed=False,
        file_flags=tuple(parsed.flags),
        file_tags=tuple(parsed.tags),
        flags=_unique([*parsed.flags, *user_flags]),
        tags=_unique([*parsed.tags, *user_tags]),
        experiments=tuple(experiments),
        experiment_settings=settings,
    )
    front, back, edited = merged_text(card, parsed.front, parsed.back)
    new = new._replace(front=front, back=back, edited=edited)
    was_blocked = card is not None and needs_text(card.file_flags)
    is_blocked = needs_text(parsed.flags)
    if is_blocked and not was_blocked:
        new = new._replace(suspended=True)
    elif (
        card is not None
        and was_blocked
        and not is_blocked
        and card.suspended
        and ("leech" not in card.tags)
    ):
        new = new._replace(suspended=False)
    return new


def _warning(where: str, warning: Any) -> str:
    """``file:line: message`` for a ``ParseWarning`` (or ``str()`` of anything else)."""
    line, message = getattr(warning, "line", None), getattr(warning, "message", None)
    if message is None:
        return str(warning)
    return f"{where}:{line}: {message}" if line else f"{where}: {message}"


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
