"""``.apkg`` export: review ids unique by construction, counts of what was written, temp files
next to the target and gone after failure, SIGTERM and a killed earlier run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.apkg.storedb import T0, add_small_collection, open_db

NOW = T0.replace(month=6)


def collection(package: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / "x")
    return sqlite3.connect(tmp_path / "x" / "collection.anki2")


def test_reviews_a_millisecond_apart_all_arrive(tmp_path: Path) -> None:
    with open_db(tmp_path / "s.db", NOW) as service:
        add_small_collection(service)
        report = service.exports.apkg(tmp_path / "out.apkg")
    db = collection(tmp_path / "out.apkg", tmp_path)
    ids = [i for (i,) in db.execute("SELECT id FROM revlog ORDER BY id")]
    # 5 scheduled answers of live cards (the quiz and the removed card's are not exported)
    assert report.reviews == len(ids) == 5 and report.notes == 3 and report.decks == 2
    assert len(set(ids)) == 5
    t0 = int(T0.timestamp() * 1000)
    assert ids == [t0, t0 + 1, t0 + 2, t0 + 3, t0 + 4]  # unique, in time order, near the time
    per_card = dict(db.execute("SELECT cid % 1000, count(*) FROM revlog GROUP BY cid"))
    assert sorted(per_card.values()) == [1, 2, 2]
    assert db.execute("SELECT count(*) FROM cards WHERE queue = -1").fetchone()[0] == 1
    assert "Q1 &lt;x&gt; &amp; y" in "".join(f for (f,) in db.execute("SELECT flds FROM notes"))


def test_one_deck_only(tmp_path: Path) -> None:
    with open_db(tmp_path / "s.db", NOW) as service:
        add_small_collection(service)
        report = service.exports.apkg(tmp_path / "beta.apkg", 2)
    assert (report.decks, report.notes, report.reviews) == (1, 1, 2)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_failure_leaves_no_temp_file_and_no_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    with open_db(tmp_path / "s.db", NOW) as service:
        add_small_collection(service)

        def broken(*_args: object, **_kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(zipfile.ZipFile, "write", broken)
        with pytest.raises(OSError, match="No space"):
            service.exports.apkg(out_dir / "out.apkg")
    assert list(out_dir.iterdir()) == []


def test_stale_temp_files_are_swept(tmp_path: Path) -> None:
    out = tmp_path / "out.apkg"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    stale = [tmp_path / f".out.apkg.{dead}.collection.apkg.tmp",
             tmp_path / f".out.apkg.{dead}.apkg.tmp"]  # fmt: skip
    for path in stale:
        path.write_bytes(b"x" * 1000)
    others = [  # another export's temp (its process alive), a user's file: not ours
        tmp_path / ".other.apkg.1.apkg.tmp", tmp_path / "out.apkg.tmp",
        tmp_path / f".out-x.apkg.{dead}.apkg.tmp",  # matched by "out*" as a pattern
        tmp_path / ".out.apkg.notapid.apkg.tmp",
    ]  # fmt: skip
    for path in others:
        path.write_bytes(b"not ours")
    with open_db(tmp_path / "s.db", NOW) as service:
        add_small_collection(service)
        service.exports.apkg(out)
        service.exports.apkg(tmp_path / "out*")  # a name with a glob character
    assert leftovers(tmp_path) == sorted(p.name for p in others)


SLOW_EXPORT = """
import sys, time, zipfile
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.apkg.storedb import add_small_collection, open_db
real = zipfile.ZipFile.write
def slow(self, *args, **kwargs):
    real(self, *args, **kwargs)
    print("writing", flush=True)
    time.sleep(60)
zipfile.ZipFile.write = slow
with open_db(Path({db!r})) as service:
    add_small_collection(service)
    service.exports.apkg(Path({out!r}))
"""


def test_sigterm_mid_export_removes_its_temp_files(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    script = SLOW_EXPORT.format(
        root=str(Path(__file__).parents[2]), db=str(tmp_path / "s.db"), out=str(out_dir / "o.apkg")
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        assert len(leftovers(out_dir)) == 2  # the collection and the zip, next to the target
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
    assert list(out_dir.iterdir()) == []
