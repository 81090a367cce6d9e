"""Files an import or export writes: temp files next to their target, never through a link.

A temp file is named ``.<target name>.<pid>.<tag>.tmp`` in the target's folder (hidden, so
deck syncs skip it), created with ``O_EXCL | O_NOFOLLOW`` and the mode asked for (a 600 deck
copy stays 600), and renamed over the target (a rename replaces a link, never writes through
it). :func:`removed_on_exit` removes temps however a block ends, SIGTERM included;
:func:`sweep_stale` removes those a killed process left (its pid is gone).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from studyapp.processes import alive, terminate_cleanly

TMP_SUFFIX = ".tmp"
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def temp_path(target: Path, tag: str) -> Path:
    """This process's temp file for ``target`` (``tag`` tells several apart)."""
    return target.parent / f".{target.name}.{os.getpid()}.{tag}{TMP_SUFFIX}"


def write_new(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create ``path`` (never existing, never a link) holding ``data``, fsynced, with ``mode``."""
    fd = os.open(path, _FLAGS, mode & 0o777)
    try:
        os.fchmod(fd, mode & 0o777)  # the umask does not widen or narrow it
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_stale(folder: Path, names: str = "*", suffix: str = TMP_SUFFIX) -> list[Path]:
    """Remove temp files in ``folder`` (``.<names>.<pid>[.tag]<suffix>``) of dead processes;
    ``names`` is a glob pattern (a file name goes in through ``glob.escape``)."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for leftover in folder.glob(f".{names}.*{suffix}"):
        parts = leftover.name[: -len(suffix)].split(".")[2:]  # past "" and the first word
        pid = next((int(p) for p in reversed(parts) if p.isdigit()), None)
        if pid is None or alive(pid) or leftover.is_dir():
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


@contextlib.contextmanager
def removed_on_exit(paths: list[Path]) -> Iterator[None]:
    """Remove ``paths`` however the block ends; SIGTERM becomes an exit that cleans up."""
    try:
        with terminate_cleanly():
            yield
    finally:
        for temp in paths:
            with contextlib.suppress(OSError):
                temp.unlink()


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block ends (a commit and its rename stay together)."""
    held = {signal.SIGTERM, signal.SIGINT}
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
