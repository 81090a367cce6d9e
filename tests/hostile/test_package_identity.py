"""Whose card a package's note is (issue 19, items 5 and 15): a GUID counts only with the
same note type and top-level deck, a note without a GUID is never keyed by it, and the notes
a studyapp export wrote of bundled decks join those decks in a fresh data dir."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from studyapp.cli import main
from studyapp.study.service import Rating, StudyService
from tests.hostile.test_packages import SCHEMA_11

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


class Note(NamedTuple):
    guid: str | None
    front: str
    back: str
    deck: str = "A"
    notetype: str = "Basic"
    answers: int = 0


def package(path: Path, notes: list[Note]) -> Path:
    """A schema-11 package holding ``notes`` (one card each, ``answers`` Good answers a few
    days apart), built here: note types and decks by name."""
    folder = path.parent / f"{path.stem}-src"
    folder.mkdir()
    db = sqlite3.connect(folder / "collection.anki2")
    db.executescript(SCHEMA_11)
    types = {name: 100 + i for i, name in enumerate(dict.fromkeys(n.notetype for n in notes))}
    decks = {name: 200 + i for i, name in enumerate(dict.fromkeys(n.deck for n in notes))}
    models = {
        str(mid): {"name": name, "type": 0, "flds": [{"name": "Front", "ord": 0},
                   {"name": "Back", "ord": 1}], "tmpls": [{"ord": 0, "qfmt": "{{Front}}",
                   "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}]}
        for name, mid in types.items()
    }  # fmt: skip
    deck_json = {str(did): {"name": name} for name, did in decks.items()}
    db.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (json.dumps(models), json.dumps(deck_json)),
    )
    for i, note in enumerate(notes):
        nid, cid = 1000 + i, 2000 + i
        db.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, '', ?, ?, 0, 0, '')",
            (nid, note.guid, types[note.notetype], f"{note.front}\x1f{note.back}", note.front),
        )
        db.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            (cid, nid, decks[note.deck]),
        )
        for k in range(note.answers):
            at = int((T0 + timedelta(days=4 * k, minutes=i)).timestamp() * 1000)
            db.execute("INSERT INTO revlog VALUES (?, ?, -1, 3, 1, 0, 2500, 4000, ?)",
                       (at, cid, 0 if k == 0 else 1))  # fmt: skip
    db.commit()
    db.close()
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(folder / "collection.anki2", "collection.anki2")
        archive.writestr("media", "{}")
    return path


@pytest.fixture
def no_bundled_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


def cards(home: Path) -> list[tuple]:
    """``(front, deck name, reps, log rows)`` of every card, by id."""
    with sqlite3.connect(home / "studyapp.db") as db:
        return db.execute(
            "SELECT card.front, deck.name, card.reps, (SELECT count(*) FROM review_log"
            " WHERE review_log.card_id = card.id) FROM card JOIN deck ON deck.id = card.deck_id"
            " ORDER BY card.id"
        ).fetchall()


def imported(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["import", str(path)]) == 0
    return capsys.readouterr().out


# -- item 5 -----------------------------------------------------------------------------


@pytest.mark.usefixtures("no_bundled_decks")
def test_a_shared_guid_in_another_deck_brings_its_own_card(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(package(tmp_path / "A.apkg", [Note("g", "QA?", "aa", "A", answers=3)]), capsys)
    out = imported(package(tmp_path / "B.apkg", [Note("g", "QB?", "bb", "B")]), capsys)
    assert "1 added, 0 updated" in out
    assert cards(isolated_home) == [("QA?", "A", 3, 3), ("QB?", "B", 0, 0)]


@pytest.mark.usefixtures("no_bundled_decks")
def test_a_shared_guid_of_another_note_type_brings_its_own_card(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(package(tmp_path / "A.apkg", [Note("g", "QA?", "aa", answers=2)]), capsys)
    other = Note("g", "QB?", "bb", notetype="Basic (and reversed card)")
    assert "1 added" in imported(package(tmp_path / "B.apkg", [other]), capsys)
    assert cards(isolated_home) == [("QA?", "A", 2, 2), ("QB?", "A", 0, 0)]


@pytest.mark.usefixtures("no_bundled_decks")
def test_the_same_note_moved_within_its_lineage_is_still_the_same_card(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(package(tmp_path / "v1.apkg", [Note("g", "Q?", "a", "A::one", answers=2)]), capsys)
    moved = [Note("g", "Q, reworded?", "a", "A::two", answers=2)]
    assert "0 added, 1 updated" in imported(package(tmp_path / "v2.apkg", moved), capsys)
    assert cards(isolated_home) == [("Q, reworded?", "A::two", 2, 2)]


@pytest.mark.usefixtures("no_bundled_decks")
@pytest.mark.parametrize("guid", [None, "", "   "])
def test_a_note_without_a_guid_is_never_keyed_by_it(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str], guid: str | None
) -> None:
    both = [Note(guid, "Q1?", "a1", answers=3), Note(guid, "Q2?", "a2")]
    out = imported(package(tmp_path / "A.apkg", both), capsys)
    assert "2 added" in out and "twice" not in out
    assert "1 added, 0 updated" in imported(
        package(tmp_path / "B.apkg", [Note(guid, "Q3?", "a3")]), capsys
    )
    again = imported(tmp_path / "A.apkg", capsys)  # the same notes again: no duplicate
    assert "0 added, 0 updated, 2 unchanged" in again
    assert cards(isolated_home) == [("Q1?", "A", 3, 3), ("Q2?", "A", 0, 0), ("Q3?", "A", 0, 0)]


@pytest.mark.usefixtures("no_bundled_decks")
def test_cards_stored_under_the_guid_alone_are_kept_only_in_their_lineage(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database from before: the card's key is ``anki:<guid>:<ord>``."""
    imported(package(tmp_path / "A.apkg", [Note("g", "QA?", "aa", answers=2)]), capsys)
    with sqlite3.connect(isolated_home / "studyapp.db") as db:
        db.execute("UPDATE card SET \"key\" = 'anki:g:0'")
    other = imported(package(tmp_path / "Z.apkg", [Note("g", "QZ?", "zz", "Z")]), capsys)
    assert "1 added" in other
    again = imported(package(tmp_path / "A2.apkg", [Note("g", "QA?", "aa", answers=2)]), capsys)
    assert "0 added, 0 updated, 1 unchanged" in again
    assert cards(isolated_home) == [("QA?", "A", 2, 2), ("QZ?", "Z", 0, 0)]
    with sqlite3.connect(isolated_home / "studyapp.db") as db:
        keys = [k for (k,) in db.execute('SELECT "key" FROM card ORDER BY id')]
    assert keys[0] != "anki:g:0" and keys[0].startswith("anki:")  # filed under its new key


@pytest.mark.usefixtures("no_bundled_decks")
def test_a_package_update_keeps_the_text_the_user_wrote(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(package(tmp_path / "v1.apkg", [Note("g", "Q wiht typo?", "a")]), capsys)
    with StudyService.open() as service:
        [card] = service.cards.browse("typo")
        service.cards.edit(card.id, card.front, "my own answer")
    out = imported(package(tmp_path / "v2.apkg", [Note("g", "Q with typo?", "a")]), capsys)
    assert "1 updated (1 kept your edit)" in out
    assert cards(isolated_home) == [("Q with typo?", "A", 0, 0)]
    with StudyService.open() as service:
        assert service.cards.get(card.id).back == "my own answer"


# -- item 15 ----------------------------------------------------------------------------


def test_an_export_imported_into_a_fresh_data_dir_joins_the_bundled_decks(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with StudyService.open() as service:
        service.decks.sync_bundled()
        deck_id, _name = service.decks.find("CH20")
        card_id = service.reviews.queue(deck_id)[0]
        for day in range(3):
            service.reviews.record(card_id, Rating.GOOD, 900, T0 + timedelta(days=3 * day))
        bundled = len(service.decks.list())
        total = sum(d.total for d in service.decks.list())
    out = tmp_path / "everything.apkg"
    assert main(["export", "--apkg", str(out)]) == 0
    fresh = tmp_path / "fresh-home"
    fresh.mkdir()
    monkeypatch.setenv("STUDYAPP_HOME", str(fresh))
    monkeypatch.setenv("STUDYAPP_DB", str(fresh / "studyapp.db"))
    said = imported(out, capsys)
    assert "0 added" in said and f"{total} already here" in said and "3 reviews" in said
    assert main(["exam", "CH20", "none"]) == 0  # one deck, not two
    with StudyService.open() as service:
        assert len(service.decks.list()) == bundled
        [card] = [c for c in service.cards.browse(deck_id=service.decks.find("CH20")[0])
                  if c.reps]  # fmt: skip
        assert card.reps == 3 and card.state == "review"
    assert "0 added" in imported(out, capsys)  # and again: still nothing doubled


@pytest.mark.usefixtures("no_bundled_decks")
def test_an_export_imported_back_into_its_own_data_dir_doubles_nothing(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "mine.txt"
    deck.write_text("deck: Mine::Sub\n\nQ: one?\nA: 1\n\nQ: two?\nA: 2\n")
    assert main(["import", str(deck)]) == 0
    imported(package(tmp_path / "A.apkg", [Note("g", "QA?", "aa", answers=2)]), capsys)
    assert main(["export", "--apkg", str(tmp_path / "all.apkg")]) == 0
    before = cards(isolated_home)
    said = imported(tmp_path / "all.apkg", capsys)
    assert "0 added" in said and "3 already here" in said
    assert cards(isolated_home) == before
