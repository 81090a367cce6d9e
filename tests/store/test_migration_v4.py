"""Schema v3 -> v4: decks gain the exam's time of day (09:00); exam dates are kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from studyapp.study.service import StudyService
from tests.store.test_migration_v3 import database_at

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def test_v3_database_gains_the_exam_time_and_keeps_its_exam_date(tmp_path: Path) -> None:
    path = database_at(tmp_path / "v3.db", 3)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE deck SET exam_date = '2026-02-01'")
        assert "exam_time" not in {row[1] for row in conn.execute("PRAGMA table_info(deck)")}
    with StudyService.open(str(path), clock=lambda: NOW, tz=UTC) as service:
        [deck] = service.decks.list(NOW)
        assert deck.exam_date == date(2026, 2, 1) and deck.exam is not None
        assert deck.exam.exam_time == "09:00"
        changed = service.decks.set_exam(deck.id, date(2026, 2, 2), "14:30", now=NOW)
        assert changed.exam is not None and changed.exam.exam_time == "14:30"
