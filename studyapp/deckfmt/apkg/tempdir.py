"""The private folder a package is read in: inside the data dir, gone however reading ends.

A package's collection is copied out of its zip before SQLite opens it. The copy goes to a
folder ``studyapp-apkg-<pid>-<random>`` under the data dir's own temp folder
(``$STUDYAPP_HOME/tmp``; not ``/tmp``, often a RAM disk), capped in size by the reader. The
folder is removed when reading ends, by an error, by Ctrl+C, and by SIGTERM too: in the main
thread SIGTERM becomes ``SystemExit(143)`` while the folder exists. Where that cannot be (a
worker thread) or the process was killed outright, the next read sweeps the folders whose
process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from studyapp.processes import alive, terminate_cleanly

PREFIX = "studyapp-apkg-"


def default_root() -> Path:
    """The data dir's temp folder (see :mod:`studyapp.paths`)."""
    from studyapp.paths import data_dir

    return data_dir() / "tmp"


@contextlib.contextmanager
def reading_folder(root: Path | None = None) -> Iterator[Path]:
    """A fresh private folder under ``root`` (default :func:`default_root`), removed on exit."""
    root = default_root() if root is None else root
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    try:
        with terminate_cleanly():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(root: Path) -> None:
    """Remove reading folders whose process is gone (killed with SIGKILL, say)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(PREFIX) :].split("-", 1)[0]
            if pid.isdigit() and not alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)
