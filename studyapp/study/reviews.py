"""``service.reviews``: a review session, one call per key press.

``start(deck_id)`` opens a session on a deck (None: every deck) and returns the first
:class:`QueuedCard` (card, counts, the four intervals); ``answer`` commits the answer and
returns it with the next card; ``bury``/``suspend``/``flag``/``edit`` do the same. Each of
them pushes onto the session's undo stack, so ``undo`` takes back the last of them, in order,
says what it undid, and never reaches outside the session (a new ``start`` clears the stack).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from studyapp.store import cards as store_cards
from studyapp.store import decks as store_decks
from studyapp.store.rows import REVIEW
from studyapp.study import answering, exam, queue, session_queue
from studyapp.study.errors import StudyError
from studyapp.study.fsrs import fuzz_seed
from studyapp.study.views import (
    AnswerOutcome,
    AnswerResult,
    Counts,
    ExamKept,
    QueuedCard,
    Rating,
    ReviewKind,
    UndoKind,
    Undone,
)

if TYPE_CHECKING:
    from studyapp.store.rows import CardRow, DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.cards import CardsPart
    from studyapp.study.context import Context
    from studyapp.study.parameters import FsrsPart


class _Step(NamedTuple):
    """One undoable step: an answer (its log row), or a change (the card before and after)."""

    kind: UndoKind
    card_id: int
    review_id: int | None = None
    change: tuple[CardRow, CardRow] | None = None


class ReviewsPart:
    """``service.reviews``: the review session, its queue, answers and undo stack."""

    def __init__(self, ctx: Context, fsrs: FsrsPart, cards: CardsPart) -> None:
        self.ctx = ctx
        self.fsrs = fsrs
        self.cards = cards
        self.deck_id: int | None = None
        self._undo: list[_Step] = []
        self._usage = queue.UsageCache()
        self._queue = session_queue.SessionQueue()
        self._ahead = False
        """The student asked to review ahead (exam mode): kept until the next ``start``."""

    # -- the session -----------------------------------------------------------------------

    def start(self, deck_id: int | None = None, now: datetime | None = None) -> QueuedCard | None:
        """Open a session on ``deck_id`` (every deck for None): its first card, or None."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            if deck_id is not None:
                self._deck(q, deck_id)
            self.deck_id = deck_id
            self._ahead = False
            self._undo.clear()
            self._queue.drop()
            return self._next(q, now)

    def peek(self, deck_id: int | None, now: datetime | None = None) -> QueuedCard | None:
        """The first card of ``deck_id`` (every deck for None), leaving the session alone."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            if deck_id is not None:
                self._deck(q, deck_id)
            return self._next(q, now, deck_id)

    def next(self, now: datetime | None = None) -> QueuedCard | None:
        """The session's card to show now (None when done for today)."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self._next(q, now)

    def answer(
        self, card_id: int, rating: Rating | int, duration_ms: int = 0, now: datetime | None = None
    ) -> AnswerOutcome:
        """Record a review answer and draw the next card, in one transaction (committed
        before this returns)."""
        now = self.ctx.now(now)
        rating = _rating(rating)
        with self.ctx.write() as q:
            result = self._record(q, card_id, rating, duration_ms, now, "review")
            following = self._next(q, now)
        self._undo.append(_Step("answer", card_id, review_id=result.review_id))
        return AnswerOutcome(result, following)

    def record(
        self,
        card_id: int,
        rating: Rating | int,
        duration_ms: int = 0,
        now: datetime | None = None,
        kind: ReviewKind = "review",
    ) -> AnswerResult:
        """Record an answer; committed to the database before this returns.

        ``kind="review"`` schedules the card with FSRS (leech check: tag ``leech`` and
        suspend after the lapse threshold) and can be undone; ``"quiz"`` and
        ``"prediction"`` are only logged and never change the schedule.
        """
        rating = _rating(rating)
        if kind not in ("review", "quiz", "prediction"):
            raise StudyError(f"answer kind must be review, quiz or prediction, got {kind!r}")
        now = self.ctx.now(now)
        with self.ctx.write() as q:
            result = self._record(q, card_id, rating, duration_ms, now, kind)
        if kind == "review":
            self._undo.append(_Step("answer", card_id, review_id=result.review_id))
        return result

    def _record(
        self, q: Query, card_id: int, rating: Rating, duration_ms: int, now: datetime,
        kind: ReviewKind,
    ) -> AnswerResult:  # fmt: skip
        card = store_cards.locked(q, card_id)  # two students answering it at once
        if card is None:
            raise StudyError(f"no card with id {card_id}")
        deck = self._deck(q, card.deck_id)
        sched = self.fsrs.scheduler(q, deck)
        window = exam.window(deck, self.fsrs.days)
        loads = exam.loads_of(q, deck.id, window, now, card.id)
        result = answering.record(
            q, card, deck, sched, rating, duration_ms, now, kind, window, loads
        )
        self._usage.answered(q, self.ctx, card, now, kind == "review")
        version = q.data_version()
        if version is not None:
            comes_back = (
                kind == "review"
                and result.state in ("learning", "relearning")
                and not result.leech
                and result.due is not None
                and result.due <= self.ctx.day_end(now)
            )
            back = result.due if comes_back else None
            self._queue.answered(
                self.ctx, version, card.id, card.deck_id, card.state, kind == "review", back
            )
        return result

    def bury(self, card_id: int, now: datetime | None = None) -> QueuedCard | None:
        """Hide the card until the next study day; the next card."""
        now = self.ctx.now(now)
        until = self.ctx.day_end(now)
        return self._change("bury", card_id, now, lambda card: card._replace(buried_until=until))

    def suspend(self, card_id: int, now: datetime | None = None) -> QueuedCard | None:
        """Take the card out of reviews until unsuspended; the next card."""
        now = self.ctx.now(now)
        return self._change("suspend", card_id, now, lambda card: card._replace(suspended=True))

    def flag(
        self, card_id: int, flag: str, on: bool = True, now: datetime | None = None
    ) -> QueuedCard:
        """Add (or remove) a flag; the same card, queued again with its new flags."""
        change = self.cards.change(card_id, lambda card: self.cards.flagged(card, flag, on))
        self._undo.append(_Step("flag", card_id, change=change))
        return self.queued(card_id, now)

    def edit(self, card_id: int, front: str, back: str, now: datetime | None = None) -> QueuedCard:
        """Change the card's text (see ``CardsPart.edit``); the same card, queued again."""
        change = self.cards.change(card_id, lambda card: self.cards.edited(card, front, back))
        self._undo.append(_Step("edit", card_id, change=change))
        return self.queued(card_id, now)

    def undo_depth(self) -> int:
        """How many steps of this session ``undo()`` can still take back."""
        return len(self._undo)

    def undo(self, now: datetime | None = None) -> Undone | None:
        """Take back the session's last answer, bury, suspend, flag or edit (None: nothing).

        An answer's card gets its schedule, tags and suspension back and its log row goes;
        a change gets the columns it replaced back. The card is queued to show again.
        """
        if not self._undo:
            return None
        now = self.ctx.now(now)
        step = self._undo[-1]
        with self.ctx.write() as q:
            if step.review_id is not None:
                answering.take_back(q, step.review_id)
            elif step.change is not None:
                store_cards.revert(q, *step.change)
        self._undo.pop()
        with self.ctx.read() as q:
            record = self.cards.record(q, step.card_id)
            view = self.cards.view(q, record, now)
            return Undone(step.kind, view, view.deck_name, self._queued(q, record, now))

    # -- building what the screen shows ----------------------------------------------------

    def queued(self, card_id: int, now: datetime | None = None) -> QueuedCard:
        """``card_id`` with the session's counts and its intervals (what the screen shows)."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self._queued(q, self.cards.record(q, card_id), now)

    def preview(self, card_id: int, now: datetime | None = None) -> dict[Rating, timedelta]:
        """The interval each button gives (fuzz included: the answer gives exactly this)."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            card = self.cards.record(q, card_id)
            return self._intervals(q, card, self._deck(q, card.deck_id), now)

    def counts(self, deck_id: int | None, now: datetime | None = None) -> Counts:
        """Today's counts of a deck (every deck for None), as the review header shows them."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self._build(q, deck_id, now, limit=0, counts=True)[1]

    def queue(
        self, deck_id: int | None = None, now: datetime | None = None, limit: int | None = None
    ) -> list[int]:
        """Ids of the cards today's session would show, in order."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            ids = self._build(q, deck_id, now, limit)[0]
        return ids if limit is None else ids[:limit]

    def review_ahead(self, now: datetime | None = None) -> QueuedCard | None:
        """Exam mode, once the day's queue is done: go on with the cards due on later days
        before the exam, the soonest first (None: there are none)."""
        self._ahead = True
        return self.next(now)

    def ahead_count(self, deck_id: int | None, now: datetime | None = None) -> int:
        """How many cards :meth:`review_ahead` would offer ``deck_id`` (every deck for None)."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            decks = [self._deck(q, deck_id)] if deck_id is not None else store_decks.all_decks(q)
            return sum(
                len(exam.ahead(q, d.id, exam.window(d, self.fsrs.days), now, None)) for d in decks
            )

    def _deck(self, q: Query, deck_id: int) -> DeckRow:
        return self.fsrs.deck(q, deck_id)

    def _build(
        self, q: Query, deck_id: int | None, now: datetime, limit: int | None, counts: bool = False,
        ahead: bool = False,
    ) -> tuple[list[int], Counts]:  # fmt: skip
        decks = [self._deck(q, deck_id)] if deck_id is not None else store_decks.all_decks(q)
        if not decks:
            return [], Counts()
        usage = self._usage.get(q, self.ctx, [d.id for d in decks], now)
        parts = [
            queue.build(
                q, self.ctx, d, self.fsrs.scheduler(q, d), now, usage[d.id], limit, counts, ahead
            )
            for d in decks
        ]
        ids = [
            *(i for p in parts for i in p.learning),
            *(i for p in parts for i in p.reviews),
            *(i for p in parts for i in p.new),
        ]
        total = Counts()
        for part in parts:
            total = total.plus(part.counts)
        return ids, total

    def _session_queue(self, q: Query, now: datetime) -> session_queue.SessionQueue | None:
        """The session's queue kept in memory, read again when stale (None: not kept, in
        exam mode or without SQLite's data version)."""
        version = q.data_version()
        if version is None:
            return None
        key = (self.ctx.today_start(now), self.deck_id)
        if not self._queue.valid(self.ctx, key, version):
            decks = (
                [self._deck(q, self.deck_id)]
                if self.deck_id is not None
                else store_decks.all_decks(q)
            )
            if any(self._exam(d, now) is not None for d in decks):
                self._queue.drop()
                return None
            usage = self._usage.get(q, self.ctx, [d.id for d in decks], now)
            lists = session_queue.read(q, self.ctx, decks, now, usage)
            self._queue.keep(self.ctx, key, version, lists)
        return self._queue

    def _next(self, q: Query, now: datetime, deck_id: int | None = -1) -> QueuedCard | None:
        kept = self._session_queue(q, now) if deck_id == -1 else None
        if kept is not None:
            first, counts = kept.first(now), kept.counts()
            ids = [] if first is None else [first]
        else:
            session = deck_id == -1
            deck_id = self.deck_id if session else deck_id
            ahead = session and self._ahead
            ids, counts = self._build(q, deck_id, now, limit=1, counts=True, ahead=ahead)
        if not ids:
            return None
        return self._queued_card(q, self.cards.record(q, ids[0]), counts, now)

    def _queued(self, q: Query, card: CardRow, now: datetime) -> QueuedCard:
        counts = self._build(q, self.deck_id, now, limit=0, counts=True, ahead=self._ahead)[1]
        return self._queued_card(q, card, counts, now)

    def _queued_card(self, q: Query, card: CardRow, counts: Counts, now: datetime) -> QueuedCard:
        deck = self._deck(q, card.deck_id)
        intervals, kept = self._buttons(q, card, deck, now)
        window = self._exam(deck, now)
        early = (
            window is not None and card.due is not None and card.due >= window.cutoff(now)
            and card.state == REVIEW
        )  # fmt: skip
        return QueuedCard(self.cards.view(q, card, now), counts, intervals, kept, early)

    def _exam(self, deck: DeckRow, now: datetime) -> exam.ExamWindow | None:
        """The deck's exam window while exam mode is on (through exam day), else None."""
        window = exam.window(deck, self.fsrs.days)
        return window if window is not None and window.on(now) else None

    def _intervals(
        self, q: Query, card: CardRow, deck: DeckRow, now: datetime
    ) -> dict[Rating, timedelta]:
        return self._buttons(q, card, deck, now)[0]

    def _buttons(
        self, q: Query, card: CardRow, deck: DeckRow, now: datetime
    ) -> tuple[dict[Rating, timedelta], dict[Rating, ExamKept]]:
        """What each button gives (fuzz included), and which ones exam mode shortened: in
        exam mode, each rating through :func:`exam.answer`, the rule the answer applies."""
        sched = self.fsrs.scheduler(q, deck)
        state, seed = answering.state_of(card), fuzz_seed(card.id, card.reps)
        window = exam.window(deck, self.fsrs.days)
        if window is None or not window.ahead_of(now):
            return {Rating(r): i for r, i in sched.intervals(state, now, seed).items()}, {}
        loads = exam.loads_of(q, deck.id, window, now, card.id)
        intervals: dict[Rating, timedelta] = {}
        kept: dict[Rating, ExamKept] = {}
        for rating in Rating:
            after, how = exam.answer(sched, state, int(rating), now, seed, window, loads)
            assert after.due is not None
            intervals[rating] = after.due - now
            if how:
                kept[rating] = how
        return intervals, kept

    def _change(
        self, kind: UndoKind, card_id: int, now: datetime, change: Callable[[CardRow], CardRow]
    ) -> QueuedCard | None:
        done = self.cards.change(card_id, change)
        self._undo.append(_Step(kind, card_id, change=done))
        return self.next(now)


def _rating(rating: Rating | int) -> Rating:
    try:
        return Rating(int(rating))
    except ValueError:
        raise StudyError(f"rating must be 1-4 (Again, Hard, Good, Easy), got {rating}") from None
