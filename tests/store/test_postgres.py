"""The same store on PostgreSQL (``STUDYAPP_TEST_PG``, e.g. from ``.ci/postgres.sh``).

Each test works in a fresh schema of that database (dropped afterwards). Without the
variable the tests are skipped with the reason shown by ``pytest -ra``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.store.rows import CardRow
from studyapp.study.service import Rating, StudyService

PG_URL = os.environ.get("STUDYAPP_TEST_PG", "")
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)

pytestmark = [pytest.mark.postgres]
NO_SERVER = "no PostgreSQL: set STUDYAPP_TEST_PG=postgresql://... (.ci/postgres.sh starts one)"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema on the test server (skipped without one: the tests below that need no
    server run always)."""
    if not PG_URL:
        pytest.skip(NO_SERVER)
    pytest.importorskip("psycopg", reason="psycopg not installed: pip install 'studyapp[postgres]'")
    from sqlalchemy import create_engine, text

    from studyapp.store.engine import to_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(to_url(PG_URL))
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # a configured but unreachable server is a failure, not a skip
        admin.dispose()
        raise AssertionError(f"STUDYAPP_TEST_PG is set but unusable: {error}") from None
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def deck(n: int = 6) -> ParsedDeck:
    cards = [ParsedCard(f"PG question {i}?", f"answer {i}", i + 1) for i in range(n)]
    return ParsedDeck("PG deck", "deck", "pg.txt", cards)


def test_study_session_on_postgres(pg_url: str) -> None:
    service = StudyService.open(pg_url, clock=lambda: NOW, fuzz=False, tz=UTC)
    try:
        assert service.url.startswith("postgresql+psycopg://")
        report = service.imports.parsed(deck())
        assert service.imports.parsed(deck()).unchanged == 6
        ids = service.reviews.queue(report.deck_id, NOW)
        assert len(ids) == 6
        first = service.reviews.record(ids[0], Rating.GOOD, 700, NOW)
        assert first.state == "learning"
        service.reviews.record(ids[1], Rating.EASY, 700, NOW)
        assert service.reviews.undo() is not None and service.cards.get(ids[1]).state == "new"
        service.cards.bury(ids[2], NOW)
        service.cards.suspend(ids[3])
        assert ids[2] not in service.reviews.queue(report.deck_id, NOW)
        assert ids[3] not in service.reviews.queue(report.deck_id, NOW)
        service.reviews.record(ids[4], Rating.AGAIN, 100, NOW, kind="quiz")
        [summary] = service.decks(NOW)
        assert summary.reviewed_today == 1 and summary.suspended == 1
        stats = service.stats(NOW)
        assert stats.reviews_total == 1 and stats.button_counts[3] == 1
        assert service.cards.browse("pg question 5")[0].id == ids[5]
        service.decks.set_exam(report.deck_id, date(2026, 3, 20))
        assert service.decks.get(report.deck_id, NOW).days_to_exam == 18
        assert len(service.quiz(report.deck_id, 3, "choice", seed=1)) == 3
        run_id = service.runs.save(
            experiment="gan", params={"lr": 1e-3}, seeds=[0, 1], device="cpu",
            status="completed", verdict_passed=True, verdict_summary="collapsed",
            metrics={"loss": float("nan")}, history={"loss": [1.0, 0.5]}, card_id=ids[0],
        )  # fmt: skip
        row = service.runs.get(run_id)
        assert row.metrics == {"loss": None} and row.history == {"loss": [1.0, 0.5]}
        assert [r.id for r in service.runs("gan")] == [run_id]
    finally:
        service.close()


def test_answers_persist_across_connections(pg_url: str) -> None:
    with StudyService.open(pg_url, fuzz=False) as first:
        report = first.imports.parsed(deck(3))
        card_id = first.reviews.queue(report.deck_id)[0]
        first.reviews.record(card_id, Rating.GOOD, 10)
    with StudyService.open(pg_url) as second:
        assert second.cards.get(card_id).reps == 1
        assert second.stats().reviews_total == 1


def test_v1_schema_migrates_on_postgres(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    from studyapp.store import schema
    from studyapp.store.engine import to_url

    engine = create_engine(to_url(pg_url))
    tables = [schema.sql_table(t) for t in ("studyapp_meta", "deck", "card", "review_log")]
    schema.metadata().create_all(engine, tables=tables)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE review_log DROP COLUMN kind"))
        conn.execute(text("ALTER TABLE card DROP COLUMN experiment_settings"))  # v3
        conn.execute(text("ALTER TABLE deck DROP COLUMN exam_time"))  # v4
        conn.execute(text("DROP INDEX ix_card_new"))
        conn.execute(text("INSERT INTO studyapp_meta VALUES ('app', 'studyapp')"))
        conn.execute(text("INSERT INTO studyapp_meta VALUES ('schema_version', '1')"))
        conn.execute(text("INSERT INTO deck (source, name, path, format, file_hash, file_size, "
                          "file_mtime, desired_retention, new_limit, review_limit, "
                          "leech_threshold, created_at) VALUES ('old', 'Old deck', '', '', '', "
                          "0, 0, 0.9, 20, 200, 8, now())"))  # fmt: skip
    engine.dispose()
    with StudyService.open(pg_url) as service:
        assert [d.name for d in service.decks()] == ["Old deck"]
        assert service.runs.save(
            experiment="x", params={}, seeds=[0], device="cpu", status="completed",
            verdict_passed=False, verdict_summary="", metrics={},
        ) > 0  # fmt: skip
    check = create_engine(to_url(pg_url))
    with check.connect() as conn:
        version = conn.execute(text("SELECT value FROM studyapp_meta WHERE key='schema_version'"))
        assert version.scalar() == str(schema.SCHEMA_VERSION)
    check.dispose()


def test_unreachable_server_is_a_store_error() -> None:
    """Needs no server (none listens on port 1): runs always."""
    pytest.importorskip("psycopg", reason="psycopg not installed: pip install 'studyapp[postgres]'")
    from studyapp.store.errors import StoreError

    with pytest.raises(StoreError) as caught:
        StudyService.open("postgresql://nobody@127.0.0.1:1/none")
    assert "\n" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_packages_and_runs_on_postgres(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The import's batched writes (no positional SQLite path), the export's reads and a run's
    one transaction, on PostgreSQL: a package made here goes in twice (new, then known cards)
    and comes out with the same notes and history."""
    from tests.apkg.storedb import add_small_collection, open_db
    from tests.study.test_runs import result

    with open_db(tmp_path / "source.db") as source:
        add_small_collection(source)
        made = source.exports.apkg(tmp_path / "made.apkg")
    with StudyService.open(pg_url, clock=lambda: NOW) as service:
        first = service.imports.package(tmp_path / "made.apkg", media_dir=tmp_path / "m")
        again = service.imports.package(tmp_path / "made.apkg", media_dir=tmp_path / "m")
        assert (first.added, first.reviews, again.added, again.unchanged) == (3, 5, 0, 3)
        out = service.exports.apkg(tmp_path / "out.apkg")
        assert (out.notes, out.reviews) == (made.notes, made.reviews) == (3, 5)
        card = service.cards.browse("Q2")[0]
        outcome = service.runs.finish(result(answer=1), card.id, 0)
        assert outcome.correct is False and outcome.review is not None
        assert service.runs.get(outcome.run_id).prediction_correct is False


def test_rows_read_back_as_written_on_postgres(pg_url: str) -> None:
    from studyapp.store.rows import CARD, DECK, CardRow, DeckRow
    from studyapp.store.sql import Db

    StudyService.open(pg_url).close()  # the schema
    db = Db(pg_url)
    at = datetime(2026, 3, 2, 12, 30, 15, 123456, tzinfo=UTC)
    try:
        deck = DeckRow(0, "user/x.txt", "X", exam_date=date(2026, 5, 1),
                       fsrs_parameters=(0.1, 2.5), created_at=at)  # fmt: skip
        with db.session(write=True) as q:
            deck_id = q.insert(DECK, deck)
            card = CardRow(0, deck_id, "k", state=2, stability=3.5, due=at, suspended=True,
                           tags=("a",), experiment_settings={"x": {}}, created_at=at)  # fmt: skip
            card_id = q.insert(CARD, card)
        with db.session() as q:
            assert q.first(DECK, "WHERE deck.id = :i", {"i": deck_id}) == deck._replace(id=deck_id)
            assert q.first(CARD, "WHERE card.id = :i", {"i": card_id}) == card._replace(id=card_id)
    finally:
        db.close()


RACE_WORKER = Path(__file__).with_name("race_worker.py")
STATE = ("state", "step", "stability", "difficulty", "due", "last_review")


def test_two_writers_on_one_card_set_lose_nothing(pg_url: str) -> None:
    """Two processes answer (and undo) the same few cards at once: every answer logged is in
    its card's ``reps``, and each log row starts from the state the previous one left (a
    read-modify-write without a row lock loses updates here: issue 19, item 1)."""
    with StudyService.open(pg_url) as service:
        report = service.imports.parsed(deck(4))
        card_ids = [c.id for c in service.cards.browse(deck_id=report.deck_id)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    ids = ",".join(map(str, card_ids))
    args = [sys.executable, str(RACE_WORKER), pg_url, ids, "150"]
    procs = [
        subprocess.Popen(
            [*args, str(seed), "7"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for seed in (1, 2)
    ]
    for proc in procs:  # both open and waiting: then both go at once
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()  # communicate() closes it
    answered = undone = 0
    windows = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        answers, undos, first, last = out.split()
        answered, undone = answered + int(answers), undone + int(undos)
        windows.append((float(first), float(last)))
    assert answered == 300 and undone > 0
    assert max(w[0] for w in windows) < min(w[1] for w in windows)  # the writers overlapped
    with StudyService.open(pg_url) as service, service.ctx.read() as q:
        from studyapp.store.rows import CARD, REVIEW_LOG

        logs = q.fetch(REVIEW_LOG, "WHERE review_log.kind = 'review' ORDER BY review_log.id")
        cards = {c.id: c for c in q.fetch(CARD)}
    assert len(logs) == answered - undone
    assert sum(c.reps for c in cards.values()) == len(logs)
    broken = []
    for card_id, card in cards.items():
        previous = tuple(CardRow._field_defaults[name] for name in STATE)
        for log in (row for row in logs if row.card_id == card_id):
            if tuple(getattr(log, f"{name}_before") for name in STATE) != previous:
                broken.append(log.id)
            after = tuple(getattr(log, f"{name}_after") for name in STATE[:-1])
            previous = (*after, log.reviewed_at)  # an answer's time is the card's last review
        assert previous == tuple(getattr(card, name) for name in STATE), card_id
    assert broken == []
