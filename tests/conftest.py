"""Shared fixtures. Every test runs with its own data dir and database: never the real home."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point ``STUDYAPP_HOME`` and ``STUDYAPP_DB`` at a fresh temporary directory."""
    home = tmp_path_factory.mktemp("studyapp-home")
    monkeypatch.setenv("STUDYAPP_HOME", str(home))
    monkeypatch.setenv("STUDYAPP_DB", str(home / "studyapp.db"))
    return home
