"""Positional import writes: review-log times given in microseconds are stored as the text
every other write stores for that datetime; new cards get their ids back by key."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.store.imports import ImportWriter
from studyapp.store.sql import sqlite_value
from studyapp.study.importer import NEW_DECK
from studyapp.study.service import StudyService

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# from year 1 to 9999: before 1970 too (floor division), microsecond exact
micros = st.integers(-62_135_596_800_000_000, 253_402_300_799_999_999)
_keys = itertools.count()


def stored(db: Path, times: list[int]) -> list[tuple[str | None, ...]]:
    with StudyService.open(str(db)) as service, service.decks.ctx.database().transaction(
        write=True
    ) as conn:  # fmt: skip
        writer = ImportWriter(conn)
        deck = writer.deck_ids(["anki/T"]).get("anki/T") or writer.q.insert(
            "deck", {**NEW_DECK, "source": "anki/T", "name": "T", "path": "", "format": "apkg",
                     "file_hash": "", "created_at": EPOCH},
        )  # fmt: skip
        keys = [f"k{next(_keys)}" for _ in range(2)]
        cards = [{"deck_id": deck, "key": keys[0], "front": "f"},
                 {"deck_id": deck, "key": keys[1], "tags": ["a"]}]  # fmt: skip
        ids = writer.insert_new_cards(cards, [deck])
        assert set(ids) == set(keys) and len(set(ids.values())) == 2
        rows = [(ids[keys[0]], t, 3, 100, "review", 0, None, None, None, t, None, 2, None, 1.5,
                 5.0, t, None) for t in times]  # fmt: skip
        assert writer.insert_log_rows(rows) == len(times)
        card = ids[keys[0]]
    with sqlite3.connect(db) as check:
        return check.execute(
            "SELECT reviewed_at, due_before, last_review_before, due_after FROM review_log"
            " WHERE card_id = ? ORDER BY id",
            (card,),
        ).fetchall()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rows") / "studyapp.db"


@settings(max_examples=25, deadline=None)
@given(times=st.lists(micros, min_size=1, max_size=40))
def test_microsecond_times_store_as_datetime_text(db: Path, times: list[int]) -> None:
    for us, row in zip(times, stored(db, times), strict=True):
        text = sqlite_value(EPOCH + timedelta(microseconds=us))
        assert row == (text, text, None, text)
