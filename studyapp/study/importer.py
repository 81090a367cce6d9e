"""Upsert a parsed deck into the store, keeping card identity (see :mod:`identity`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from studyapp.study.identity import Candidate, card_keys, fuzzy_pairs
from studyapp.study.views import ImportReport

if TYPE_CHECKING:
    from sqlmodel import Session

    from studyapp.store.schema import Card

ANSWER_MISSING = "answer-missing"


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
    """Experiment ids for a card (``studyapp.experiments.links``); bad explicit ids become warnings."""
    from studyapp.experiments.links import UnknownExperimentError, experiments_for

    try:
        return list(experiments_for(front, back, tuple(explicit)))
    except UnknownExperimentError as error:
        warnings.append(f"{where}: {error}")
        return list(experiments_for(front, back))


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
    session: Session,
    parsed: ParsedDeckLike,
    source: str,
    path: str,
    file_meta: dict[str, Any],
) -> ImportReport:
    """Add or update the deck ``source`` from ``parsed``; the caller commits."""
    from sqlmodel import col, select

    from studyapp.store.schema import Card, Deck

    where = parsed.source or path
    warnings = [_warning(where, w) for w in parsed.warnings]
    deck = session.exec(select(Deck).where(col(Deck.source) == source)).first()
    if deck is None:
        deck = Deck(source=source, name=parsed.name or source, path=path, format=parsed.format)
        session.add(deck)
        session.flush()
    deck.name = parsed.name or deck.name
    deck.path = path
    deck.format = parsed.format
    for key, value in file_meta.items():
        setattr(deck, key, value)
    assert deck.id is not None

    cards = list(parsed.cards)
    keys = card_keys([(c.front, c.back) for c in cards])
    existing = list(session.exec(select(Card).where(col(Card.deck_id) == deck.id)).all())
    by_key = {c.key: c for c in existing}
    matched: dict[int, Card] = {}
    for index, key in enumerate(keys):
        if key in by_key:
            matched[index] = by_key.pop(key)
    leftover_old = sorted(by_key.values(), key=lambda c: (c.removed, c.position))
    leftover_new = [i for i in range(len(cards)) if i not in matched]
    if leftover_old and leftover_new:
        pairs = fuzzy_pairs(
            [
                Candidate(i, c.position, c.file_front, c.file_back)
                for i, c in enumerate(leftover_old)
            ],
            [Candidate(i, i, cards[i].front, cards[i].back) for i in leftover_new],
        )
        for o_index, n_index in pairs:
            matched[n_index] = leftover_old[o_index]
    matched_ids = {id(c) for c in matched.values()}

    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0, "restored": 0}
    for index, parsed_card in enumerate(cards):
        card_where = f"{where}:{parsed_card.line}"
        experiments = link_experiments(
            parsed_card.front, parsed_card.back, parsed_card.experiments, card_where, warnings
        )
        settings = link_settings(parsed_card.experiment_settings, experiments, card_where, warnings)
        card = matched.get(index)
        if card is None:
            card = Card(deck_id=deck.id, key=keys[index], file_flags=[], file_tags=[])
            session.add(card)
            counts["added"] += 1
        elif card.removed:
            counts["restored"] += 1
        elif (card.file_front, card.file_back) != (parsed_card.front, parsed_card.back):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        _apply(card, parsed_card, keys[index], index, experiments)
        card.experiment_settings = settings
    for card in existing:
        if id(card) not in matched_ids and not card.removed:
            card.removed = True
            counts["removed"] += 1
    return ImportReport(
        deck_id=deck.id,
        deck_name=deck.name,
        source=source,
        path=path,
        added=counts["added"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        removed=counts["removed"],
        restored=counts["restored"],
        warnings=tuple(warnings),
    )


def _apply(
    card: Card, parsed: ParsedCardLike, key: str, position: int, experiments: list[str]
) -> None:
    text_changed = (card.file_front, card.file_back) != (parsed.front, parsed.back)
    if text_changed or not card.edited:
        card.front, card.back, card.edited = parsed.front, parsed.back, False
    card.file_front, card.file_back = parsed.front, parsed.back
    card.key = key
    card.position = position
    card.line = parsed.line
    card.removed = False
    was_missing = ANSWER_MISSING in (card.file_flags or [])
    is_missing = ANSWER_MISSING in parsed.flags
    user_flags = [f for f in (card.flags or []) if f not in (card.file_flags or [])]
    user_tags = [t for t in (card.tags or []) if t not in (card.file_tags or [])]
    card.file_flags = list(parsed.flags)
    card.file_tags = list(parsed.tags)
    card.flags = _unique([*parsed.flags, *user_flags])
    card.tags = _unique([*parsed.tags, *user_tags])
    card.experiments = experiments
    if is_missing and not was_missing:
        card.suspended = True
    elif was_missing and not is_missing and card.suspended and "leech" not in card.tags:
        card.suspended = False


def _warning(where: str, warning: Any) -> str:
    """``file:line: message`` for a ``ParseWarning`` (or ``str()`` of anything else)."""
    line, message = getattr(warning, "line", None), getattr(warning, "message", None)
    if message is None:
        return str(warning)
    return f"{where}:{line}: {message}" if line else f"{where}: {message}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
