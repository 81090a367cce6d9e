"""One definition per table: a row written and read back is the same row (every kind of
column, SQLite here, PostgreSQL in ``test_postgres``), updates write only what changed, and a
column whose type says nothing of how to store it is refused when the table is defined."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from studyapp.store.rows import CARD, DECK, EXPERIMENT_RUN, TABLES, CardRow, DeckRow, RunRow
from studyapp.store.sql import Db
from studyapp.store.table import Table
from studyapp.study.service import StudyService

NOW = datetime(2026, 3, 2, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Db:
    StudyService.open(str(tmp_path / "t.db")).close()  # the schema
    opened = Db(str(tmp_path / "t.db"))
    yield opened
    opened.close()


def test_rows_read_back_as_written(db: Db) -> None:
    deck = DeckRow(0, "user/x.txt", "X", exam_date=date(2026, 5, 1),
                   fsrs_parameters=(0.1, 2.5), created_at=NOW)  # fmt: skip
    with db.session(write=True) as q:
        deck_id = q.insert(DECK, deck)
        card = CardRow(
            0, deck_id, "k", front="Q [b]?", state=2, stability=3.5, due=NOW, suspended=True,
            tags=("a", "b"), experiment_settings={"kl-term": {"beta": "2"}}, created_at=NOW,
        )  # fmt: skip
        card_id = q.insert(CARD, card)
        run = RunRow(0, card_id, "gan", params={"lr": 0.1}, seeds=(0, 1), prediction_correct=False)
        run_id = q.insert(EXPERIMENT_RUN, run)
    with db.session() as q:
        assert q.first(DECK, "WHERE deck.id = :id", {"id": deck_id}) == deck._replace(id=deck_id)
        assert q.first(CARD, "WHERE card.id = :id", {"id": card_id}) == card._replace(id=card_id)
        run = q.first(EXPERIMENT_RUN, "WHERE experiment_run.id = :id", {"id": run_id})
    assert run is not None and run.seeds == (0, 1) and run.prediction_correct is False
    assert run.created_at is not None and run.created_at.tzinfo is UTC  # stamped on insert


def test_an_update_writes_only_the_columns_that_changed(db: Db) -> None:
    with db.session(write=True) as q:
        deck_id = q.insert(DECK, DeckRow(0, "user/y.txt", "Y"))
        card_id = q.insert(CARD, CardRow(0, deck_id, "k"))
    statements: list[str] = []
    with db.session(write=True) as q:
        card = q.first(CARD, "WHERE card.id = :id", {"id": card_id})
        assert card is not None
        db.sqlite().set_trace_callback(statements.append)
        assert q.update(CARD, card, card._replace(front="new", flags=("wrong",)))
        assert q.update(CARD, card, card)  # nothing changed: no statement
        db.sqlite().set_trace_callback(None)
    [update] = [s for s in statements if s.startswith("UPDATE")]
    assert update.startswith("UPDATE card SET front = 'new', flags = '[\"wrong\"]' WHERE id =")


def test_every_table_has_one_row_type_and_a_key() -> None:
    assert [t.name for t in TABLES] == ["studyapp_meta", "deck", "card", "review_log",
                                        "experiment_run"]  # fmt: skip
    for table in TABLES:
        assert table.names == table.row._fields  # type: ignore[attr-defined]
        assert table[table.key].nullable is False


def test_a_column_of_no_known_kind_is_refused() -> None:
    class Odd(NamedTuple):
        id: int
        blob: bytes

    with pytest.raises(TypeError, match=r"odd\.blob: no column kind"):
        Table("odd", Odd)
