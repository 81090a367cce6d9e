"""Recording an answer (FSRS kept before an exam, leech check, review log) and taking it back.

Both run inside the caller's write transaction: ``record`` reads the card, writes the card's
new schedule and one log row; ``take_back`` restores the card from the "before" half of its
log row (and the log's ``undo`` extras) and deletes that row.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyapp.store import cards as store_cards
from studyapp.store import reviews as store_reviews
from studyapp.store.rows import REVIEW, STATE_NAMES, LogRow
from studyapp.study import exam as exam_mode
from studyapp.study.clock import aware
from studyapp.study.errors import StudyError
from studyapp.study.fsrs import CardState, fuzz_seed
from studyapp.study.views import AnswerResult, Rating, ReviewKind

if TYPE_CHECKING:
    from studyapp.store.rows import CardRow, DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.exam import ExamWindow, Loads
    from studyapp.study.fsrs import Scheduler

LEECH_TAG = "leech"


def state_of(card: CardRow) -> CardState:
    return CardState(
        card.state, card.step, card.stability, card.difficulty, card.due, card.last_review
    )


def record(
    q: Query,
    card: CardRow,
    deck: DeckRow,
    sched: Scheduler,
    rating: Rating,
    duration_ms: int,
    now: datetime,
    kind: ReviewKind,
    exam: ExamWindow | None = None,
    loads: Loads = dict,
) -> AnswerResult:
    """Schedule (``kind="review"``) or only log (quiz, prediction) one answer of ``card``;
    in exam mode (``exam``) the next review is kept before the exam by
    :func:`studyapp.study.exam.answer`, the rule the buttons' labels show."""
    before = state_of(card)
    if kind != "review":
        review_id = store_reviews.add_log(
            q, log_row(card.id, now, rating, duration_ms, kind, before, before, None)
        )
        state = STATE_NAMES[card.state]
        return AnswerResult(card.id, review_id, rating, kind, state, aware(card.due), None)  # type: ignore[arg-type]

    seed = fuzz_seed(card.id, card.reps)
    after, kept = exam_mode.answer(sched, before, int(rating), now, seed, exam, loads)
    undo = {
        "reps": card.reps,
        "lapses": card.lapses,
        "suspended": card.suspended,
        "tags": list(card.tags),
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
    }
    new = scheduled(card, after)._replace(reps=card.reps + 1)
    leech = False
    if before.state == REVIEW and rating == Rating.AGAIN:
        new = new._replace(lapses=card.lapses + 1)
        if is_leech(card.lapses + 1, deck.leech_threshold):
            tags = (*(t for t in card.tags if t != LEECH_TAG), LEECH_TAG)
            new = new._replace(tags=tags, suspended=True)
            leech = True
    store_cards.save(q, card, new)
    review_id = store_reviews.add_log(
        q, log_row(card.id, now, rating, duration_ms, kind, before, after, undo)
    )
    due = aware(after.due)
    return AnswerResult(
        card_id=card.id,
        review_id=review_id,
        rating=rating,
        kind=kind,
        state=STATE_NAMES[after.state],  # type: ignore[arg-type]
        due=due,
        interval=(due - now) if due else None,
        leech=leech,
        capped_by_exam=bool(kept),
        exam_note=exam_mode.note(kept, due, exam),
    )


def scheduled(card: CardRow, s: CardState) -> CardRow:
    """``card`` with the schedule ``s`` (only what differs is written: SQLite rewrites an
    index entry for every indexed column an UPDATE sets)."""
    return card._replace(
        state=s.state,
        step=s.step,
        stability=s.stability,
        difficulty=s.difficulty,
        due=aware(s.due),
        last_review=aware(s.last_review),
    )


def log_row(
    card_id: int, now: datetime, rating: int, duration_ms: int, kind: ReviewKind,
    before: CardState, after: CardState, undo: dict[str, Any] | None,
) -> LogRow:  # fmt: skip
    """A review log row: the answer, the card's state before and after, undo extras."""
    return LogRow(
        id=0,
        card_id=card_id,
        reviewed_at=now,
        rating=int(rating),
        duration_ms=max(0, int(duration_ms)),
        kind=kind,
        state_before=before.state,
        step_before=before.step,
        stability_before=before.stability,
        difficulty_before=before.difficulty,
        due_before=aware(before.due),
        last_review_before=aware(before.last_review),
        state_after=after.state,
        step_after=after.step,
        stability_after=after.stability,
        difficulty_after=after.difficulty,
        due_after=aware(after.due),
        undo=undo,
    )


def take_back(q: Query, log_id: int) -> int | None:
    """Undo review ``log_id``; returns the card's id (None if the log row is gone).

    Refuses (StudyError) when the card was answered again after it, e.g. by another process
    (the card is locked first, so an answer committing meanwhile is seen).
    """
    log = store_reviews.log(q, log_id)
    if log is None:
        return None
    card = store_cards.locked(q, log.card_id)  # an answer racing this undo waits, or won
    if card is None or store_reviews.log(q, log_id) is None:
        return None
    if store_reviews.answered_after(q, log.card_id, log_id):
        raise StudyError("can't undo: the card was answered again since (elsewhere?)")
    extra = log.undo or {}
    buried = extra.get("buried_until")
    before = CardState(
        log.state_before, log.step_before, log.stability_before, log.difficulty_before,
        log.due_before, log.last_review_before,
    )  # fmt: skip
    restored = scheduled(card, before)._replace(
        reps=int(extra.get("reps", max(0, card.reps - 1))),
        lapses=int(extra.get("lapses", card.lapses)),
        suspended=bool(extra.get("suspended", card.suspended)),
        tags=tuple(extra.get("tags", card.tags)),
        buried_until=datetime.fromisoformat(buried) if buried else None,
    )
    store_cards.save(q, card, restored)
    store_reviews.delete_log(q, log_id)
    return card.id


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at ``threshold`` lapses, then again every half threshold."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0
