"""FSRS parameter optimisation from the review log (``fsrs[optimizer]``; torch loads here only).

The log loss reported before and after is computed by replaying every card's reviews through
``fsrs.Scheduler`` (public API): at each review at least a day after the previous one, the
predicted recall is compared with what happened (Again = forgotten).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from studyapp.study.views import OptimizeReport

History = dict[int, list[tuple[datetime, int, int]]]
"""card id -> [(reviewed_at aware UTC, rating, duration_ms)] in time order."""


def log_loss(history: History, parameters: Sequence[float] | None) -> tuple[float, int]:
    """Mean binary log loss of FSRS's predicted recall, and how many reviews it scored."""
    from fsrs import Card, Rating, Scheduler
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from studyapp.study.scheduling import LEARNING_STEPS, RELEARNING_STEPS

    sched = Scheduler(
        parameters=DEFAULT_PARAMETERS if parameters is None else tuple(parameters),
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=False,
    )
    total, scored = 0.0, 0
    for card_id, reviews in history.items():
        card = Card(card_id=card_id, due=reviews[0][0])
        for when, rating, _duration in reviews:
            if card.last_review is not None and (when - card.last_review).days >= 1:
                p = min(max(sched.get_card_retrievability(card, when), 1e-6), 1 - 1e-6)
                recalled = rating > 1
                total -= math.log(p) if recalled else math.log(1 - p)
                scored += 1
            card, _log = sched.review_card(card, Rating(rating), when)
    return (total / scored if scored else math.nan), scored


def fit(
    history: History,
    current: Sequence[float] | None,
    deck_id: int | None,
    min_reviews: int,
) -> OptimizeReport:
    """Fit parameters to ``history``; refuse (applied=False, reason) when it is too small."""
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
    after, _ = log_loss(history, parameters)
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
