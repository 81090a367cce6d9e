"""Packages built once per session by Anki itself: legacy (schema 11), anki21b, colpkg."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("anki.collection", reason="the anki package builds these test packages")

from tests.apkg.builders import build_collection, export_package


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("anki-made")
    col, _ids = build_collection(folder / "source")
    out = {
        "legacy": export_package(col, folder / "legacy.apkg", legacy=True),
        "anki21b": export_package(col, folder / "current.apkg", legacy=False),
    }
    col.export_collection_package(str(folder / "all.colpkg"), include_media=True, legacy=False)
    out["colpkg"] = folder / "all.colpkg"
    return out
