"""Re-imports that lost or hid the user's data (issue 19, items 3, 4 and 12): a one-card file
sharing a base name retired a whole deck, a typo fix in the file threw away an answer the user
wrote, and ``--as NAME`` named only the file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.study.service import Rating, StudyService


@pytest.fixture(autouse=True)
def no_bundled_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))


def big(folder: Path, name: str, count: int) -> str:
    """``folder/big.txt`` holding the deck ``name`` of ``count`` cards, as an argument."""
    body = "".join(f"Q: big question {i}?\nA: big answer {i}\n\n" for i in range(count))
    return str(write(folder, "big.txt", f"deck: {name}\n\n{body}"))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def query(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "studyapp.db") as db:
        return db.execute(sql).fetchall()


def answer(card_id: int, times: int) -> None:
    with StudyService.open() as service:
        for _ in range(times):
            service.reviews.record(card_id, Rating.GOOD, 500)


# -- item 3: a different file is a different deck unless --replace ------------------------


def test_a_one_card_file_sharing_a_base_name_retires_nothing(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", big(tmp_path / "f1", "BigA", 100)]) == 0
    [(first,)] = query(isolated_home, "SELECT min(id) FROM card")
    answer(first, 2)
    before = query(isolated_home, "SELECT id, front, removed, reps FROM card ORDER BY id")
    capsys.readouterr()
    assert main(["import", big(tmp_path / "f2", "BigB", 1)]) == 1  # one card in common
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--as" in err and "--replace" in err
    assert "100 cards" in err and "1 in common" in err and "'BigB'" in err
    assert query(isolated_home, "SELECT id, front, removed, reps FROM card ORDER BY id") == before
    assert query(isolated_home, "SELECT name FROM deck") == [("BigA",)]


def test_the_same_deck_name_with_one_card_in_common_is_refused_too(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", big(tmp_path / "f1", "BigA", 100)]) == 0
    capsys.readouterr()
    assert main(["import", big(tmp_path / "f2", "BigA", 1)]) == 1
    assert "1 in common" in capsys.readouterr().err
    assert query(isolated_home, "SELECT count(*) FROM card WHERE removed = 0") == [(100,)]


def test_replace_says_what_it_retired(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", big(tmp_path / "f1", "BigA", 100)]) == 0
    capsys.readouterr()
    assert main(["import", "--replace", big(tmp_path / "f2", "BigB", 1)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "100 removed (history kept)" in out
    assert query(isolated_home, "SELECT count(*) FROM card WHERE removed = 0") == [(1,)]


def test_a_version_from_elsewhere_updates_and_says_so(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = big(tmp_path / "f1", "BigA", 10)
    assert main(["import", first]) == 0
    capsys.readouterr()
    assert main(["import", big(tmp_path / "f2", "BigA", 11)]) == 0
    out = capsys.readouterr().out
    assert (
        "1 added" in out and "0 removed" in out and f"earlier from {Path(first).resolve()}" in out
    )


# -- item 4: what the user wrote wins over the file ---------------------------------------

SEE_IMAGE = "Q: What does {word} show?\nA: (See image)\n\nQ: Another question?\nA: another answer\n"


def test_a_reimport_keeps_the_answer_the_user_wrote(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write(tmp_path, "figures.txt", SEE_IMAGE.format(word="the figre"))
    assert main(["import", str(deck)]) == 0
    with StudyService.open() as service:
        [card] = service.cards.browse("the figre")
        assert card.back == "" and card.suspended
        service.cards.edit(card.id, card.front, "A VAE's latent traversal")
    answer(card.id, 3)
    deck.write_text(SEE_IMAGE.format(word="the figure"))  # a typo fixed in the file
    capsys.readouterr()
    assert main(["import", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "1 updated (1 kept your edit)" in out and "your text stays" in out
    with StudyService.open() as service:
        kept = service.cards.get(card.id)
    assert kept.front == "What does the figure show?"  # the file's fix, on the side not edited
    assert kept.back == "A VAE's latent traversal" and kept.reps == 3 and not kept.suspended
    deck.write_text(SEE_IMAGE.format(word="the figure") + "\n")  # touched again: still kept
    assert main(["import", str(deck)]) == 0
    assert query(isolated_home, f"SELECT back FROM card WHERE id = {card.id}") == [
        ("A VAE's latent traversal",)
    ]


def test_a_typo_fix_leaves_a_card_without_its_answer_suspended(
    tmp_path: Path, isolated_home: Path
) -> None:
    deck = write(tmp_path, "figures.txt", SEE_IMAGE.format(word="the figre"))
    assert main(["import", str(deck)]) == 0
    deck.write_text(SEE_IMAGE.format(word="the figure"))
    assert main(["import", str(deck)]) == 0
    assert query(isolated_home, "SELECT front, suspended FROM card ORDER BY id") == [
        ("What does the figure show?", 1), ("Another question?", 0)
    ]  # fmt: skip


def test_an_edit_back_to_the_file_text_lets_the_file_lead_again(
    tmp_path: Path, isolated_home: Path
) -> None:
    deck = write(tmp_path, "plain.txt", "Q: Question one?\nA: answer one\n")
    assert main(["import", str(deck)]) == 0
    with StudyService.open() as service:
        [card] = service.cards.browse("question one")
        service.cards.edit(card.id, "My question one?", card.back)
        service.cards.edit(card.id, "Question one?", card.back)  # the user says otherwise
    deck.write_text("Q: Question one, reworded?\nA: answer one\n")
    assert main(["import", str(deck)]) == 0
    assert query(isolated_home, "SELECT front, edited FROM card") == [
        ("Question one, reworded?", 0)
    ]


# -- item 12: --as NAME names the deck everywhere -----------------------------------------


def test_as_name_names_the_deck_in_the_app_stats_and_decks(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = "deck: my\n\nQ: first question?\nA: first answer\n"
    assert main(["import", str(write(tmp_path / "a", "my.txt", mine))]) == 0
    other = write(tmp_path / "b", "my.txt", mine.replace("first", "second"))
    assert main(["import", "--as", "Second deck", str(other)]) == 0
    with StudyService.open() as service:
        assert sorted(d.name for d in service.decks.list()) == ["Second deck", "my"]
        assert service.decks.find("Second deck")[1] == "Second deck"
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert "Second deck" in json.dumps(stats)
    assert main(["decks", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["decks"]
    assert sorted(r["name"] for r in rows) == ["Second deck", "my"]
    copy = isolated_home / "decks" / "Second deck.txt"
    copy.write_text(mine.replace("first", "third"))  # changed in the data dir: a re-sync
    with StudyService.open() as service:
        service.decks.sync_user()
        assert sorted(d.name for d in service.decks.list()) == ["Second deck", "my"]
    assert main(["import", "--as", "Second deck", str(other)]) == 0
    assert sorted(query(isolated_home, "SELECT name FROM deck")) == [("Second deck",), ("my",)]
