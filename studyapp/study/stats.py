"""``service.stats``: the numbers behind the stats screen and ``studyapp stats``."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from studyapp.store import stats as store
from studyapp.study.views import Stats

if TYPE_CHECKING:
    from studyapp.study.context import Context


class StatsPart:
    """``service.stats``: review counts per day, forecast, retention, buttons."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __call__(
        self, now: datetime | None = None, deck_id: int | None = None, **options: int
    ) -> Stats:
        """``service.stats()``: the same as :meth:`compute`."""
        return self.compute(now, deck_id, **options)

    def compute(
        self,
        now: datetime | None = None,
        deck_id: int | None = None,
        *,
        days: int = 365,
        forecast_days: int = 30,
    ) -> Stats:
        """Review counts per day, due forecast, true vs desired retention, button counts."""
        ctx = self.ctx
        now = ctx.now(now)
        today = ctx.today(now)
        since = ctx.day_start(today - timedelta(days=max(0, days - 1)))
        horizon = ctx.day_start(today + timedelta(days=forecast_days))
        with ctx.read() as q:
            buttons = store.button_counts(q, deck_id)
            stamps = store.answer_times(q, deck_id, since)
            judged, recalled = store.retention(q, deck_id)
            dues = store.due_dates(q, deck_id, horizon)
            sizes = store.deck_sizes(q, deck_id)
        per_day = Counter(ctx.today(t) for t in stamps)
        forecast = [0] * forecast_days
        for due in dues:
            offset = max(0, (ctx.today(due) - today).days)
            if offset < forecast_days:
                forecast[offset] += 1
        weights = sum(max(1, n) for _name, _r, n in sizes)
        desired = sum(r * max(1, n) for _name, r, n in sizes) / weights if weights else 0.9
        return Stats(
            reviews_total=sum(buttons.values()),
            reviews_today=per_day.get(today, 0),
            per_day=dict(sorted(per_day.items())),
            forecast=forecast,
            true_retention=recalled / judged if judged else None,
            desired_retention=desired,
            button_counts=buttons,
            cards_total=sum(n for _name, _r, n in sizes),
            today=today,
        )
