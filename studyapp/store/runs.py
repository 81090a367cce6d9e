"""Experiment runs: insert one, read them back newest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from studyapp.store.rows import RunRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query, Record

RUNS = (
    "SELECT id, experiment, card_id, params, seeds, device, status, verdict_passed,"
    " verdict_summary, metrics, history, prediction_choice, prediction_correct, created_at"
    " FROM experiment_run"
)


def _row(r: Record) -> RunRow:
    return RunRow(
        id=r.id,
        experiment=r.experiment,
        card_id=r.card_id,
        params=dict(r.params or {}),
        seeds=list(r.seeds or []),
        device=r.device,
        status=r.status,
        verdict_passed=bool(r.verdict_passed),
        verdict_summary=r.verdict_summary,
        metrics=dict(r.metrics or {}),
        history=dict(r.history or {}),
        prediction_choice=r.prediction_choice,
        prediction_correct=None if r.prediction_correct is None else bool(r.prediction_correct),
        created_at=r.created_at,
    )


def add(q: Query, values: Mapping[str, Any]) -> int:
    """Insert one run (``experiment_run`` columns, JSON-safe); returns its id."""
    return q.insert("experiment_run", values)


def get(q: Query, run_id: int) -> RunRow | None:
    found = q.one(f"{RUNS} WHERE id = :id", {"id": run_id})
    return _row(found) if found is not None else None


def find(q: Query, experiment: str | None, card_id: int | None, limit: int | None) -> list[RunRow]:
    """Runs newest first, optionally of one experiment or card."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if experiment is not None:
        where.append("experiment = :experiment")
        params["experiment"] = experiment
    if card_id is not None:
        where.append("card_id = :card")
        params["card"] = card_id
    sql = f"{RUNS} WHERE {' AND '.join(where)} ORDER BY created_at DESC, id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row(r) for r in q.rows(sql, params)]
