"""Schema v4 -> v5: a stored run keeps its verdict's sentence for a student; runs stored
before keep theirs and fall back to the summary's first clause."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from models import get_spec
from models.base import execute
from studyapp.study.service import StudyService
from studyapp.ui.screens.runs import verdict_lead
from tests.store.test_migration_v3 import database_at

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def v4_database(path: Path) -> Path:
    """What studyapp left on disk at schema v4, holding one stored run."""
    database_at(path, 4)
    with sqlite3.connect(path) as conn:
        # v2 made the table as the rows define it now: take the v5 column back out
        conn.execute("ALTER TABLE experiment_run DROP COLUMN verdict_plain")
        conn.execute(
            "INSERT INTO experiment_run (card_id, experiment, params, seeds, device, status, "
            "verdict_passed, verdict_summary, metrics, history, prediction_choice, "
            "prediction_correct, created_at) VALUES (NULL, 'kl-term', '{}', '[0]', 'cpu', "
            "'completed', 1, 'the KL weight sets the rate: KL 3.1 nats', '{}', '{}', NULL, "
            "NULL, '2026-01-09 12:00:00.000000')"
        )
        columns = {row[1] for row in conn.execute("PRAGMA table_info(experiment_run)")}
    assert "verdict_plain" not in columns
    return path


def test_a_v4_run_keeps_its_summary_and_a_new_run_keeps_its_sentence(tmp_path: Path) -> None:
    path = v4_database(tmp_path / "v4.db")
    with StudyService.open(str(path), clock=lambda: NOW, tz=UTC) as service:
        [old] = service.runs.list()
        assert old.verdict_plain == "" and old.verdict_summary.startswith("the KL weight")
        assert verdict_lead(old).plain == "PASSED  The KL weight sets the rate."
        result = execute(get_spec("gan-convergence"), steps=200, seeds=(0,))
        assert result.verdict.plain  # what the screen showed at the end of the run
        outcome = service.runs.finish(result, None, None, now=NOW)
        new = service.runs.get(outcome.run_id)
        assert new.verdict_plain == result.verdict.plain
        word = "PASSED" if result.verdict.passed else "FAILED"
        assert verdict_lead(new).plain == f"{word}  {' '.join(result.verdict.plain.split())}"
