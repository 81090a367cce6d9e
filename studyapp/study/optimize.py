"""FSRS parameter optimisation from the review log (``fsrs[optimizer]``; torch loads here only).

The log loss reported before and after is computed by replaying every card's answers through
the deck's :class:`~studyapp.study.fsrs.Scheduler` (the one that schedules its reviews, with
the parameters in question): at each answer a study day or more after the previous one (the
answers FSRS trains on), the predicted recall is compared with what happened (Again =
forgotten).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from studyapp.study.clock import utc_now
from studyapp.study.fsrs import micros
from studyapp.study.views import OptimizeReport

if TYPE_CHECKING:
    from studyapp.study.fsrs import Micros, Scheduler

History = dict[int, list[tuple[datetime, int, int]]]
"""card id -> [(reviewed_at aware UTC, rating, duration_ms)] in time order."""


def log_loss(history: History, scheduler: Scheduler) -> tuple[float, int]:
    """Mean binary log loss of FSRS's predicted recall, and how many answers it scored."""
    total, scored = 0.0, 0
    next_day = micros(scheduler.days.next_day_at(utc_now()))
    for reviews in history.values():
        card: Micros = (0, None, None, None, None, None)
        for when, rating, _duration in reviews:
            at = micros(when)
            elapsed = scheduler.elapsed_days(card[5], at, next_day)
            if elapsed >= 1 and card[2] is not None:
                p = min(max(scheduler.recall(card[2], elapsed), 1e-6), 1 - 1e-6)
                total -= math.log(p) if rating > 1 else math.log(1 - p)
                scored += 1
            card = scheduler.step(card, rating, at, elapsed, None)
    return (total / scored if scored else math.nan), scored


def fit(
    history: History, current: Scheduler, deck_id: int | None, min_reviews: int
) -> OptimizeReport:
    """Fit parameters to ``history``; refuse (applied=False, reason) when it is too small.
    ``current``: the deck's scheduler (the collection's for ``deck_id`` None)."""
    reviews = sum(len(v) for v in history.values())
    cards = len(history)
    where = f"deck {deck_id}" if deck_id is not None else "all decks"

    def refuse(reason: str, **extra: object) -> OptimizeReport:
        return OptimizeReport(deck_id, reviews, cards, False, reason, **extra)  # type: ignore[arg-type]

    if reviews < min_reviews:
        return refuse(
            f"not enough reviews to optimise ({where}): {reviews} in the log, FSRS needs at "
            f"least {min_reviews}; keep studying and try again"
        )
    before, scored = log_loss(history, current)
    if scored < min_reviews:
        return refuse(
            f"not enough reviews to optimise ({where}): {scored} of the {reviews} in the log "
            f"came a day or more after the card's previous review, FSRS needs at least "
            f"{min_reviews} of those; keep studying and try again"
        )
    try:
        from fsrs import Optimizer, Rating
        from fsrs import ReviewLog as FsrsReviewLog
    except ImportError as error:
        return refuse(f"optimisation needs torch: pip install 'fsrs[optimizer]' ({error})")
    logs = [
        FsrsReviewLog(card_id, Rating(rating), when, duration)
        for card_id, items in history.items()
        for when, rating, duration in items
    ]
    parameters = tuple(float(p) for p in Optimizer(logs).compute_optimal_parameters())
    after, _ = log_loss(history, current.with_parameters(parameters))
    if not after < before:
        return refuse(
            f"the fitted parameters predict no better (log loss {before:.4f} -> {after:.4f}); "
            "kept the current ones",
            loss_before=before,
            loss_after=after,
            parameters=parameters,
        )
    return OptimizeReport(
        deck_id,
        reviews,
        cards,
        True,
        f"fitted on {reviews} reviews of {cards} cards ({where}): "
        f"log loss {before:.4f} -> {after:.4f}",
        loss_before=before,
        loss_after=after,
        parameters=parameters,
    )
