"""Other processes and this one's end: whether a pid still runs, SIGTERM as a clean exit.

Used by whatever leaves files named after its pid (a package's reading folder, an import's
or export's temp files) to sweep those of dead processes, and to remove its own however it
ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

TERM_EXIT = 128 + signal.SIGTERM
"""The exit status of a process ended by SIGTERM inside :func:`terminate_cleanly`."""


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this one always does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM raises ``SystemExit(143)`` so every
    ``finally`` above runs. An exception that swallowed it on the way (SQLite turns an error
    in its progress handler into "interrupted") still ends as ``SystemExit(143)``. In another
    thread (no signal handler can be set there) the block just runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def on_term(signum: int, _frame: Any) -> None:
        received.append(signum)
        raise SystemExit(TERM_EXIT)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    except Exception:
        if received:
            raise SystemExit(TERM_EXIT) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
