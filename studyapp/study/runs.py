"""``service.runs``: an experiment run's end (grade, store, log), and the stored runs.

:meth:`RunsPart.finish` is the one rule for a finished run: the student's prediction is
graded against what the run measured (``Result.grade``), the run is stored, and a graded
prediction made from a card is logged as a ``prediction`` review of it (Good when right,
Again when wrong; it never reschedules the card), all in one write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.base import json_safe
from studyapp.store import cards as store_cards
from studyapp.store import runs as store
from studyapp.store.rows import RunRow
from studyapp.study import answering
from studyapp.study.errors import StudyError
from studyapp.study.views import Rating, RunOutcome

if TYPE_CHECKING:
    from models.base import Result
    from studyapp.store.rows import CardRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context
    from studyapp.study.parameters import FsrsPart


class RunsPart:
    """``service.runs``: ``finish`` a run; ``save`` one as given; list, get one."""

    def __init__(self, ctx: Context, fsrs: FsrsPart) -> None:
        self.ctx = ctx
        self.fsrs = fsrs

    def finish(
        self,
        result: Result,
        card_id: int | None,
        choice: int | None,
        *,
        duration_ms: int = 0,
        now: datetime | None = None,
    ) -> RunOutcome:
        """Grade ``choice`` (the predicted answer's index, None: no prediction) against
        ``result``, store the run and, when graded and launched from ``card_id``, log the
        prediction as a review of that card: one transaction, committed before this returns.
        """
        now = self.ctx.now(now)
        correct = result.grade(choice)
        run = _row(
            result.experiment, result.params, result.seeds, result.device, result.status,
            result.verdict.passed, result.verdict.summary, result.metrics, result.history,
            card_id, choice, correct, now, result.verdict.plain,
        )  # fmt: skip
        with self.ctx.write() as q:
            card = self._card(q, card_id)
            run_id = store.add(q, run)
            review = None
            if card is not None and correct is not None:
                rating = Rating.GOOD if correct else Rating.AGAIN
                deck = self.fsrs.deck(q, card.deck_id)
                sched = self.fsrs.scheduler(q, deck)
                review = answering.record(
                    q, card, deck, sched, rating, duration_ms, now, "prediction", None
                )
        return RunOutcome(run_id, correct, review)

    def save(
        self,
        *,
        experiment: str,
        params: Mapping[str, Any],
        seeds: Sequence[int],
        device: str,
        status: str,
        verdict_passed: bool,
        verdict_summary: str,
        metrics: Mapping[str, Any],
        history: Mapping[str, Sequence[float]] | None = None,
        card_id: int | None = None,
        prediction_choice: int | None = None,
        prediction_correct: bool | None = None,
        created_at: datetime | None = None,
        verdict_plain: str = "",
    ) -> int:
        """Store one run as given (JSON-safe copies of the mappings); returns its id."""
        run = _row(
            experiment, params, seeds, device, status, verdict_passed, verdict_summary,
            metrics, history, card_id, prediction_choice, prediction_correct,
            self.ctx.now(created_at), verdict_plain,
        )  # fmt: skip
        with self.ctx.write() as q:
            self._card(q, card_id)
            return store.add(q, run)

    def _card(self, q: Query, card_id: int | None) -> CardRow | None:
        if card_id is None:
            return None
        card = store_cards.get(q, card_id)
        if card is None:
            raise StudyError(f"no card with id {card_id}")
        return card

    def __call__(
        self, experiment: str | None = None, *, card_id: int | None = None, limit: int | None = None
    ) -> list[RunRow]:
        """``service.runs()``: the same as :meth:`list`."""
        return self.list(experiment, card_id=card_id, limit=limit)

    def list(
        self, experiment: str | None = None, *, card_id: int | None = None, limit: int | None = None
    ) -> list[RunRow]:
        """Stored runs, newest first, optionally of one experiment or card."""
        with self.ctx.read() as q:
            return store.find(q, experiment, card_id, limit)

    def get(self, run_id: int) -> RunRow:
        """One stored run; StudyError if there is none with that id."""
        with self.ctx.read() as q:
            row = store.get(q, run_id)
        if row is None:
            raise StudyError(f"no experiment run with id {run_id}")
        return row


def _row(
    experiment: str, params: Mapping[str, Any], seeds: Sequence[int], device: str, status: str,
    passed: bool, summary: str, metrics: Mapping[str, Any],
    history: Mapping[str, Sequence[float]] | None, card_id: int | None, choice: int | None,
    correct: bool | None, created_at: datetime, plain: str = "",
) -> RunRow:  # fmt: skip
    return RunRow(
        id=0,
        card_id=card_id,
        experiment=experiment,
        params=json_safe(dict(params or {})),
        seeds=tuple(int(s) for s in seeds),
        device=device,
        status=status,
        verdict_passed=bool(passed),
        verdict_summary=summary,
        metrics=json_safe(dict(metrics or {})),
        history=json_safe(dict(history or {})),
        prediction_choice=choice,
        prediction_correct=correct,
        created_at=created_at,
        verdict_plain=plain,
    )
