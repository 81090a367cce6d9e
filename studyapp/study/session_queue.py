"""A review session's queue kept in memory between answers, instead of re-read per key press.

After a full read (:func:`read`), each deck of the session holds its learning cards due today
(with their due times), today's reviews within the daily limit and today's new cards within
the daily limit, in queue order. An answer given in this session moves one card: it leaves its
part, and comes back as a learning card when FSRS schedules it again today. The counts and the
next card are then read off the lists, exactly as :func:`studyapp.study.queue.build` would
find them in the database (``tests/study/test_session_queue.py`` compares the two answer by
answer). Anything else (another write by this service or another process, a new study day,
exam mode, an answer this queue can't place) drops it, and the next call reads again.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from studyapp.store import reviews as store
from studyapp.store.rows import NEW, REVIEW
from studyapp.study.queue import LEARN_AHEAD, Usage
from studyapp.study.views import Counts

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context


@dataclass
class DeckLists:
    """One deck's part of the session queue."""

    deck_id: int
    learning: list[tuple[datetime, int]] = field(default_factory=list)
    """Learning and relearning cards due by the end of the study day: ``(due, id)``, sorted."""
    reviews: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)

    def learning_first(self, now: datetime) -> int | None:
        """The deck's learning card to show now: one due now; when the deck has nothing
        else left today, one due within :data:`LEARN_AHEAD`."""
        if not self.learning:
            return None
        due, card = self.learning[0]
        if due <= now:
            return card
        if not self.reviews and not self.new and due <= now + LEARN_AHEAD:
            return card
        return None


def read(
    q: Query, ctx: Context, decks: list[DeckRow], now: datetime, usage: dict[int, Usage]
) -> list[DeckLists]:
    """The session's lists, read from the database (three queries per deck)."""
    day_end = ctx.day_end(now)
    out = []
    for deck in decks:
        done = usage[deck.id]
        reviews_left = max(0, deck.review_limit - done.reviews_done)
        new_left = max(0, deck.new_limit - done.new_done)
        out.append(
            DeckLists(
                deck.id,
                store.learning_due(q, deck.id, now, day_end),
                store.ids(q, "review", deck.id, now, now, day_end, reviews_left),
                store.ids(q, "new", deck.id, now, now, day_end, new_left),
            )
        )
    return out


@dataclass
class SessionQueue:
    """The lists of the session's decks and the marks they were true at."""

    key: tuple[datetime, int | None] | None = None
    """(start of the study day, the session's deck: None for every deck)."""
    mark: tuple[int, int] | None = None
    """(this service's write count, SQLite's data version) when the lists were last true."""
    decks: list[DeckLists] = field(default_factory=list)

    def valid(self, ctx: Context, key: tuple[datetime, int | None], version: int) -> bool:
        return self.key == key and self.mark == (ctx.writes, version)

    def keep(
        self, ctx: Context, key: tuple[datetime, int | None], version: int,
        decks: list[DeckLists],
    ) -> None:  # fmt: skip
        self.key, self.mark, self.decks = key, (ctx.writes, version), decks

    def drop(self) -> None:
        self.key = self.mark = None
        self.decks = []

    def first(self, now: datetime) -> int | None:
        """The card to show now: learning cards, then reviews, then new cards, deck by deck
        within each part (as ``ReviewsPart._build`` joins the decks)."""
        for deck in self.decks:
            card = deck.learning_first(now)
            if card is not None:
                return card
        for deck in self.decks:
            if deck.reviews:
                return deck.reviews[0]
        for deck in self.decks:
            if deck.new:
                return deck.new[0]
        return None

    def counts(self) -> Counts:
        return Counts(
            new=sum(len(d.new) for d in self.decks),
            learning=sum(len(d.learning) for d in self.decks),
            review=sum(len(d.reviews) for d in self.decks),
        )

    def answered(
        self, ctx: Context, version: int, card_id: int, deck_id: int, before: int,
        moved: bool, back: datetime | None,
    ) -> None:  # fmt: skip
        """Move the card this service just answered, in its current write transaction.

        ``before``: its state before; ``moved``: the answer rescheduled it (a quiz answer
        does not); ``back``: its due time when it comes back later today as a learning card
        (None: not today, or suspended as a leech). Drops the lists when they were stale or
        the card isn't where its state says.
        """
        if self.key is None:
            return
        if self.mark != (ctx.writes - 1, version):
            self.drop()
            return
        if moved:
            lists = next((d for d in self.decks if d.deck_id == deck_id), None)
            if lists is None or not _take(lists, card_id, before):
                self.drop()
                return
            if back is not None:
                bisect.insort(lists.learning, (back, card_id))
        self.mark = (ctx.writes, version)


def _take(lists: DeckLists, card_id: int, state: int) -> bool:
    """Take the answered card out of its part; False when it was not there."""
    if state == NEW:
        part = lists.new
    elif state == REVIEW:
        part = lists.reviews
    else:
        for index, (_due, card) in enumerate(lists.learning):
            if card == card_id:
                del lists.learning[index]
                return True
        return False
    if card_id not in part:
        return False
    part.remove(card_id)
    return True
