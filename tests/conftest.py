"""Shared fixtures. Every test runs with its own data dir and database: never the real home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
