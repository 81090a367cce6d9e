"""Crafted Anki packages (issue 19, items 8, 9 and 11), each built here by code.

A recursive SQL view as ``revlog`` (it filled a disk), virtual tables and generated columns
are refused before any query; with that check taken away, the time budget and the length
limit still stop the same packages. bzip2 members, deflate bombs and a small package
bringing a lot of media are refused from their declared sizes, with the figures, before
anything is inflated; a zstd stream is capped while it inflates. Values of the wrong type
are one clear error. The temp copy lives in the data dir's ``tmp`` and is gone after
SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from studyapp.deckfmt.apkg import PackageError, collection, container, extract_media, read_package
from studyapp.deckfmt.apkg.model import MediaFile
from tests.hostile.test_packages import collection_bytes, make_zip, private_tmp, refused

__all__ = ["private_tmp"]  # the autouse fixture: every test here checks the temp folder too

ROOT = Path(__file__).resolve().parents[2]
RECURSIVE_REVLOG = (
    "CREATE VIEW revlog AS WITH RECURSIVE r(id, cid, ease, ivl, factor, time, type, pad) AS "
    "(SELECT 1, 8, 3, 1, 2500, 100, 1, '' UNION ALL SELECT id + 1, cid, ease, ivl, factor, "
    "time, type, pad || hex(randomblob(64)) FROM r) SELECT * FROM r"
)
"""Rows that never end, each longer than the last: SQLite materialises it in a temp file."""


def crafted(tmp_path: Path, *sql: str, name: str = "crafted.apkg") -> Path:
    """A package whose collection is the minimal one changed by ``sql``."""
    path = tmp_path / f"{name}.anki2"
    path.write_bytes(collection_bytes(tmp_path))
    db = sqlite3.connect(path)
    for statement in sql:
        db.execute(statement)
    db.commit()
    db.close()
    return make_zip(tmp_path / name, {"collection.anki2": path.read_bytes()})


# -- item 8: what a plain SELECT on the package's database may run -----------------------


def test_a_recursive_view_as_revlog_is_refused_at_once(tmp_path: Path, private_tmp: Path) -> None:
    package = crafted(tmp_path, "DROP TABLE revlog", RECURSIVE_REVLOG)
    assert package.stat().st_size < 2048
    started = time.monotonic()
    refused(package, "an SQL view ('revlog'), which Anki never writes", private_tmp)
    assert time.monotonic() - started < 10


def test_a_virtual_table_is_refused(tmp_path: Path, private_tmp: Path) -> None:
    package = crafted(
        tmp_path,
        "DROP TABLE notes",
        "CREATE VIRTUAL TABLE notes USING fts5(id, guid, mid, tags, flds)",
    )
    refused(package, "a virtual table ('notes')", private_tmp)


def test_a_generated_column_is_refused(tmp_path: Path, private_tmp: Path) -> None:
    package = crafted(
        tmp_path,
        "DROP TABLE notes",
        "CREATE TABLE notes (id, guid, mid, mod, usn, tags,"
        " flds AS (printf('%.*c', 100000000, 'x')), sfld, csum, flags, data)",
        "INSERT INTO notes (id, guid, mid, tags) VALUES (7, 'g', 5, '')",
    )
    refused(package, "generated column ('flds')", private_tmp)


def _read_in_child(package: Path, tmp_path: Path, setup: str) -> subprocess.CompletedProcess[str]:
    """``read_package(package)`` in a child after ``setup``, SQLite's temp files kept in
    ``tmp_path`` (a regression fills that folder, not the machine's)."""
    sqlite_tmp = tmp_path / "sqlite-tmp"
    sqlite_tmp.mkdir(exist_ok=True)
    code = (
        "import sys\n"
        "from studyapp.deckfmt.apkg import collection, read_package, PackageError\n"
        f"{setup}\n"
        "try:\n"
        f"    read_package({str(package)!r})\n"
        "except PackageError as error:\n"
        "    print(error)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SQLITE_TMPDIR": str(sqlite_tmp)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_time_budget_stops_a_query_the_schema_check_missed(tmp_path: Path) -> None:
    package = crafted(tmp_path, "DROP TABLE revlog", RECURSIVE_REVLOG)
    setup = (
        "collection.check_schema = lambda db, source: None  # the first defence taken away\n"
        "collection.READ_BUDGET_S, collection.READ_S_PER_MIB = 1.0, 0.0"
    )
    started = time.monotonic()
    done = _read_in_child(package, tmp_path, setup)
    assert "took longer than its 1 s budget" in done.stdout, done.stderr
    assert time.monotonic() - started < 30


def test_the_length_limit_stops_a_huge_value(tmp_path: Path) -> None:
    view = "CREATE VIEW revlog AS SELECT 1 AS id, 8 AS cid, hex(zeroblob(100000000)) AS ease,"
    view += " 1 AS ivl, 2500 AS factor, 100 AS time, 1 AS type"
    package = crafted(tmp_path, "DROP TABLE revlog", view)
    done = _read_in_child(package, tmp_path, "collection.check_schema = lambda db, source: None")
    assert "corrupt collection (string or blob too big)" in done.stdout, done.stderr


# -- item 11: values of the wrong type ----------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE notes SET tags = 42", "note 7: tags is not text"),
        ("UPDATE notes SET flds = 42", "note 7: flds is not text"),
        ("UPDATE col SET models = '[1, 2]'", "col.models is not a JSON object"),
        ("UPDATE col SET decks = '[]'", "col.decks is not a JSON object"),
        ("UPDATE col SET models = '{\"5\": []}'", "col.models is not a JSON object"),
        ('UPDATE col SET decks = \'{"1": {"name": 3}}\'', None),  # read as "3"
    ],
)
def test_values_of_the_wrong_type(
    sql: str, words: str | None, tmp_path: Path, private_tmp: Path
) -> None:
    package = crafted(tmp_path, sql)
    if words is None:
        assert [c.deck for c in read_package(package).cards] == ["3"]
    else:
        refused(package, words, private_tmp)


def test_the_cli_gives_one_line_for_a_wrong_type(tmp_path: Path) -> None:
    package = crafted(tmp_path, "UPDATE notes SET flds = 42")
    env = {**os.environ, "STUDYAPP_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "import", str(package)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert (
        done.stderr
        == f"studyapp: error: {package}: corrupt collection (note 7: flds is not text)\n"
    )


# -- item 9: bombs ------------------------------------------------------------------------


def test_a_bzip2_member_is_refused_before_inflating(tmp_path: Path, private_tmp: Path) -> None:
    bomb = tmp_path / "bzip2.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("collection.anki2", bytes(64 << 20))
    assert bomb.stat().st_size < 2048
    refused(bomb, "collection.anki2 is compressed with bzip2", private_tmp)


def test_a_deflate_bomb_is_refused_from_its_declared_ratio(
    tmp_path: Path, private_tmp: Path
) -> None:
    bomb = make_zip(tmp_path / "deflate.apkg", {"collection.anki2": bytes(100 << 20)})
    assert bomb.stat().st_size < 200 << 10
    refused(bomb, "collection.anki2 declares 100.0 MiB from ", private_tmp)
    refused(bomb, "past the limit of 100x", private_tmp)


def _media_flood(tmp_path: Path, files: int) -> Path:
    """A small package whose media (1 MiB of zeros each: 1 KiB deflated) add up."""
    members = {"collection.anki2": collection_bytes(tmp_path)}
    members["media"] = json.dumps({str(i): f"m{i}.png" for i in range(files)}).encode()
    members.update({str(i): bytes(1 << 20) for i in range(files)})
    return make_zip(tmp_path / "flood.apkg", members)


def test_a_small_package_bringing_a_lot_of_media_is_refused(
    tmp_path: Path, private_tmp: Path
) -> None:
    flood = _media_flood(tmp_path, 80)
    assert flood.stat().st_size < 1 << 20  # 80 MiB of media from a package under 1 MiB
    refused(flood, "its collection and media files declare 80.", private_tmp)
    refused(flood, "past the limit of 64.0 MiB (100x the package", private_tmp)
    env = {**os.environ, "STUDYAPP_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "import", str(flood)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "a zip bomb?" in done.stderr
    assert not (tmp_path / "home" / "media").exists()


def test_media_streams_are_capped_for_the_package_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zstd media (current packages) declare only their compressed size: the package's
    budget is counted while they inflate, and what was written is removed again."""
    import zstandard

    frame = zstandard.ZstdCompressor().compress(bytes(1 << 20))
    names = {f"{i}": f"m{i}.bin" for i in range(8)}
    members = {"collection.anki2": collection_bytes(tmp_path), **dict.fromkeys(names, frame)}
    package = make_zip(tmp_path / "zstd-media.apkg", members)
    media = [MediaFile(name, member, len(frame), compressed=True) for member, name in names.items()]
    monkeypatch.setattr(container, "PACKAGE_FLOOR_BYTES", 3 << 20)
    folder = tmp_path / "media"
    with pytest.raises(
        PackageError, match=r"inflating \d: the package reached 4\.0 MiB from a 1\.\d KiB package"
    ):
        extract_media(package, media, folder)
    assert list(folder.iterdir()) == []


def test_one_zstd_media_stream_is_capped_by_its_ratio(tmp_path: Path) -> None:
    import zstandard

    frame = zstandard.ZstdCompressor().compress(bytes(8 << 20))
    package = make_zip(tmp_path / "z.apkg", {"collection.anki2": b"", "0": frame})
    with pytest.raises(PackageError, match=r"0 inflates past 1\.0 MiB, its limit \(100x"):
        extract_media(package, [MediaFile("a.bin", "0", len(frame), True)], tmp_path / "m")


def test_the_stated_limits() -> None:
    assert container.MAX_COLLECTION_BYTES == 512 << 20
    assert container.MAX_MEDIA_TOTAL_BYTES == 2 << 30
    assert container.MAX_RATIO == 100


# -- item 11: the temp folder -------------------------------------------------------------


def test_the_temp_copy_lives_in_the_data_dir(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []
    original = collection.read_collection

    def spy(path: Path, source: str) -> object:
        seen.append(path)
        assert path.is_file()
        return original(path, source)

    monkeypatch.setattr(collection, "read_collection", spy)
    read_package(make_zip(tmp_path / "ok.apkg", {"collection.anki2": collection_bytes(tmp_path)}))
    assert seen and seen[0].parent.parent == private_tmp
    assert seen[0].parent.name.startswith(f"studyapp-apkg-{os.getpid()}-")
    assert list(private_tmp.iterdir()) == []


def test_sigterm_while_reading_removes_the_temp_folder(tmp_path: Path, private_tmp: Path) -> None:
    package = make_zip(tmp_path / "ok.apkg", {"collection.anki2": collection_bytes(tmp_path)})
    code = (
        "import time\n"
        "from studyapp.deckfmt.apkg import collection, read_package\n"
        "def slow(path, source):\n"
        "    print('reading', flush=True)\n"
        "    time.sleep(60)\n"
        "collection.read_collection = slow\n"
        f"read_package({str(package)!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"reading\n"
        [folder] = list(private_tmp.iterdir())
        assert (folder / "collection.sqlite").is_file()
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert list(private_tmp.iterdir()) == []


def test_a_folder_left_by_a_killed_reader_is_swept(tmp_path: Path, private_tmp: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left = private_tmp / f"studyapp-apkg-{dead.stdout.strip()}-abc"
    left.mkdir()
    (left / "collection.sqlite").write_bytes(b"x" * 1000)
    mine = private_tmp / "not-ours"
    mine.mkdir()
    read_package(make_zip(tmp_path / "ok.apkg", {"collection.anki2": collection_bytes(tmp_path)}))
    assert sorted(p.name for p in private_tmp.iterdir()) == ["not-ours"]
