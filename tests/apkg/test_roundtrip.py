"""Round trips with Anki itself: our export imported into a fresh Anki collection, and an
Anki-made package imported here (``service.imports.package``), exported again and imported back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.deckfmt.apkg import read_package
from tests.apkg.builders import export_package, import_into_fresh
from tests.apkg.storedb import T0, add_small_collection, open_db

pytest.importorskip("anki.collection", reason="round trips need the anki package")


def counts(col: object) -> tuple[int, int, int]:
    db = col.db  # type: ignore[attr-defined]
    return (db.scalar("SELECT count() FROM notes"), db.scalar("SELECT count() FROM cards"),
            db.scalar("SELECT count() FROM revlog"))  # fmt: skip


def test_our_export_keeps_notes_cards_and_reviews_in_anki(tmp_path: Path) -> None:
    with open_db(tmp_path / "s.db", T0 + timedelta(days=30)) as service:
        add_small_collection(service)
        report = service.exports.apkg(tmp_path / "out.apkg")
    col = import_into_fresh(tmp_path / "out.apkg", tmp_path / "anki")
    try:
        assert counts(col) == (report.notes, report.notes, report.reviews) == (3, 3, 5)
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"Alpha", "Beta"} <= names
        assert col.db.scalar("SELECT count() FROM cards WHERE queue = -1") == 1
    finally:
        col.close()


def basic_collection(folder: Path, notes: int, answers: int) -> object:
    """An Anki collection of Basic notes, each answered ``answers`` times a few days apart."""
    from anki.collection import Collection

    folder.mkdir(parents=True)
    col = Collection(str(folder / "collection.anki2"))
    deck = col.decks.id("Course::Week 1")
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    for n in range(notes):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = f"Question {n} <b>bold</b>", f"Answer {n}"
        note.tags = ["week1"]
        col.add_note(note, deck)
        cid = col.db.scalar("SELECT id FROM cards WHERE nid = ?", note.id)
        for i in range(answers if n % 2 == 0 else 0):
            at = start + timedelta(days=3 * i, minutes=n)
            col.db.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, 1, 0, 2500, 4000, ?)",
                           int(at.timestamp() * 1000), cid, 1 if i == 2 else 3,
                           0 if i == 0 else 1)  # fmt: skip
    return col


def test_anki_package_read_stored_exported_and_back_into_anki(tmp_path: Path) -> None:
    source = basic_collection(tmp_path / "source", notes=12, answers=5)
    original = counts(source)
    assert original == (12, 12, 30)
    package = export_package(source, tmp_path / "anki-made.apkg", legacy=False)
    source.close()  # type: ignore[attr-defined]
    assert read_package(package).review_count == 30
    from studyapp.study.service import StudyService

    with StudyService.open(str(tmp_path / "s.db")) as service:
        imported = service.imports.package(package, media_dir=tmp_path / "media")
        assert (imported.added, imported.reviews) == (12, 30)
        report = service.exports.apkg(tmp_path / "again.apkg")
    assert (report.notes, report.reviews) == (12, 30)
    back = import_into_fresh(tmp_path / "again.apkg", tmp_path / "anki-again")
    try:
        assert counts(back) == original
        per_card = sorted(n for (n,) in back.db.all(
            "SELECT count() FROM revlog GROUP BY cid"))  # fmt: skip
        assert per_card == [5] * 6
        # the rebuilt FSRS memory travels in cards.data: reviewed cards are not new in Anki
        assert back.db.scalar("SELECT count() FROM cards WHERE type != 0") == 6
    finally:
        back.close()
