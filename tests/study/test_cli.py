"""The study CLI: stats, import, export (an .apkg Anki opens), optimize, exam."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.study.service import Rating, StudyService

DECK = """Q: What does a GAN's discriminator do?
A: It tells real samples from generated ones.

Q: What is mode collapse?
A: The generator produces only a few kinds of samples.

Q: Card with [bold]markup[/]?
A: Shown <literally> & safely.
"""


@pytest.fixture(autouse=True)
def no_bundled_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "gans.txt"
    deck.write_text(DECK)
    assert main(["import", str(deck)]) == 0
    assert "3 added" in capsys.readouterr().out
    return deck


def test_import_copies_into_the_data_dir_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    deck = imported(tmp_path, capsys)
    assert (isolated_home / "decks" / "gans.txt").read_text() == DECK
    assert main(["import", str(deck)]) == 0
    assert "unchanged" in capsys.readouterr().out
    with StudyService.open() as service:
        assert [d.total for d in service.decks()] == [3]


def test_import_missing_file_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "/nonexistent/deck.txt"]) == 1
    assert capsys.readouterr().err.strip() == "studyapp: error: /nonexistent/deck.txt: no such file"


def test_stats_json_counts_reviews(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imported(tmp_path, capsys)
    with StudyService.open() as service:
        queued = service.reviews.peek(None)
        card = queued.card if queued is not None else None
        assert card is not None
        service.reviews.record(card.id, Rating.GOOD, 900)
        service.reviews.record(card.id, Rating.AGAIN, 900, datetime.now(UTC) - timedelta(days=3))
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reviews_total"] == 2 and data["reviews_today"] == 1
    [deck] = data["decks"]
    assert deck["cards"] == 3 and "due" in deck and deck["reviewed_today"] == 1
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    assert "reviews: 2 total, 1 today" in text


def test_export_apkg_is_a_schema_11_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(tmp_path, capsys)
    with StudyService.open() as service:
        ids = service.reviews.queue()
        for card_id in ids[:2]:
            service.reviews.record(card_id, Rating.GOOD, 1000)
            service.reviews.record(
                card_id, Rating.GOOD, 1000, datetime.now(UTC) + timedelta(minutes=11)
            )
        service.cards.suspend(ids[2])
    out = tmp_path / "out.apkg"
    assert main(["export", "--apkg", str(out)]) == 0
    assert "3 notes, 4 reviews" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        archive.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    assert db.execute("SELECT ver FROM col").fetchone()[0] == 11
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM revlog").fetchone()[0] == 4
    queues = sorted(q for (q,) in db.execute("SELECT queue FROM cards"))
    assert queues == [-1, 2, 2]
    fields = [f for (f,) in db.execute("SELECT flds FROM notes")]
    assert "Shown &lt;literally&gt; &amp; safely." in "".join(fields)
    db.close()


def test_export_opens_in_anki(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    anki = pytest.importorskip("anki.collection", reason="anki not installed (bench extra)")
    imported(tmp_path, capsys)
    with StudyService.open() as service:
        card_id = service.reviews.queue()[0]
        service.reviews.record(card_id, Rating.EASY, 1000)
    out = tmp_path / "out.apkg"
    assert main(["export", "--apkg", str(out)]) == 0
    (tmp_path / "anki").mkdir()
    col = anki.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        request = anki.ImportAnkiPackageRequest(
            package_path=str(out),
            options=anki.ImportAnkiPackageOptions(with_scheduling=True),
        )
        col.import_anki_package(request)
        assert col.note_count() == 3 and col.card_count() == 3
        assert col.db.scalar("SELECT count() FROM revlog") == 1
        [(kind, data)] = col.db.all("SELECT type, data FROM cards WHERE type = 2")
        assert kind == 2 and json.loads(data)["s"] > 0  # FSRS memory state carried
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert len(names) == 2 and "Default" in names
    finally:
        col.close()


def test_optimize_refuses_a_small_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imported(tmp_path, capsys)
    assert main(["optimize"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("studyapp: error: not enough reviews to optimise")
    assert "0 in the log" in err and "512" in err and "\n" not in err


def test_exam_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imported(tmp_path, capsys)
    assert main(["exam", "gans"]) == 1
    assert "has no exam date: set one with studyapp exam gans YYYY-MM-DD" in capsys.readouterr().err
    when = (datetime.now() + timedelta(days=10)).date()
    assert main(["exam", "gans", when.isoformat()]) == 0
    out = capsys.readouterr().out
    assert f"exam on {when.isoformat()} at 09:00" in out
    assert "recall at the exam 0% · 3 of 3 not yet studied" in out
    assert "cards not yet studied count as forgotten" in out
    assert "plan (daily limits 20 new, 200 reviews" in out and " exam " in out
    assert main(["exam", "gans", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exam_date"] == when.isoformat() and data["exam_time"] == "09:00"
    assert data["figure"]["unseen"] == 3 and data["figure"]["cards"] == 3
    assert data["days"][0]["new"] == 3 and data["days"][-1]["day"] == when.isoformat()
    assert sum(d["new"] for d in data["days"]) == 3 and data["problems"] == []
    assert main(["exam", "gans", "tomorrowish"]) == 1
    assert "bad date" in capsys.readouterr().err
    assert main(["exam", "gans", "2020-01-01"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("studyapp: error: the exam date 2020-01-01 is past (") and "\n" not in err
    assert main(["exam", "gans", when.isoformat(), "--at", "7pm"]) == 1
    assert "not a time of day: '7pm'" in capsys.readouterr().err
    assert main(["exam", "gans", "--at", "14:30"]) == 0
    assert f"exam on {when.isoformat()} at 14:30" in capsys.readouterr().out
    assert main(["exam", "nosuchdeck", "none"]) == 1
    assert "matches no deck" in capsys.readouterr().err
    assert main(["exam", "gans", "none"]) == 0
    assert "cleared" in capsys.readouterr().out


def test_import_bad_deck_is_one_line_and_not_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02 not a deck \xff\xfe")
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"studyapp: error: {bad}") and "\n" not in err
    assert not (isolated_home / "decks" / "broken.txt").exists()
