"""``service.runs``: storing experiment runs and reading them back as ``RunRow``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.base import json_safe
from studyapp.store import cards as store_cards
from studyapp.store import runs as store
from studyapp.study.errors import StudyError
from studyapp.study.views import RunRow

if TYPE_CHECKING:
    from studyapp.study.context import Context


class RunsPart:
    """``service.runs``: save a run (or a ``models.base.Result``), list, get one."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

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
    ) -> int:
        """Store one experiment run (JSON-safe copies of the mappings); returns its id."""
        values = {
            "card_id": card_id,
            "experiment": experiment,
            "params": json_safe(dict(params or {})),
            "seeds": [int(s) for s in seeds],
            "device": device,
            "status": status,
            "verdict_passed": bool(verdict_passed),
            "verdict_summary": verdict_summary,
            "metrics": json_safe(dict(metrics or {})),
            "history": json_safe(dict(history or {})),
            "prediction_choice": prediction_choice,
            "prediction_correct": prediction_correct,
            "created_at": self.ctx.now(created_at),
        }
        with self.ctx.write() as q:
            if card_id is not None and store_cards.get(q, card_id) is None:
                raise StudyError(f"no card with id {card_id}")
            return store.add(q, values)

    def save_result(
        self, result: Any, *, card_id: int | None = None, prediction_choice: int | None = None
    ) -> int:
        """Store a ``models.base.Result`` with its prediction graded by ``Result.grade``."""
        return self.save(
            experiment=result.experiment,
            params=result.params,
            seeds=result.seeds,
            device=result.device,
            status=result.status,
            verdict_passed=result.verdict.passed,
            verdict_summary=result.verdict.summary,
            metrics=result.metrics,
            history=result.history,
            card_id=card_id,
            prediction_choice=prediction_choice,
            prediction_correct=result.grade(prediction_choice),
        )

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
