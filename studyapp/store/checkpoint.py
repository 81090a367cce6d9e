"""WAL checkpoints off the answer path.

SQLite copies its write-ahead log back into the database file (a checkpoint, with an fsync)
inside whichever commit crosses ``wal_autocheckpoint`` pages: that one answer then takes tens
of milliseconds. :class:`Checkpointer` runs a PASSIVE checkpoint on a background thread, on
its own connection, every :data:`EVERY` writes instead, so the log stays below the automatic
threshold (which remains as a fallback). Checkpoints are crash-safe.
"""

from __future__ import annotations

import threading
from pathlib import Path

EVERY = 64
"""Writes between background checkpoints (an answer writes about 8 pages; auto is 1000)."""


class Checkpointer:
    """Counts writes to a SQLite file and checkpoints it in the background."""

    def __init__(self, path: Path | None, every: int = EVERY) -> None:
        self._path = path
        self._every = every
        self._writes = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wrote(self) -> None:
        """Note one write; every ``every`` writes start a checkpoint unless one is running."""
        if self._path is None:
            return
        self._writes += 1
        if self._writes % self._every or not self._lock.acquire(blocking=False):
            return
        self._thread = threading.Thread(target=self._run, name="studyapp-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from studyapp.store.engine import connect_sqlite

        try:
            assert self._path is not None
            connection = connect_sqlite(self._path)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                connection.close()
        except Exception:  # an optimisation only: SQLite's own checkpoint remains
            pass
        finally:
            self._lock.release()

    def wait(self, timeout: float = 10.0) -> None:
        """Let a running checkpoint finish (before the database is closed)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
