"""WAL checkpoints off the answer path.

SQLite copies its write-ahead log back into the database file (a checkpoint, with an fsync)
inside whichever commit crosses ``wal_autocheckpoint`` pages: that one answer then takes tens
of milliseconds. :class:`Checkpointer` runs a PASSIVE checkpoint on a background thread
every :data:`EVERY` writes instead, so the log stays below the automatic threshold (which
remains as a fallback). Checkpoints are crash-safe; a killed thread loses nothing.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

EVERY = 64
"""Writes between background checkpoints (an answer writes about 8 pages; auto is 1000)."""


class Checkpointer:
    """Counts writes on a SQLite file engine and checkpoints in the background."""

    def __init__(self, engine: Engine, every: int = EVERY) -> None:
        self._engine = engine
        self._every = every
        self._enabled = engine.dialect.name == "sqlite" and bool(engine.url.database)
        self._writes = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wrote(self) -> None:
        """Note one write; every ``every`` writes start a checkpoint unless one is running."""
        if not self._enabled:
            return
        self._writes += 1
        if self._writes % self._every or not self._lock.acquire(blocking=False):
            return
        self._thread = threading.Thread(target=self._run, name="studyapp-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            raw = self._engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
            finally:
                raw.close()
        except Exception:  # a checkpoint is an optimisation: SQLite's own one remains
            pass
        finally:
            self._lock.release()

    def wait(self, timeout: float = 10.0) -> None:
        """Let a running checkpoint finish (before the engine is disposed)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
