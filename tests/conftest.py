"""Shared fixtures. Every test runs with its own data dir and database: never the real home."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest


def midday_zone(now: datetime | None = None) -> str:
    """A fixed-offset zone in which it is about noon now (``Etc/GMT-5`` is UTC+5: POSIX
    signs), so no test, nor the app it starts, runs near the 04:00 study-day rollover: a
    card answered at 03:55 is due in the next study day, and the counts a test expects
    would depend on when CI runs."""
    offset = 12 - (now or datetime.now(UTC)).hour  # hours east of UTC
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}"


os.environ["TZ"] = midday_zone()  # inherited by every app and CLI a test starts
time.tzset()

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel workers (scripts/test.sh runs one per core): one thread each, so two
    # workers' torch runs share the cores instead of fighting over them.
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point ``STUDYAPP_HOME`` and ``STUDYAPP_DB`` at a fresh temporary directory."""
    home = tmp_path_factory.mktemp("studyapp-home")
    monkeypatch.setenv("STUDYAPP_HOME", str(home))
    monkeypatch.setenv("STUDYAPP_DB", str(home / "studyapp.db"))
    return home
