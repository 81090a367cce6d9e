"""Experiment runs: insert one, read them back newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studyapp.store.rows import EXPERIMENT_RUN, RunRow

if TYPE_CHECKING:
    from studyapp.store.sql import Query


def add(q: Query, run: RunRow) -> int:
    """Insert one run (``id`` 0; its mappings JSON-safe); returns its id."""
    return q.insert(EXPERIMENT_RUN, run)


def get(q: Query, run_id: int) -> RunRow | None:
    return q.first(EXPERIMENT_RUN, "WHERE experiment_run.id = :id", {"id": run_id})


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
    sql = f"WHERE {' AND '.join(where)} ORDER BY created_at DESC, id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return q.fetch(EXPERIMENT_RUN, sql, params)
