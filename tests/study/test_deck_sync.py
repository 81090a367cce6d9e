"""Deck sync at start: an unchanged file is not even read; a touched one is hashed once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from studyapp.study.service import StudyService

DECK = "Q: What is a GAN?\nA: Two networks.\n\nQ: What is a VAE?\nA: An autoencoder.\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files read with ``Path.read_bytes`` (how an import reads a deck)."""
    seen: list[str] = []
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        seen.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return seen


def age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_unchanged_file_is_not_read_and_touched_file_is_hashed_once(
    service: StudyService, tmp_path: Path, reads: list[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "mine.txt"
    path.write_text(DECK)
    age(path, 60)
    assert service.decks.sync_bundled(decks)[0].added == 2
    reads.clear()
    assert service.decks.sync_bundled(decks)[0].skipped
    assert reads == []  # size and time match: not read
    age(path, 30)  # touched, same bytes
    assert service.decks.sync_bundled(decks)[0].skipped
    assert reads == ["mine.txt"]  # hashed, not parsed; the new time is stored
    reads.clear()
    assert service.decks.sync_bundled(decks)[0].skipped
    assert reads == []


def test_same_size_edit_is_imported(service: StudyService, tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "mine.txt"
    path.write_text(DECK)
    age(path, 60)
    service.decks.sync_bundled(decks)
    path.write_text(DECK.replace("networks.", "networks!"))  # same size, a new time
    age(path, 30)
    report = service.decks.sync_bundled(decks)[0]
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)


def test_a_recent_file_is_hashed_even_when_its_stat_matches(
    service: StudyService, tmp_path: Path, reads: list[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "mine.txt"
    path.write_text(DECK)  # modified just now: the same tick could hide a second edit
    service.decks.sync_bundled(decks)
    reads.clear()
    assert service.decks.sync_bundled(decks)[0].skipped
    assert reads == ["mine.txt"]
