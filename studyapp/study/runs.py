"""Experiment runs (issue 5): storing them and reading them back as ``RunRow``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.base import json_safe
from studyapp.study.clock import aware
from studyapp.study.views import RunRow

if TYPE_CHECKING:
    from sqlmodel import Session


def add(session: Session, **fields: Any) -> int:
    """Insert one run (``ExperimentRun`` columns; mappings are made JSON-safe)."""
    from studyapp.store.schema import ExperimentRun

    for name in ("params", "metrics", "history"):
        fields[name] = json_safe(dict(fields.get(name) or {}))
    fields["seeds"] = [int(s) for s in fields.get("seeds", ())]
    row = ExperimentRun(**fields)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def find(
    session: Session, experiment: str | None, card_id: int | None, limit: int | None
) -> list[RunRow]:
    """Runs newest first, optionally of one experiment or card."""
    from sqlmodel import col, select

    from studyapp.store.schema import ExperimentRun

    stmt = select(ExperimentRun)
    if experiment is not None:
        stmt = stmt.where(col(ExperimentRun.experiment) == experiment)
    if card_id is not None:
        stmt = stmt.where(col(ExperimentRun.card_id) == card_id)
    newest = (col(ExperimentRun.created_at).desc(), col(ExperimentRun.id).desc())
    return [to_row(r) for r in session.exec(stmt.order_by(*newest).limit(limit)).all()]


def to_row(row: Any) -> RunRow:
    return RunRow(
        id=row.id,
        experiment=row.experiment,
        card_id=row.card_id,
        params=dict(row.params or {}),
        seeds=list(row.seeds or []),
        device=row.device,
        status=row.status,
        verdict_passed=bool(row.verdict_passed),
        verdict_summary=row.verdict_summary,
        metrics=dict(row.metrics or {}),
        history=dict(row.history or {}),
        prediction_choice=row.prediction_choice,
        prediction_correct=row.prediction_correct,
        created_at=aware(row.created_at),
    )
