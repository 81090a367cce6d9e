"""A database made by schema v1 (tests/store/fixtures/schema_v1.sql) migrates and keeps its data."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from studyapp.store.engine import make_engine
from studyapp.store.errors import StoreError
from studyapp.store.migrations import prepare
from studyapp.store.schema import SCHEMA_VERSION
from studyapp.study.service import Rating, StudyService

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.sql"
NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def v1_database(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE.read_text())
    return path


def columns(url_or_path: str) -> dict[str, set[object]]:
    """Every table's columns and indexes (name and columns)."""
    engine = make_engine(url_or_path)
    try:
        inspector = inspect(engine)
        return {
            t: {c["name"] for c in inspector.get_columns(t)}
            | {(i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(t)}
            for t in inspector.get_table_names()
        }
    finally:
        engine.dispose()


def test_v1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = v1_database(tmp_path / "old.db")
    service = StudyService.open(str(path), clock=lambda: NOW, tz=UTC)
    try:
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT value FROM studyapp_meta WHERE key='schema_version'")
            assert version.fetchone()[0] == str(SCHEMA_VERSION)
        [deck] = service.decks(NOW)
        assert (deck.name, deck.total, deck.desired_retention, deck.new_limit) == (
            "V1 deck",
            3,
            0.85,
            15,
        )
        vae = service.cards.get(1, NOW)
        assert (vae.state, vae.reps, vae.tags, vae.stability) == ("review", 2, ("vae",), 3.2)
        assert service.cards.get(3).front == "[bold]markup[/] stays literal"
        stats = service.stats(NOW)
        assert stats.reviews_total == 2 and stats.button_counts[3] == 2
        # what v2 added works on the migrated database
        service.reviews.record(2, Rating.GOOD, 100, NOW, kind="quiz")
        run_id = service.runs.save(
            experiment="vae", params={}, seeds=[0], device="cpu", status="completed",
            verdict_passed=True, verdict_summary="ok", metrics={}, card_id=1,
        )  # fmt: skip
        assert service.runs.get(run_id).card_id == 1
        assert service.reviews.record(1, Rating.GOOD, 100, NOW).state == "review"
    finally:
        service.close()


def test_migrated_schema_matches_a_fresh_one(tmp_path: Path) -> None:
    old = v1_database(tmp_path / "old.db")
    prepare_engine = make_engine(str(old))
    prepare(prepare_engine)
    prepare_engine.dispose()
    fresh_engine = make_engine(str(tmp_path / "fresh.db"))
    prepare(fresh_engine)
    fresh_engine.dispose()
    assert columns(str(old)) == columns(str(tmp_path / "fresh.db"))


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = v1_database(tmp_path / "future.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE studyapp_meta SET value='99' WHERE key='schema_version'")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer studyapp"):
        StudyService.open(str(path))
    assert path.read_bytes() == before
