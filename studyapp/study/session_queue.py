"""A review session's queue kept in memory between answers, instead of re-read per key press.

After a full read (:func:`read`), each deck of the session holds the first learning cards due
today (with their due times, :data:`LEARNING_HEAD` of them, and how many there are in all),
today's reviews within the daily limit and today's new cards within the daily limit, in queue
order. An answer given in this session moves one card: it leaves its part, and comes back as a
learning card when FSRS schedules it again today. The counts and the next card are then read
off the lists, exactly as :func:`studyapp.study.queue.build` would find them in the database
(``tests/study/test_session_queue.py`` compares the two answer by answer). Anything else
(another write by this service or another process, a new study day, exam mode, an answer this
queue can't place) drops the lists, and the next call reads them again.
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

LEARNING_HEAD = 64
"""Learning cards kept per deck: the session reads again when they run out."""

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context


@dataclass
class DeckLists:
    """One deck's part of the session queue."""

    deck_id: int
    learning: list[tuple[datetime, int]] = field(default_factory=list)
    """The first learning and relearning cards due by the end of the study day: ``(due, id)``,
    sorted; every card left out is due no earlier than the last one here."""
    learning_total: int = 0
    """How many learning cards are due by the end of the study day (the count shown)."""
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
    """The session's lists, read from the database (four queries per deck)."""
    day_end = ctx.day_end(now)
    out = []
    for deck in decks:
        done = usage[deck.id]
        reviews_left = max(0, deck.review_limit - done.reviews_done)
        new_left = max(0, deck.new_limit - done.new_done)
        out.append(
            DeckLists(
                deck.id,
                store.learning_due(q, deck.id, now, day_end, LEARNING_HEAD),
                store.count(q, "learning", deck.id, now, day_end, day_end),
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
            learning=sum(d.learning_total for d in self.decks),
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
            if back is not None and not _put_back(lists, back, card_id):
                self.drop()
                return
            if not lists.learning and lists.learning_total:
                self.drop()  # the head ran out: the cards left out are read next time
                return
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
                lists.learning_total -= 1
                return True
        return False
    if card_id not in part:
        return False
    part.remove(card_id)
    return True


def _put_back(lists: DeckLists, due: datetime, card_id: int) -> bool:
    """Count a learning card due again today; keep it in the head when it belongs there.
    False when that can't be known (the head ran out while cards are left out)."""
    left_out = lists.learning_total - len(lists.learning)
    lists.learning_total += 1
    if not left_out or (lists.learning and (due, card_id) < lists.learning[-1]):
        bisect.insort(lists.learning, (due, card_id))
        return True
    return bool(lists.learning)
