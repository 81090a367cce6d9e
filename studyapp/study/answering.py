"""Recording an answer (FSRS, leech check, exam cap, review log) and taking it back.

``record`` runs inside the caller's write transaction on the hot path (see :mod:`fastpath`);
``take_back`` restores a card from the "before" half of its log row and deletes that row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from studyapp.study import fastpath, scheduling
from studyapp.study.clock import aware, to_db
from studyapp.study.errors import StudyError
from studyapp.study.scheduling import REVIEW
from studyapp.study.views import AnswerResult, Rating, ReviewKind

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from studyapp.store.schema import Card

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}
LEECH_TAG = "leech"


def record(
    conn: Connection | sqlite3.Connection,
    card_id: int,
    rating: Rating,
    duration_ms: int,
    now: datetime,
    kind: ReviewKind,
    *,
    fuzz: bool,
    global_parameters: Callable[[], tuple[float, ...] | None],
    exam_cap: Callable[[date | None, datetime], datetime | None],
) -> AnswerResult:
    """Schedule (``kind="review"``) or only log (quiz, prediction) one answer."""
    row = fastpath.load_for_answer(conn, card_id)
    if row is None:
        raise StudyError(f"no card with id {card_id}")
    before = scheduling.CardState(
        row.state, row.step, row.stability, row.difficulty, row.due, row.last_review
    )
    log: dict[str, Any] = {
        "card_id": card_id,
        "reviewed_at": now,
        "rating": int(rating),
        "duration_ms": max(0, int(duration_ms)),
        "kind": kind,
        **prefixed(before, "before"),
        **prefixed(before, "after"),
    }
    if kind != "review":
        review_id = fastpath.insert_log(conn, log)
        state = STATE_NAMES[row.state]
        return AnswerResult(card_id, review_id, rating, kind, state, aware(row.due), None)  # type: ignore[arg-type]

    params = (
        scheduling.params_tuple(row.fsrs_parameters) if row.fsrs_parameters else global_parameters()
    )
    sched = scheduling.scheduler(row.desired_retention, params, fuzz)
    after = scheduling.review(sched, card_id, before, int(rating), now, duration_ms)
    cap = exam_cap(row.exam_date, now)
    capped = bool(
        cap is not None
        and after.state == REVIEW
        and after.due is not None
        and after.due > cap > now
    )
    if capped:
        after = replace(after, due=cap)
    tags = list(row.tags or [])
    log["undo"] = {
        "reps": row.reps,
        "lapses": row.lapses,
        "suspended": row.suspended,
        "tags": tags,
        "buried_until": row.buried_until.isoformat() if row.buried_until else None,
    }
    log.update(prefixed(after, "after"))
    changes: dict[str, Any] = {
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
        "reps": row.reps + 1,
        "lapses": row.lapses,
        "tags": tags,
        "suspended": row.suspended,
    }
    leech = False
    if before.state == REVIEW and rating == Rating.AGAIN:
        changes["lapses"] = row.lapses + 1
        if is_leech(row.lapses + 1, row.leech_threshold):
            changes["tags"] = [*(t for t in tags if t != LEECH_TAG), LEECH_TAG]
            changes["suspended"] = True
            leech = True
    fastpath.update_card(conn, card_id, changes)
    review_id = fastpath.insert_log(conn, log)
    due = aware(after.due)
    return AnswerResult(
        card_id=card_id,
        review_id=review_id,
        rating=rating,
        kind=kind,
        state=STATE_NAMES[after.state],  # type: ignore[arg-type]
        due=due,
        interval=(due - now) if due else None,
        leech=leech,
        capped_by_exam=capped,
    )


def take_back(session: Session, log_id: int) -> Card | None:
    """Undo review ``log_id``: the card as it was before (None if the log row is gone).

    Refuses (StudyError) when the card was answered again after it, e.g. by another process.
    """
    from sqlmodel import col, select

    from studyapp.store.schema import Card, ReviewLog

    log = session.get(ReviewLog, log_id)
    if log is None:
        return None
    later = session.exec(
        select(col(ReviewLog.id)).where(
            col(ReviewLog.card_id) == log.card_id,
            col(ReviewLog.kind) == "review",
            col(ReviewLog.id) > log_id,
        )
    ).first()
    if later is not None:
        raise StudyError("can't undo: the card was answered again since (elsewhere?)")
    card = session.get(Card, log.card_id)
    if card is None:
        return None
    set_state(
        card,
        scheduling.CardState(
            log.state_before,
            log.step_before,
            log.stability_before,
            log.difficulty_before,
            log.due_before,
            log.last_review_before,
        ),
    )
    extra = log.undo or {}
    card.reps = int(extra.get("reps", max(0, card.reps - 1)))
    card.lapses = int(extra.get("lapses", card.lapses))
    card.suspended = bool(extra.get("suspended", card.suspended))
    card.tags = list(extra.get("tags", card.tags or []))
    buried = extra.get("buried_until")
    card.buried_until = datetime.fromisoformat(buried) if buried else None
    session.delete(log)
    session.flush()
    return card


def set_state(card: Card, s: scheduling.CardState) -> None:
    card.state = s.state
    card.step = s.step
    card.stability = s.stability
    card.difficulty = s.difficulty
    card.due = to_db(s.due) if s.due is not None else None
    card.last_review = to_db(s.last_review) if s.last_review is not None else None


def prefixed(s: scheduling.CardState, suffix: str) -> dict[str, Any]:
    """The review log's ``*_before`` or ``*_after`` columns for a card state."""
    out: dict[str, Any] = {
        f"state_{suffix}": s.state,
        f"step_{suffix}": s.step,
        f"stability_{suffix}": s.stability,
        f"difficulty_{suffix}": s.difficulty,
        f"due_{suffix}": to_db(s.due) if s.due is not None else None,
    }
    if suffix == "before":
        out["last_review_before"] = to_db(s.last_review) if s.last_review else None
    return out


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at ``threshold`` lapses, then again every half threshold."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0
