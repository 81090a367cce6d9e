"""Media names are shared by every package: a clash is stored by content, cards follow it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from studyapp.cli import main
from tests.apkg.builders import PNG, export_package

OTHER = PNG + b"another picture under the same name"


def picture_package(folder: Path, picture: bytes, front: str) -> Path:
    """A package made by Anki: one Basic note whose back shows ``pic.png`` (``picture``)."""
    from anki.collection import Collection

    folder.mkdir(parents=True)
    col = Collection(str(folder / "collection.anki2"))
    (folder / "pic.png").write_bytes(picture)
    assert col.media.add_file(str(folder / "pic.png")) == "pic.png"
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = front, 'See <img src="pic.png">'
    col.add_note(note, col.decks.id("Pictures"))
    out = export_package(col, folder.parent / f"{folder.name}.apkg", legacy=False)
    col.close()
    return out


def backs(home: Path) -> dict[str, str]:
    with sqlite3.connect(home / "studyapp.db") as db:
        return dict(db.execute("SELECT front, back FROM card").fetchall())


def test_same_name_other_bytes_is_renamed_and_cards_follow(
    tmp_path: Path, isolated_home: Path
) -> None:
    first = picture_package(tmp_path / "first", PNG, "First?")
    second = picture_package(tmp_path / "second", OTHER, "Second?")
    assert main(["import", str(first)]) == 0
    assert main(["import", str(second)]) == 0
    renamed = f"pic-{hashlib.sha256(OTHER).hexdigest()[:8]}.png"
    media = isolated_home / "media"
    assert (media / "pic.png").read_bytes() == PNG  # the first package's picture is kept
    assert (media / renamed).read_bytes() == OTHER
    assert backs(isolated_home) == {"First?": "See [image: pic.png]",
                                    "Second?": f"See [image: {renamed}]"}  # fmt: skip
    # importing both again changes nothing: same bytes keep their names, no third copy
    assert main(["import", str(second)]) == 0
    assert main(["import", str(first)]) == 0
    assert sorted(p.name for p in media.iterdir()) == sorted(["pic.png", renamed])
    assert backs(isolated_home)["Second?"] == f"See [image: {renamed}]"


def test_same_name_same_bytes_keeps_the_name(tmp_path: Path, isolated_home: Path) -> None:
    first = picture_package(tmp_path / "first", PNG, "First?")
    again = picture_package(tmp_path / "again", PNG, "Again?")
    assert main(["import", str(first)]) == 0
    assert main(["import", str(again)]) == 0
    assert sorted(p.name for p in (isolated_home / "media").iterdir()) == ["pic.png"]
    assert backs(isolated_home)["Again?"] == "See [image: pic.png]"
