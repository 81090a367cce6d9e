"""``service.exports``: an Anki package of the decks, their cards and review history.

The package's contents are read in one snapshot (one read transaction) and written by the
Anki codec (:mod:`studyapp.deckfmt.apkg.writer`). Temp files live next to the target
(``.NAME.PID*.apkg.tmp``), are removed on failure and on SIGTERM, and stale ones left by a
killed export are swept first; the package is fsynced and renamed over the target. The
target is never the database (nor its WAL, shared memory or journal file), nor an existing
file that is not an Anki package unless asked (``force``).
"""

from __future__ import annotations

import contextlib
import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.processes import alive
from studyapp.store import decks as store_decks
from studyapp.store import export as store
from studyapp.study.errors import StudyError
from studyapp.study.import_files import removed_on_exit
from studyapp.study.views import ExportReport

if TYPE_CHECKING:
    from studyapp.study.context import Context

TMP_SUFFIX = ".apkg.tmp"


class ExportsPart:
    """``service.exports``: ``apkg`` writes an Anki package."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def apkg(
        self, path: str | Path, deck_id: int | None = None, *, force: bool = False
    ) -> ExportReport:
        """Write an Anki package (legacy schema 11) of one deck (every deck for None) with
        its notes, cards, scheduling and review history; returns what it holds.

        Refused (StudyError, nothing written) when ``path`` is the database or one of its
        files, a folder, or an existing file that is not an Anki package (``force``: replace
        such a file anyway; never the database)."""
        from studyapp.deckfmt.apkg.writer import write_collection, write_package

        path = Path(path)
        check_target(path, self.ctx.db.path if self.ctx.db is not None else None, force)
        now = self.ctx.now()
        with self.ctx.read() as q:  # one snapshot of decks, cards and log
            if deck_id is not None and store_decks.get(q, deck_id) is None:
                raise StudyError(f"no deck with id {deck_id}")
            decks = store.decks(q, deck_id)
            cards = store.cards(q, deck_id)
            reviews = store.reviews(q, deck_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(path)
        stem = path.parent / f".{path.name}.{os.getpid()}"
        temps = [Path(f"{stem}.collection{TMP_SUFFIX}"), Path(f"{stem}{TMP_SUFFIX}")]
        with removed_on_exit(temps):
            notes, written = write_collection(temps[0], decks, cards, reviews, now)
            write_package(temps[0], temps[1])
            with open(temps[1], "rb") as handle:
                os.fsync(handle.fileno())
            temps[1].replace(path)
        return ExportReport(path=str(path), decks=len(decks), notes=notes, reviews=written)


DATABASE_FILES = ("", "-wal", "-shm", "-journal")
"""Suffixes of a SQLite database's own files (the file, its WAL, shared memory, journal)."""


def check_target(path: Path, database: Path | None, force: bool) -> None:
    """Refuse an export onto the database (any of its files, by any name or link), onto a
    folder, or onto an existing file that is not an Anki package unless ``force``."""
    if database is not None:
        for suffix in DATABASE_FILES:
            own = database.with_name(database.name + suffix)
            if _same_file(path, own):
                raise StudyError(
                    f"{path}: that is the studyapp database ({own}); export to another file"
                )
    if path.is_dir():
        raise StudyError(f"{path}: is a folder; give the .apkg file to write")
    from studyapp.deckfmt.apkg.writer import holds_collection

    if path.exists() and not force and not holds_collection(path):
        raise StudyError(
            f"{path}: exists and is not an Anki package; choose another file name, or "
            "replace it with --force"
        )


def _same_file(path: Path, other: Path) -> bool:
    """Whether ``path`` names ``other``: the same file (links, hard links) or, when either
    does not exist, the same resolved path."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return path.resolve() == other.resolve()


def sweep_stale(path: Path) -> list[Path]:
    """Remove temp files a killed export of ``path`` left: ``.NAME.PID*.apkg.tmp`` whose
    process is gone. The name is matched literally (a ``*`` or ``[`` in it is no pattern),
    and a file without a readable pid is not ours, so it stays."""
    removed = []
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*{TMP_SUFFIX}"):
        pid_text = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or alive(int(pid_text)) or leftover.is_symlink():
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed
