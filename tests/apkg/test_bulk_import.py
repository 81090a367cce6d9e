"""A first import (more history than the database holds) goes in one transaction that builds
the review log's indexes after its rows; it stores what small batches store, a failure in it
writes no card and keeps the indexes, and keys stored meanwhile by another writer are found."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import studyapp.store.imports as store_imports
import studyapp.study.import_apkg as import_apkg
from studyapp.store.imports import ImportWriter
from studyapp.study.service import PackageReport, StudyService
from tests.apkg.builders import HISTORY

CARDS = (
    "SELECT d.name, c.key, c.position, c.front, c.back, c.file_tags, c.tags, c.flags, c.state,"
    " c.step, c.stability, c.difficulty, c.due, c.last_review, c.reps, c.lapses, c.suspended"
    " FROM card c JOIN deck d ON d.id = c.deck_id ORDER BY c.key"
)
LOGS = (
    "SELECT c.key, r.reviewed_at, r.rating, r.duration_ms, r.kind, r.state_before,"
    " r.step_before, r.stability_before, r.difficulty_before, r.due_before,"
    " r.last_review_before, r.state_after, r.step_after, r.stability_after,"
    " r.difficulty_after, r.due_after FROM review_log r JOIN card c ON c.id = r.card_id"
    " ORDER BY c.key, r.reviewed_at"
)
INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def imported(
    package: Path, db: Path, media: Path, batch: int | None = None
) -> tuple[PackageReport, list[str]]:
    """Import into ``db``; returns the report and the SQL statements the import ran."""
    statements: list[str] = []
    with StudyService.open(str(db)) as service:
        service.decks.list()  # the schema exists first
        service.db.sqlite().set_trace_callback(statements.append)
        report = service.imports.package(package, media_dir=media, batch=batch)
        service.db.sqlite().set_trace_callback(None)
    return report, statements


def bulk_from(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    """The bulk path from ``rows`` review-log rows on (the test packages are small)."""
    monkeypatch.setattr(store_imports, "BULK_ROWS", rows)
    monkeypatch.setattr(import_apkg, "BULK_ROWS", rows)


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    bulk_from(monkeypatch, 1)


def test_bulk_import_stores_what_small_batches_store(
    packages: dict[str, Path], tmp_path: Path, isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    bulk_from(monkeypatch, 1)
    first, ran = imported(packages["anki21b"], tmp_path / "bulk.db", tmp_path / "m1")
    assert any(s.startswith("DROP INDEX") for s in ran)  # the bulk path was taken
    assert sum(s.startswith("BEGIN IMMEDIATE") for s in ran) == 2  # decks, then all cards
    bulk_from(monkeypatch, 10**9)
    second, ran = imported(packages["anki21b"], tmp_path / "small.db", tmp_path / "m2", batch=3)
    assert not any(s.startswith("DROP INDEX") for s in ran)
    assert (first.added, first.reviews) == (second.added, second.reviews) == (8, len(HISTORY))
    bulk_db, small_db = tmp_path / "bulk.db", tmp_path / "small.db"
    assert query(bulk_db, CARDS) == query(small_db, CARDS)
    assert query(bulk_db, LOGS) == query(small_db, LOGS) and len(query(bulk_db, LOGS)) > 0
    assert query(bulk_db, INDEXES) == query(small_db, INDEXES)
    assert any("ix_review_log_card" in name for name, _sql in query(bulk_db, INDEXES))


def test_a_failed_bulk_import_writes_no_card_and_keeps_the_indexes(
    packages: dict[str, Path], tmp_path: Path, isolated_home: Path, bulk: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db = tmp_path / "fail.db"
    with StudyService.open(str(db)) as service:
        service.decks.list()
    indexes = query(db, INDEXES)
    calls = []
    mark = ImportWriter.card_mark

    def failing(self: ImportWriter) -> tuple[int, int]:
        calls.append(1)
        if len(calls) == 3:  # after the cards and their log are written, before the commit
            raise RuntimeError("killed")
        return mark(self)

    monkeypatch.setattr(ImportWriter, "card_mark", failing)
    with pytest.raises(RuntimeError, match="killed"):
        imported(packages["anki21b"], db, tmp_path / "m")
    assert query(db, "SELECT count(*) FROM card") == [(0,)]
    assert query(db, "SELECT count(*) FROM review_log") == [(0,)]
    assert query(db, INDEXES) == indexes


def test_keys_stored_meanwhile_are_read_again(
    packages: dict[str, Path], tmp_path: Path, isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db = tmp_path / "again.db"
    imported(packages["legacy"], db, tmp_path / "m")
    # the next import reads its keys before another writer stored these cards
    keys, mark = ImportWriter.keys_in_decks, ImportWriter.card_mark
    reads: list[int] = []

    def stale_keys(self: ImportWriter, prefix: str) -> dict[str, int]:
        reads.append(1)
        return {} if len(reads) == 1 else keys(self, prefix)

    monkeypatch.setattr(ImportWriter, "keys_in_decks", stale_keys)
    monkeypatch.setattr(ImportWriter, "card_mark", _first_call((0, 0), mark))
    report, _ran = imported(packages["anki21b"], db, tmp_path / "m")
    assert len(reads) == 2  # read again inside the write transaction
    assert (report.added, report.unchanged) == (0, 8)
    assert query(db, "SELECT count(*) FROM card") == [(8,)]
    assert query(db, "SELECT count(*) FROM review_log") == [(len(HISTORY),)]


def _first_call(value: Any, then: Any) -> Any:
    """A method that returns ``value`` on its first call and calls ``then`` afterwards."""
    calls: list[int] = []

    def method(self: ImportWriter) -> Any:
        calls.append(1)
        return value if len(calls) == 1 else then(self)

    return method
