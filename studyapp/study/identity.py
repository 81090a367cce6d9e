"""Card identity across re-imports: exact keys first, then fuzzy matches within the deck.

A card's key hashes its whitespace-normalised text (plus an occurrence number when the same
card appears twice in one file). When a file changes, cards with an unchanged key keep their
row; the rest are paired greedily by text similarity, nearby positions breaking ties, so a
typo fix in a question or answer keeps the card's history. Unpaired old cards are "removed";
unpaired new ones are added.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

_SPACE = re.compile(r"\s+")
MATCH_SCORE = 0.7
"""Mean of question and answer similarity above which two cards are the same card."""
SAME_QUESTION = 0.95
"""A question this similar, near the same position, keeps the card even if the answer changed."""
NEAR = 3
MAX_PAIRS = 200_000
"""Above this many candidate pairs, only cards within :data:`WINDOW` positions are compared."""
WINDOW = 50


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def card_keys(cards: Sequence[tuple[str, str]]) -> list[str]:
    """Stable keys for (front, back) pairs in file order; duplicates get ``#2``, ``#3``..."""
    seen: dict[str, int] = {}
    keys = []
    for front, back in cards:
        digest = hashlib.sha1(
            f"{normalise(front)}\x1f{normalise(back)}".encode(), usedforsecurity=False
        ).hexdigest()[:20]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(digest if seen[digest] == 1 else f"{digest}#{seen[digest]}")
    return keys


@dataclass(frozen=True)
class Candidate:
    """A card on one side of the matching: its position in the file and its text."""

    index: int
    position: int
    front: str
    back: str


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def fuzzy_pairs(old: Sequence[Candidate], new: Sequence[Candidate]) -> list[tuple[int, int]]:
    """Pairs (old.index, new.index) of the same card whose text changed, best first."""
    windowed = len(old) * len(new) > MAX_PAIRS
    scored: list[tuple[float, int, int, int]] = []
    for o in old:
        of, ob = normalise(o.front).lower(), normalise(o.back).lower()
        for n in new:
            distance = abs(o.position - n.position)
            if windowed and distance > WINDOW:
                continue
            front = _ratio(of, normalise(n.front).lower())
            back = _ratio(ob, normalise(n.back).lower())
            score = (front + back) / 2
            if score >= MATCH_SCORE or (front >= SAME_QUESTION and distance <= NEAR):
                scored.append((-score, distance, o.index, n.index))
    scored.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _score, _distance, o_index, n_index in scored:
        if o_index in used_old or n_index in used_new:
            continue
        used_old.add(o_index)
        used_new.add(n_index)
        pairs.append((o_index, n_index))
    return pairs


ANKI_PREFIX = "anki:"
TEXT_PREFIX = "anki-text:"
SAME_DECK_SHARE = 0.5
"""Share of a file's cards a stored deck must hold for a file from elsewhere to update it."""


def deck_root(deck: str) -> str:
    """An Anki deck's lineage: its top level (``Course`` of ``Course::Week 1``)."""
    return deck.split("::", 1)[0].strip()


def anki_key(guid: str | None, ord_: int, notetype: str, deck: str, front: str, back: str) -> str:
    """The key of an imported Anki card (never its text while it has a GUID).

    A GUID is trusted only with the same note type and deck lineage: the key hashes all three
    with the ordinal, so a package whose note shares a GUID with another package's note of
    another note type or top-level deck brings its own card. A note without a GUID (NULL or
    blank) is keyed by its note type, lineage and text, never by the empty GUID."""
    root = deck_root(deck)
    guid = guid.strip() if isinstance(guid, str) else ""
    if guid:
        return f"{ANKI_PREFIX}{_digest(notetype, root, guid)}:{ord_}"
    return f"{TEXT_PREFIX}{_digest(notetype, root, normalise(front), normalise(back))}:{ord_}"


def legacy_anki_key(guid: str | None, ord_: int) -> str | None:
    """The key cards imported before :func:`anki_key` have (the GUID alone; None without
    one): such a card is the package's card when its deck has the package card's lineage."""
    guid = guid.strip() if isinstance(guid, str) else ""
    return f"{ANKI_PREFIX}{guid}:{ord_}" if guid else None


def _digest(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]


def same_deck(stored_keys: set[str], new_keys: Sequence[str]) -> bool:
    """True when a file (its card keys) is a version of the stored deck: at least
    :data:`SAME_DECK_SHARE` of its cards *and* of the deck's are the same cards (a one-card
    file sharing its card with a deck of 100 would retire 99: not a version)."""
    if not stored_keys or not new_keys:
        return not stored_keys
    shared = sum(1 for key in new_keys if key in stored_keys)
    return shared >= SAME_DECK_SHARE * max(len(stored_keys), len(new_keys))
