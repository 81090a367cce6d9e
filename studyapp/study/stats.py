"""The numbers behind the stats screen and ``studyapp stats``."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from studyapp.study.clock import aware, day_start, study_day, to_db
from studyapp.study.scheduling import LEARNING, RELEARNING, REVIEW
from studyapp.study.views import Stats

if TYPE_CHECKING:
    from sqlmodel import Session


def compute(
    session: Session,
    now: datetime,
    tz: tzinfo | None,
    deck_id: int | None,
    days: int,
    forecast_days: int,
) -> Stats:
    from sqlalchemy import case, func, or_
    from sqlmodel import col, select

    from studyapp.store.schema import Card, Deck, ReviewLog

    today = study_day(now, tz)
    since = to_db(day_start(today - timedelta(days=max(0, days - 1)), tz))
    in_deck = [col(Card.deck_id) == deck_id] if deck_id is not None else []
    reviews = (
        select(col(ReviewLog.rating), func.count(col(ReviewLog.id)))
        .join(Card, col(Card.id) == col(ReviewLog.card_id))  # type: ignore[arg-type]
        .where(col(ReviewLog.kind) == "review", *in_deck)
        .group_by(col(ReviewLog.rating))
    )
    buttons = {rating: 0 for rating in (1, 2, 3, 4)}
    for rating, count in session.exec(reviews).all():
        buttons[int(rating)] = int(count)

    stamps = session.exec(
        select(col(ReviewLog.reviewed_at))
        .join(Card, col(Card.id) == col(ReviewLog.card_id))  # type: ignore[arg-type]
        .where(col(ReviewLog.kind) == "review", col(ReviewLog.reviewed_at) >= since, *in_deck)
    ).all()
    per_day = Counter(study_day(aware(t), tz) for t in stamps)  # type: ignore[arg-type]

    retention_row = session.exec(
        select(
            func.count(col(ReviewLog.id)),
            func.coalesce(func.sum(case((col(ReviewLog.rating) > 1, 1), else_=0)), 0),
        )
        .join(Card, col(Card.id) == col(ReviewLog.card_id))  # type: ignore[arg-type]
        .where(col(ReviewLog.kind) == "review", col(ReviewLog.state_before) == REVIEW, *in_deck)
    ).one()
    judged, recalled = int(retention_row[0]), int(retention_row[1])

    alive = [col(Card.removed) == False, col(Card.suspended) == False, *in_deck]  # noqa: E712
    horizon = to_db(day_start(today + timedelta(days=forecast_days), tz))
    forecast = [0] * forecast_days
    dues = session.exec(
        select(col(Card.due)).where(
            *alive,
            col(Card.state).in_((LEARNING, REVIEW, RELEARNING)),  # type: ignore[attr-defined]
            col(Card.due) < horizon,  # type: ignore[operator]
        )
    ).all()
    for due in dues:
        offset = max(0, (study_day(aware(due), tz) - today).days)  # type: ignore[arg-type]
        if offset < forecast_days:
            forecast[offset] += 1

    not_buried = or_(col(Card.buried_until) == None, col(Card.buried_until) <= to_db(now))  # noqa: E711
    day_end = to_db(day_start(today + timedelta(days=1), tz))
    due_rows = session.exec(
        select(col(Deck.name), func.count(col(Card.id)))
        .join(Card, col(Card.deck_id) == col(Deck.id))  # type: ignore[arg-type]
        .where(
            *alive,
            not_buried,
            or_(
                (col(Card.state) == REVIEW) & (col(Card.due) < day_end),  # type: ignore[operator]
                col(Card.state).in_((LEARNING, RELEARNING)) & (col(Card.due) <= to_db(now)),  # type: ignore[attr-defined,operator]
            ),
        )
        .group_by(col(Deck.name))
    ).all()
    deck_rows = session.exec(
        select(col(Deck.name), col(Deck.desired_retention), func.count(col(Card.id)))
        .join(Card, col(Card.deck_id) == col(Deck.id), isouter=True)  # type: ignore[arg-type]
        .where(or_(col(Card.id) == None, col(Card.removed) == False))  # noqa: E711,E712
        .where(*([col(Deck.id) == deck_id] if deck_id is not None else []))
        .group_by(col(Deck.id), col(Deck.name), col(Deck.desired_retention))
    ).all()
    cards_total = sum(int(count) for _n, _r, count in deck_rows)
    weights = sum(max(1, int(count)) for _n, _r, count in deck_rows)
    desired = (
        sum(r * max(1, int(count)) for _n, r, count in deck_rows) / weights if weights else 0.9
    )
    due_per_deck = {name: 0 for name, _r, _c in deck_rows}
    due_per_deck.update({name: int(count) for name, count in due_rows})
    return Stats(
        reviews_total=sum(buttons.values()),
        reviews_today=per_day.get(today, 0),
        per_day=dict(sorted(per_day.items())),
        forecast=forecast,
        true_retention=recalled / judged if judged else None,
        desired_retention=desired,
        button_counts=buttons,
        due_per_deck=due_per_deck,
        cards_total=cards_total,
        today=today,
    )
