"""``studyapp import FILE.apkg``: Anki-made packages stored with decks, tags, media, history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.study.service import StudyService
from tests.apkg.builders import EXPECTED, HISTORY, PNG


@pytest.fixture(autouse=True)
def no_bundled_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


def rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "studyapp.db") as db:
        return db.execute(sql).fetchall()


@pytest.mark.parametrize("kind", ["legacy", "anki21b"])
def test_package_stores_decks_cards_tags_media_and_history(
    packages: dict[str, Path], kind: str, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(packages[kind])]) == 0
    out = capsys.readouterr().out
    assert "8 added" in out and f"{len(HISTORY)} reviews" in out
    decks = dict(rows(isolated_home, "SELECT name, source FROM deck"))
    assert set(decks) == {"Generative", "Generative::GAN", "Generative::VAE"}
    assert set(decks.values()) == {f"anki/{name}" for name in decks}
    cards = rows(isolated_home, "SELECT deck.name, card.front, card.back, card.tags, card.state,"
                 " card.reps, card.lapses, card.suspended FROM card JOIN deck ON"
                 " deck.id = card.deck_id")  # fmt: skip
    expected = sorted((e.deck, f, b) for e in EXPECTED.values() for f, b in e.cards)
    assert sorted(c[:3] for c in cards) == expected
    by_front = {c[1]: c for c in cards}
    basic = by_front[EXPECTED["basic"].cards[0][0]]
    assert sorted(eval(basic[3])) == ["kl", "vae"]  # JSON list of plain strings
    # five answers in Anki: not new here; the lapse is counted
    assert basic[4] != 0 and basic[5] == len(HISTORY) and basic[6] == 1
    assert by_front["The GAN objective?"][7] == 1  # suspended in Anki
    assert rows(isolated_home, "SELECT count(*) FROM review_log WHERE kind = 'review'") == [
        (len(HISTORY),)
    ]
    media = isolated_home / "media" / "sample.png"
    assert media.read_bytes() == PNG
    assert not (isolated_home / "decks").exists() or not any((isolated_home / "decks").iterdir())


def test_reimport_updates_by_guid_and_never_duplicates(
    packages: dict[str, Path], isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(packages["anki21b"])]) == 0
    with StudyService.open() as service:
        [card] = [c for c in service.cards.browse("KL term") if not c.removed]
        service.cards.edit(card.id, "My own question", card.back)
    capsys.readouterr()
    assert main(["import", str(packages["legacy"])]) == 0  # the same notes, other generation
    out = capsys.readouterr().out
    assert "0 added" in out and "8 unchanged" in out and "0 reviews" in out
    assert rows(isolated_home, "SELECT count(*) FROM card") == [(8,)]
    assert rows(isolated_home, "SELECT count(*) FROM deck") == [(3,)]
    assert rows(isolated_home, "SELECT count(*) FROM review_log") == [(len(HISTORY),)]
    assert ("My own question",) in rows(isolated_home, "SELECT front FROM card")


def test_answers_added_in_anki_are_merged_on_reimport(tmp_path: Path, isolated_home: Path) -> None:
    from datetime import timedelta

    from tests.apkg.builders import HISTORY_START, build_collection, export_package

    col, ids = build_collection(tmp_path / "src")
    first = export_package(col, tmp_path / "first.apkg", legacy=False)
    assert main(["import", str(first)]) == 0
    card_id = col.db.scalar("SELECT id FROM cards WHERE nid = ?", ids["basic"])
    at = HISTORY_START + timedelta(days=30)
    col.db.execute("INSERT INTO revlog VALUES (?, ?, -1, 3, 20, 10, 2500, 5000, 1)",
                   int(at.timestamp() * 1000), card_id)  # fmt: skip
    second = export_package(col, tmp_path / "second.apkg", legacy=False)
    col.close()
    assert main(["import", str(second)]) == 0
    assert rows(isolated_home, "SELECT count(*) FROM review_log") == [(len(HISTORY) + 1,)]
    assert rows(isolated_home, "SELECT max(reps) FROM card") == [(len(HISTORY) + 1,)]


def test_small_batches_give_the_same_result(packages: dict[str, Path], isolated_home: Path) -> None:
    with StudyService.open() as service:
        report = service.imports.package(packages["anki21b"], media_dir=isolated_home / "m",
                                         batch=3)  # fmt: skip
    assert (report.added, report.reviews, report.media) == (8, len(HISTORY), 1)
    assert rows(isolated_home, "SELECT count(*) FROM card") == [(8,)]


def test_a_locked_database_is_said_and_waited_for(
    packages: dict[str, Path], isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from studyapp.store import engine
    from studyapp.study.context import WAITING

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    said: list[str] = []
    with StudyService.open() as service:
        service.decks.list()  # the schema exists before the other writer takes the lock
        other = sqlite3.connect(
            isolated_home / "studyapp.db", isolation_level=None, check_same_thread=False
        )
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(1.0, other.execute, ("COMMIT",)).start()
        report = service.imports.package(packages["anki21b"], media_dir=isolated_home / "m",
                                         on_wait=said.append)  # fmt: skip
        other.close()
    assert said == [WAITING] and report.added == 8


def test_the_sqlalchemy_path_imports_and_reimports_alike(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    with StudyService.open(":memory:") as service:  # runs through SQLAlchemy, as PostgreSQL
        assert not service.db.direct
        first = service.imports.package(packages["legacy"], media_dir=tmp_path / "m")
        again = service.imports.package(packages["anki21b"], media_dir=tmp_path / "m")
        totals = {d.name: d.total for d in service.decks.list()}
    assert (first.added, first.reviews, again.added, again.unchanged) == (8, len(HISTORY), 0, 8)
    assert totals == {"Generative": 2, "Generative::GAN": 4, "Generative::VAE": 2}


def test_an_import_by_the_same_service_is_seen_by_its_open_session(
    packages: dict[str, Path], isolated_home: Path, tmp_path: Path
) -> None:
    """The session's kept queue and deck cache are dropped by an import's write: the package's
    new cards count at once (every deck's session), as a fresh read counts them."""
    from tests.study.conftest import make_deck

    with StudyService.open(str(tmp_path / "s.db")) as service:
        service.imports.parsed(make_deck(3))
        before = service.reviews.start(None)
        assert before is not None and before.counts.new == 3
        service.imports.package(packages["anki21b"], media_dir=isolated_home / "m")
        after = service.reviews.next()
        fresh = service.reviews.peek(None)
        assert after is not None and fresh is not None
        assert after.counts == fresh.counts and after.counts.new > 3
