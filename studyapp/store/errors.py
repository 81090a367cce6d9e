"""The store's one error type, and one line for every way a database can fail.

:func:`explain` turns a driver error (``sqlite3`` or SQLAlchemy's ``DBAPIError``) into a
:class:`StoreError` that says which of these it is, naming the database and what to do:
read-only file or folder, full disk, missing ``-wal``/``-shm`` files that can't be made,
locked by another process, corrupt, missing table or column, out of memory. Never SQL text.
"""

from __future__ import annotations

import errno

READ_ONLY = (
    "the database is read-only (the file, or its folder where SQLite keeps the -wal and -shm "
    "files, can't be written): make both writable, or pass another --db"
)
CANT_OPEN = (
    "cannot open the database: its folder must be writable (SQLite keeps -wal and -shm "
    "files beside it) and the file readable; fix the permissions, or pass another --db"
)
WAL_MISSING = (
    "the database is in WAL mode but its -wal/-shm files are missing and can't be created "
    "(read-only folder?): make the folder writable, or pass another --db"
)
DISK_FULL = "the disk is full: free some space and try again (nothing of this step was saved)"
LOCKED = "database is locked by another studyapp (an import?); try again in a moment"
NO_MEMORY = "out of memory: close other programs and try again"
MISSING_SCHEMA = (
    "the database is damaged or was changed by another program ({detail}); it was left "
    "untouched: restore a backup, or move it away to start afresh"
)
CORRUPT = (
    "the database is corrupt ({detail}); it was left untouched: restore a backup, move it "
    "away or pass another --db"
)
IO_ERROR = "disk I/O error ({detail}): check the disk (full? removed?) and try again"


# SQLite's primary result codes (stable across versions; no sqlite3 import at start-up)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 7, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


class StoreError(Exception):
    """The database can't be used (corrupt, foreign, newer schema, unreachable server,
    read-only, full disk...).

    The message is one line naming the database and what to do; the file is never modified.
    """


def _first_line(error: BaseException) -> str:
    text = " ".join(str(error).split("\n", 1)[0].split())
    return text or type(error).__name__


def _code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return int(code) & 0xFF if isinstance(code, int) else None  # the primary result code


def reason(error: BaseException, wal_missing: bool = False) -> str:
    """What went wrong, in words, with what to do (no database name, no SQL)."""
    error = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    if isinstance(error, MemoryError):
        return NO_MEMORY
    code, detail = _code(error), _first_line(error)
    lowered = detail.lower()
    if code == SQLITE_READONLY or "readonly database" in lowered:
        return READ_ONLY
    if code == SQLITE_FULL or "disk is full" in lowered or "no space left" in lowered:
        return DISK_FULL
    if code == SQLITE_CANTOPEN or "unable to open database" in lowered:
        return WAL_MISSING if wal_missing else CANT_OPEN
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in lowered:
        return LOCKED
    if code == SQLITE_NOMEM or "out of memory" in lowered:
        return NO_MEMORY
    if "no such table" in lowered or "no such column" in lowered or "has no column" in lowered:
        return MISSING_SCHEMA.format(detail=detail)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in lowered:
        return CORRUPT.format(detail=detail)
    if code == SQLITE_IOERR:
        return IO_ERROR.format(detail=detail)
    return detail


def os_reason(error: OSError) -> str:
    """What a failed file operation means, with what to do (the caller names the file)."""
    hints = {
        errno.EACCES: "permission denied: make it writable, or choose another place "
        "(STUDYAPP_HOME, --db)",
        errno.EPERM: "not permitted: make it writable, or choose another place "
        "(STUDYAPP_HOME, --db)",
        errno.EROFS: "read-only file system: choose another place (STUDYAPP_HOME, --db)",
        errno.ENOSPC: DISK_FULL,
        errno.ENOMEM: NO_MEMORY,
    }
    return hints.get(error.errno or 0, error.strerror or type(error).__name__)


def explain(where: str, error: BaseException, wal_missing: bool = False) -> StoreError:
    """A :class:`StoreError` of one line: ``<where>: <what happened and what to do>``."""
    return StoreError(f"{where}: {reason(error, wal_missing)}")
