"""Hostile Anki packages: each is one clear error naming the file, and nothing is written.

Not a zip, a truncated zip, zip bombs (declared size past the limit; a zstd collection or a
media member inflating past it), no collection, a corrupt collection, unsafe media names,
a future collection schema or package version, and links in the media folder.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from studyapp.deckfmt.apkg import PackageError, container, extract_media, read_package
from studyapp.deckfmt.apkg.model import MediaFile


@pytest.fixture(autouse=True)
def private_tmp(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reader's temp copies go to the data dir's ``tmp``; the system's temp folder is
    redirected too, so a test can see that none is left behind in either."""
    system = tmp_path / "system-tmp"
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    folder = isolated_home / "tmp"
    folder.mkdir()
    return folder


SCHEMA_11 = (
    "CREATE TABLE col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags);"
    "CREATE TABLE notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data);"
    "CREATE TABLE cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps,"
    " lapses, left, odue, odid, flags, data);"
    "CREATE TABLE revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type);"
)
"""The four tables of a schema-11 collection a package needs, untyped (crafted packages)."""


def collection_bytes(tmp_path: Path, version: int = 11) -> bytes:
    """A minimal schema-11 collection (one Basic note) with ``col.ver = version``."""
    path = tmp_path / f"col-{version}.anki2"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_11)
    models = {"5": {"name": "Basic", "type": 0, "flds": [{"name": "Front", "ord": 0},
              {"name": "Back", "ord": 1}], "tmpls": [{"ord": 0, "qfmt": "{{Front}}",
              "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}]}}  # fmt: skip
    db.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, ?, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (version, json.dumps(models), json.dumps({"1": {"name": "Default"}})),
    )
    db.execute("INSERT INTO notes VALUES (7, 'g', 5, 0, 0, '', 'Q\x1fA', 'Q', 0, 0, '')")
    db.execute("INSERT INTO cards VALUES (8, 7, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, '')")
    db.commit()
    db.close()
    return path.read_bytes()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def refused(path: Path, words: str, tmp_folder: Path) -> None:
    with pytest.raises(PackageError) as caught:
        read_package(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and words in message and "\n" not in message
    assert list(tmp_folder.iterdir()) == []  # no temp copy left behind


def test_a_good_minimal_package_reads(tmp_path: Path) -> None:
    good = make_zip(tmp_path / "ok.apkg", {"collection.anki2": collection_bytes(tmp_path)})
    [card] = read_package(good).cards
    assert (card.front, card.back) == ("Q", "A")


def test_not_a_zip(tmp_path: Path, private_tmp: Path) -> None:
    bad = tmp_path / "text.apkg"
    bad.write_text("Q: front\nA: back\n")
    refused(bad, "not a zip", private_tmp)


def test_truncated_zip(tmp_path: Path, private_tmp: Path) -> None:
    good = make_zip(tmp_path / "good.apkg", {"collection.anki2": collection_bytes(tmp_path)})
    data = good.read_bytes()
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(data[: len(data) // 2])
    refused(cut, "zip", private_tmp)


def test_zip_bomb_by_declared_size(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container, "MAX_COLLECTION_BYTES", 1 << 20)
    bomb = make_zip(tmp_path / "bomb.apkg", {"collection.anki2": b"\0" * (8 << 20)})
    assert bomb.stat().st_size < 64 << 10
    refused(bomb, "limit", private_tmp)


def test_zstd_collection_bomb_is_capped_while_streaming(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zstandard

    monkeypatch.setattr(container, "MAX_COLLECTION_BYTES", 1 << 20)
    frame = zstandard.ZstdCompressor().compress(b"\0" * (16 << 20))
    bomb = make_zip(tmp_path / "bomb21b.apkg", {"collection.anki21b": frame})
    refused(bomb, "inflates past", private_tmp)


def test_media_member_past_the_limit(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container, "MAX_MEDIA_FILE_BYTES", 1 << 20)
    members = {"collection.anki2": collection_bytes(tmp_path), "media": b'{"0": "a.png"}',
               "0": b"\0" * (4 << 20)}  # fmt: skip
    refused(make_zip(tmp_path / "media-bomb.apkg", members), "limit", private_tmp)


def test_no_collection(tmp_path: Path, private_tmp: Path) -> None:
    empty = make_zip(tmp_path / "empty.apkg", {"media": b"{}"})
    refused(empty, "no collection", private_tmp)


@pytest.mark.parametrize(
    "data", [b"definitely not sqlite", b"SQLite format 3\x00" + b"\xff" * 8000, b""]
)
def test_corrupt_collection(tmp_path: Path, private_tmp: Path, data: bytes) -> None:
    bad = make_zip(tmp_path / "corrupt.apkg", {"collection.anki2": data})
    refused(bad, "corrupt collection", private_tmp)


def test_corrupt_zstd_collection(tmp_path: Path, private_tmp: Path) -> None:
    bad = make_zip(tmp_path / "corrupt21b.apkg", {"collection.anki21b": b"\x28\xb5\x2f\xfdjunk"})
    refused(bad, "corrupt", private_tmp)


@pytest.mark.parametrize(
    "name", ["../evil.png", "/etc/passwd", "C:evil.png", "a\x00b.png", "sub/x.png", "..",
             "a\\..\\b.png", ""],
)  # fmt: skip
def test_unsafe_media_names(tmp_path: Path, private_tmp: Path, name: str) -> None:
    members = {"collection.anki2": collection_bytes(tmp_path),
               "media": json.dumps({"0": name}).encode(), "0": b"x"}  # fmt: skip
    refused(make_zip(tmp_path / "names.apkg", members), "media", private_tmp)
    assert not (tmp_path / "evil.png").exists()


def test_future_collection_schema(tmp_path: Path, private_tmp: Path) -> None:
    future = make_zip(tmp_path / "f.apkg", {"collection.anki2": collection_bytes(tmp_path, 19)})
    refused(future, "schema 19 is newer", private_tmp)


@pytest.mark.parametrize("rid", [2**63 - 1, 253_402_300_700_000, -(10**17), 1e20])
def test_review_time_out_of_range(tmp_path: Path, private_tmp: Path, rid: float) -> None:
    """A revlog id (its answer time in ms) past year 9000 or before year 1: no overflow
    traceback at read or replay, one clear error."""
    path = tmp_path / "col.anki2"
    path.write_bytes(collection_bytes(tmp_path))
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO revlog VALUES (?, 8, 0, 3, 1, 0, 2500, 100, 1)", (rid,))
    bad = make_zip(tmp_path / "t.apkg", {"collection.anki2": path.read_bytes()})
    refused(bad, "corrupt collection", private_tmp)


def test_future_package_version(tmp_path: Path, private_tmp: Path) -> None:
    members = {"meta": b"\x08\x04", "collection.anki2": collection_bytes(tmp_path)}
    refused(make_zip(tmp_path / "v4.apkg", members), "package version 4", private_tmp)


def test_media_never_writes_through_a_link(tmp_path: Path) -> None:
    members = {"collection.anki2": collection_bytes(tmp_path), "media": b'{"0": "a.png"}',
               "0": b"picture"}  # fmt: skip
    package = make_zip(tmp_path / "m.apkg", members)
    victim = tmp_path / "victim.txt"
    victim.write_text("user's own file")
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "a.png").symlink_to(victim)
    extract_media(package, read_package(package).media, folder)
    assert victim.read_text() == "user's own file"
    assert not (folder / "a.png").is_symlink()
    assert (folder / "a.png").read_bytes() == b"picture"


def test_media_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    members = {"collection.anki2": collection_bytes(tmp_path), "media": b'{"0": "a.png"}',
               "0": b"picture"}  # fmt: skip
    package = make_zip(tmp_path / "m.apkg", members)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "media").symlink_to(elsewhere)
    with pytest.raises(PackageError, match="link"):
        extract_media(package, read_package(package).media, tmp_path / "media")
    assert list(elsewhere.iterdir()) == []


def test_extract_rechecks_names_and_cleans_up(tmp_path: Path) -> None:
    members = {"collection.anki2": collection_bytes(tmp_path), "media": b'{"0": "a.png"}',
               "0": b"picture"}  # fmt: skip
    package = make_zip(tmp_path / "m.apkg", members)
    forged = [*read_package(package).media, MediaFile("../escape.png", "0", 7, False)]
    with pytest.raises(PackageError, match="unsafe media"):
        extract_media(package, forged, tmp_path / "media")
    assert list((tmp_path / "media").iterdir()) == []  # a.png, written first, removed again
    assert not (tmp_path / "escape.png").exists()


def test_cli_gives_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = make_zip(tmp_path / "names.apkg", {"collection.anki2": b"SQLite format 3\x00junk"})
    env = {**os.environ, "STUDYAPP_HOME": str(tmp_path / "home")}
    env.pop("STUDYAPP_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "deck", "parse", str(bad)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and str(bad) in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_reading_writes_nothing_outside_its_temp_copy(tmp_path: Path, private_tmp: Path) -> None:
    good = make_zip(tmp_path / "ok.apkg", {"collection.anki2": collection_bytes(tmp_path)})
    before = sorted(p.name for p in tmp_path.iterdir())
    read_package(good)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list(private_tmp.iterdir()) == []
