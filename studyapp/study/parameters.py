"""``service.fsrs``: a deck's scheduler for the service's parts (by the rule in
:func:`studyapp.study.fsrs.deck_scheduler`), the collection's parameters, and optimising them
from the review log (torch loads only inside :meth:`FsrsPart.optimize`)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from studyapp.store import decks as store_decks
from studyapp.store import reviews as store_reviews
from studyapp.study import fsrs
from studyapp.study.clock import DAY_START_HOUR, StudyDays
from studyapp.study.errors import StudyError
from studyapp.study.views import OptimizeReport

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context

MIN_OPTIMIZE_REVIEWS = 512
"""Fewer review answers than this (FSRS's own mini-batch size) can't fit parameters."""


class FsrsPart:
    """``service.fsrs``: a deck's parameters and scheduler; ``optimize``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.days = StudyDays(DAY_START_HOUR, ctx.tz)
        """The app's study days: elapsed days of live answers are counted in these."""

    def deck(self, q: Query, deck_id: int) -> DeckRow:
        """A deck row, kept between calls while no deck was written: not by this process
        (``store.decks.generation``) nor by another connection (SQLite's data version; on
        PostgreSQL it is read once per transaction). StudyError when there is no such deck."""
        ctx = self.ctx
        version = q.data_version()
        mark = None if version is None else (store_decks.generation(), version)
        if mark is None or mark != ctx.decks_mark:
            ctx.decks.clear()
            ctx.decks_mark = mark
        deck = ctx.decks.get(deck_id)
        if deck is None:
            deck = store_decks.get(q, deck_id)
            if deck is None:
                raise StudyError(f"no deck with id {deck_id}")
            if mark is not None:
                ctx.decks[deck_id] = deck
        return deck

    def collection_parameters(self, q: Query) -> tuple[float, ...] | None:
        """The collection-wide optimised parameters (cached; None: FSRS defaults)."""
        ctx = self.ctx
        if not ctx.global_params_loaded:
            value = store_decks.meta(q, store_decks.GLOBAL_PARAMS_KEY)
            values = json.loads(value) if value else None
            ctx.global_params = tuple(float(v) for v in values) if values else None
            ctx.global_params_loaded = True
        return ctx.global_params

    def parameters(self, q: Query, deck: DeckRow) -> tuple[float, ...] | None:
        """The deck's parameters (None: FSRS defaults), by :func:`fsrs.deck_parameters`."""
        return fsrs.deck_parameters(deck, self.collection_parameters(q))

    def scheduler(
        self, q: Query, deck: DeckRow | None, fuzz: bool | None = None,
        days: StudyDays | None = None,
    ) -> fsrs.Scheduler:  # fmt: skip
        """The deck's scheduler (:func:`fsrs.deck_scheduler`; None: the collection's): review,
        preview, exam, import replay and optimisation all ask here. ``days``: an imported
        collection's rollover (else the app's study days)."""
        return fsrs.deck_scheduler(
            deck, self.collection_parameters(q), fuzz=self.ctx.fuzz if fuzz is None else fuzz,
            days=days or self.days,
        )  # fmt: skip

    def optimize(self, deck_id: int | None = None, *, apply: bool = True) -> OptimizeReport:
        """Fit FSRS parameters to the review log and report log loss before and after.

        Refused with a clear reason when the log is too small. With ``deck_id`` the
        parameters apply to that deck only, otherwise to every deck without its own.
        """
        from studyapp.study import optimize as fitting

        with self.ctx.read() as q:
            deck = None
            if deck_id is not None:
                deck = store_decks.get(q, deck_id)
                if deck is None:
                    raise StudyError(f"no deck with id {deck_id}")
            current = self.scheduler(q, deck, fuzz=False)
            history: dict[int, list[tuple[Any, int, int]]] = {}
            for card_id, when, rating, duration in store_reviews.history(q, deck_id):
                history.setdefault(card_id, []).append((when, rating, duration))
        report = fitting.fit(history, current, deck_id, MIN_OPTIMIZE_REVIEWS)
        if apply and report.applied and report.parameters is not None:
            self.store(deck_id, list(report.parameters))
        elif not apply and report.applied:
            report = replace(report, applied=False, reason=report.reason + " (not applied)")
        return report

    def store(self, deck_id: int | None, params: list[float] | None) -> None:
        """Keep ``params`` for one deck, or (``deck_id`` None) for the whole collection."""
        with self.ctx.write() as q:
            if deck_id is not None:
                if not store_decks.set_parameters(q, deck_id, params):
                    raise StudyError(f"no deck with id {deck_id}")
            else:
                store_decks.set_meta(q, store_decks.GLOBAL_PARAMS_KEY, json.dumps(params))
        self.ctx.global_params_loaded = False
