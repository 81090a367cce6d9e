"""``studyapp export --apkg`` never writes over the database (any of its files, by any name)
nor, without ``--force``, over a file that is not an Anki package (issue 19, item 2)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from studyapp.cli import main

DECK = "Q: export question?\nA: export answer\n"


@pytest.fixture
def home(tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir holding one imported deck (no bundled decks)."""
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))
    deck = tmp_path / "deck.txt"
    deck.write_text(DECK)
    assert main(["import", str(deck)]) == 0
    return isolated_home


def database_intact(home: Path) -> None:
    with sqlite3.connect(home / "studyapp.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT front FROM card").fetchall() == [("export question?",)]
    assert main(["stats"]) == 0


def refused(args: list[str], capsys: pytest.CaptureFixture[str], words: str) -> str:
    capsys.readouterr()
    assert main(["export", *args]) == 1
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_database_and_its_files_are_refused(
    home: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    target = home / f"studyapp.db{suffix}"
    refused(["--apkg", str(target)], capsys, "studyapp database")
    refused(["--apkg", str(target), "--force"], capsys, "studyapp database")
    database_intact(home)


def test_the_database_by_another_name_is_refused(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "innocent.apkg"
    link.symlink_to(home / "studyapp.db")
    refused(["--apkg", str(link), "--force"], capsys, "studyapp database")
    hard = home / "hard.apkg"
    hard.hardlink_to(home / "studyapp.db")
    refused(["--apkg", str(hard), "--force"], capsys, "studyapp database")
    dotted = f"{home}/../{home.name}/./studyapp.db"
    refused(["--apkg", dotted], capsys, "studyapp database")
    database_intact(home)


def test_a_file_that_is_not_a_package_needs_force(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "thesis.tex"
    notes.write_text("my thesis\n")
    refused(["--apkg", str(notes)], capsys, "--force")
    assert notes.read_text() == "my thesis\n"
    assert main(["export", "--apkg", str(notes), "--force"]) == 0
    assert zipfile.ZipFile(notes).namelist() == ["collection.anki2", "media"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_folder_is_refused(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(["--apkg", str(tmp_path), "--force"], capsys, "folder")


def test_an_earlier_export_is_replaced(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.apkg"
    assert main(["export", "--apkg", str(out)]) == 0
    first = out.stat().st_ino
    assert main(["export", "--apkg", str(out)]) == 0
    assert out.stat().st_ino != first  # a new file renamed over the old one
    assert zipfile.ZipFile(out).namelist() == ["collection.anki2", "media"]
