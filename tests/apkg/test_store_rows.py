"""Positional import writes: review-log times given in microseconds are stored as the text
every other write stores for that datetime (cards' too); new cards get their ids, in order."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.store import decks as store_decks
from studyapp.store.imports import IMPORTED_CARD, NEVER_ANSWERED, ImportWriter
from studyapp.store.rows import DeckRow
from studyapp.store.table import sqlite_value
from studyapp.study.service import StudyService

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# from year 1 to 9999: before 1970 too (floor division), microsecond exact
micros = st.integers(-62_135_596_800_000_000, 253_402_300_799_999_999)
_keys = itertools.count()


def stored(db: Path, times: list[int]) -> tuple[list[tuple[str | None, ...]], tuple[str, str]]:
    """The stored times of review-log rows at ``times`` and of a card due at ``times[0]``,
    last reviewed at ``times[-1]``."""
    with StudyService.open(str(db)) as service, service.ctx.write() as q:
        writer = ImportWriter(q)
        known = writer.decks(["anki/T"]).get("anki/T")
        deck = known.id if known else store_decks.insert(q, DeckRow(0, "anki/T", "T"))
        keys = [f"k{next(_keys)}" for _ in range(2)]
        cards = [new_card(deck, keys[0], file_front="f", front="f", due=times[0],
                          last_review=times[-1], state=2, reps=len(times)),
                 new_card(deck, keys[1], file_tags=["a"], tags=["a"])]  # fmt: skip
        ids = writer.insert_imported_cards(cards)
        assert len(set(ids)) == 2
        found = writer.keys_in_decks("anki/")  # the ids given back are the stored ones
        assert [found[key] for key in keys] == ids
        rows = [(ids[0], t, 3, 100, "review", 0, None, None, None, t, None, 2, None, 1.5,
                 5.0, t, None) for t in times]  # fmt: skip
        assert writer.insert_log_rows(rows) == len(times)
    with sqlite3.connect(db) as check:
        logged = check.execute(
            "SELECT reviewed_at, due_before, last_review_before, due_after FROM review_log"
            " WHERE card_id = ? ORDER BY id",
            (ids[0],),
        ).fetchall()
        card = check.execute("SELECT due, last_review FROM card WHERE id = ?", (ids[0],)).fetchone()
    return logged, card


def new_card(deck: int, key: str, **values: Any) -> tuple[Any, ...]:
    """A positional :data:`IMPORTED_CARD` row: a never answered card with ``values``."""
    named = dict(zip(IMPORTED_CARD, (deck, key, 0, 0, "", "", "", "", False, [], [], [], [],
                                     *NEVER_ANSWERED), strict=True))  # fmt: skip
    named.update(values)
    return tuple(named[n] for n in IMPORTED_CARD)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rows") / "studyapp.db"


@settings(max_examples=25, deadline=None)
@given(times=st.lists(micros, min_size=1, max_size=40))
def test_microsecond_times_store_as_datetime_text(db: Path, times: list[int]) -> None:
    logged, card = stored(db, times)
    for us, row in zip(times, logged, strict=True):
        text = sqlite_value(EPOCH + timedelta(microseconds=us))
        assert row == (text, text, None, text)
    assert card == tuple(sqlite_value(EPOCH + timedelta(microseconds=us))
                         for us in (times[0], times[-1]))  # fmt: skip
