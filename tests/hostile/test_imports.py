"""Issue 12 regressions for ``studyapp import``: a same-named file never hijacks a deck, the
data dir's ``decks/`` is never written through a link, modes are kept, temp files never
outlive a killed import, and a bad package writes nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.study.service import Rating, StudyService

ALPHA = "Q: a1 question?\nA: a1 answer\n\nQ: a2 question?\nA: a2 answer\n"
BETA = "Q: b1 question about something else?\nA: b1 answer\n"


@pytest.fixture(autouse=True)
def no_bundled_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


def deck_file(folder: Path, text: str, name: str = "deck.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def query(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "studyapp.db") as db:
        return db.execute(sql).fetchall()


def answer_all() -> int:
    """Answer every card shown (Good); returns how many answers."""
    with StudyService.open() as service:
        count, queued = 0, service.reviews.start()
        while queued is not None and count < 10:
            queued = service.reviews.answer(queued.card.id, Rating.GOOD, 800).next
            count += 1
        return count


def test_same_base_name_from_elsewhere_is_refused_with_the_way_out(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(deck_file(tmp_path / "a", ALPHA))]) == 0
    assert answer_all() >= 2
    before = query(isolated_home, "SELECT id, front, reps FROM card ORDER BY id")
    capsys.readouterr()
    assert main(["import", str(deck_file(tmp_path / "b", BETA))]) == 1
    err = capsys.readouterr().err
    assert "--as" in err and "--replace" in err and len(err.strip().splitlines()) == 1
    assert query(isolated_home, "SELECT id, front, reps FROM card ORDER BY id") == before
    assert (isolated_home / "decks" / "deck.txt").read_text() == ALPHA
    assert query(isolated_home, "SELECT count(*) FROM deck") == [(1,)]


def test_as_name_makes_a_new_deck(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(deck_file(tmp_path / "a", ALPHA))]) == 0
    assert main(["import", "--as", "beta", str(deck_file(tmp_path / "b", BETA))]) == 0
    assert (isolated_home / "decks" / "beta.txt").read_text() == BETA
    assert (isolated_home / "decks" / "deck.txt").read_text() == ALPHA
    assert sorted(query(isolated_home, "SELECT source FROM deck")) == [
        ("user/beta.txt",), ("user/deck.txt",)
    ]  # fmt: skip


def test_replace_retires_old_cards_and_never_merges_them(
    tmp_path: Path, isolated_home: Path
) -> None:
    assert main(["import", str(deck_file(tmp_path / "a", ALPHA))]) == 0
    answer_all()
    assert main(["import", "--replace", str(deck_file(tmp_path / "b", BETA))]) == 0
    cards = query(isolated_home, "SELECT front, removed, reps FROM card ORDER BY id")
    assert [(f, r) for f, r, _ in cards] == [
        ("a1 question?", 1), ("a2 question?", 1), ("b1 question about something else?", 0)
    ]  # fmt: skip
    assert cards[2][2] == 0  # the new card inherited no history


def test_the_same_deck_moved_elsewhere_still_updates(tmp_path: Path, isolated_home: Path) -> None:
    assert main(["import", str(deck_file(tmp_path / "a", ALPHA))]) == 0
    moved = deck_file(tmp_path / "moved", ALPHA + "\nQ: a3 question?\nA: a3 answer\n")
    assert main(["import", str(moved)]) == 0
    assert query(isolated_home, "SELECT count(*) FROM card WHERE removed = 0") == [(3,)]


def test_import_never_writes_through_a_link_in_decks(tmp_path: Path, isolated_home: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("my own notes\n")
    decks = isolated_home / "decks"
    decks.mkdir()
    (decks / "deck.txt").symlink_to(precious)
    assert main(["import", str(deck_file(tmp_path / "a", ALPHA))]) == 0
    assert precious.read_text() == "my own notes\n"
    assert not (decks / "deck.txt").is_symlink()
    assert (decks / "deck.txt").read_text() == ALPHA


def test_the_copy_keeps_the_file_mode(tmp_path: Path, isolated_home: Path) -> None:
    source = deck_file(tmp_path / "a", ALPHA)
    source.chmod(0o600)
    assert main(["import", str(source)]) == 0
    assert (isolated_home / "decks" / "deck.txt").stat().st_mode & 0o777 == 0o600


def test_not_a_regular_file_is_refused_by_name(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "deck.txt"
    os.mkfifo(fifo)
    assert main(["import", str(fifo)]) == 1
    assert "FIFO" in capsys.readouterr().err
    assert main(["import", str(tmp_path)]) == 1
    assert "directory" in capsys.readouterr().err


def test_stale_temp_of_a_killed_import_is_swept_and_never_imported(
    tmp_path: Path, isolated_home: Path
) -> None:
    decks = isolated_home / "decks"
    decks.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    stale = decks / f".deck.txt.{dead}.import.tmp"
    stale.write_text(ALPHA)
    with StudyService.open() as service:
        assert service.decks.sync_user() == []
        assert service.decks.list() == []
    assert not stale.exists()


SLOW_IMPORT = """
import sys, time
sys.path.insert(0, {root!r})
import studyapp.study.import_text as it
original = it.write_new
def slow(*args, **kwargs):
    original(*args, **kwargs)
    print("copied", flush=True)
    time.sleep(60)
it.write_new = slow
from studyapp.cli import main
sys.exit(main(["import", {deck!r}]))
"""


def test_sigterm_mid_import_leaves_no_copy_and_no_temp(tmp_path: Path, isolated_home: Path) -> None:
    deck = deck_file(tmp_path / "a", ALPHA)
    script = SLOW_IMPORT.format(root=str(Path(__file__).parents[2]), deck=str(deck))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "copied"
        assert len(list((isolated_home / "decks").glob(".deck.txt.*.tmp"))) == 1
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
    assert list((isolated_home / "decks").iterdir()) == []
    assert query(isolated_home, "SELECT count(*) FROM deck") == [(0,)]


def test_a_bad_package_writes_nothing(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.apkg"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x00" * 200)
        archive.writestr("media", '{"0": "../escape.png"}')
        archive.writestr("0", b"png")
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and len(err.strip().splitlines()) == 1
    assert not (isolated_home / "media").exists() and not (tmp_path / "escape.png").exists()
    assert not (isolated_home / "decks").exists()
    assert not (isolated_home / "studyapp.db").exists()
