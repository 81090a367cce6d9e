"""Schema v2 -> v3: cards gain ``experiment_settings``; old cards keep their data."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from studyapp.deckfmt import parse_text
from studyapp.store.engine import make_engine
from studyapp.store.migrations import MIGRATIONS, SCHEMA_VERSION
from studyapp.study.service import StudyService
from tests.store.test_migrations import v1_database

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def v2_database(path: Path) -> Path:
    """The v1 fixture run through the v2 migration only: what studyapp 2 left on disk."""
    v1_database(path)
    engine = make_engine(str(path))
    try:
        with engine.begin() as conn:
            MIGRATIONS[2](conn)
            conn.exec_driver_sql("UPDATE studyapp_meta SET value='2' WHERE key='schema_version'")
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(card)")}
    assert "experiment_settings" not in columns
    return path


def database_at(path: Path, version: int) -> Path:
    """The v2 fixture migrated up to ``version`` (at least 2) and stamped with it: what that
    studyapp left on disk."""
    v2_database(path)
    engine = make_engine(str(path))
    try:
        with engine.begin() as conn:
            for step in range(3, version + 1):
                MIGRATIONS[step](conn)
            conn.exec_driver_sql(
                f"UPDATE studyapp_meta SET value='{version}' WHERE key='schema_version'"
            )
    finally:
        engine.dispose()
    return path


def test_v2_database_gains_experiment_settings_and_keeps_its_cards(tmp_path: Path) -> None:
    path = v2_database(tmp_path / "v2.db")
    service = StudyService.open(str(path), clock=lambda: NOW, tz=UTC)
    try:
        assert SCHEMA_VERSION >= 3  # v3 and every migration after it
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT value FROM studyapp_meta WHERE key='schema_version'")
            assert version.fetchone()[0] == str(SCHEMA_VERSION)
        vae = service.cards.get(1, NOW)
        assert (vae.front, vae.state, vae.reps, vae.experiment_settings) == (
            "What is a VAE?",
            "review",
            2,
            {},
        )
        assert all(row.experiment_settings == {} for row in service.cards.browse(""))
        deck = parse_text(
            "Q: What is mode collapse?\nA: few modes\n"
            "experiments: mode-collapse(data=grid25, steps=3000)\n",
            "deck",
            "new.deck",
        )
        service.imports.parsed(deck, source="user/new.deck")
        [row] = service.cards.browse("mode collapse")
        assert row.experiment_settings == {"mode-collapse": {"data": "grid25", "steps": "3000"}}
    finally:
        service.close()
    reopened = StudyService.open(str(path), clock=lambda: NOW, tz=UTC)
    try:
        [row] = reopened.cards.browse("mode collapse")
        card = reopened.cards.get(row.id, NOW)
        assert card.experiments == ("mode-collapse",)
        assert card.experiment_settings == {"mode-collapse": {"data": "grid25", "steps": "3000"}}
    finally:
        reopened.close()
