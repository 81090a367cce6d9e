"""After importing an Anki package, every card's memory is Anki's own: stability within 1%
and difficulty within 0.01 of ``col.compute_memory_state``, card by card, for histories with
learning steps, lapses and relearning, resets, cram, truncated logs, answers on both sides of
the day rollover, collections with another rollover hour and users in another time zone.

Anki builds each collection in a subprocess (``anki_histories.py``) whose ``TZ`` is the
user's zone; the import here runs with the same zone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.deckfmt.apkg import read_package
from studyapp.study.clock import StudyDays
from studyapp.study.fsrs import DEFAULT_PARAMETERS, Scheduler
from studyapp.study.history import replay
from studyapp.study.import_apkg import import_package
from studyapp.study.service import StudyService

pytest.importorskip("anki.collection", reason="the anki package is the reference")

ROOT = Path(__file__).resolve().parents[2]
CARDS = 150


def _anki(folder: Path, kind: str, rollover: int, zone: str, seed: int) -> dict[str, object]:
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("anki_histories.py")), str(folder), kind,
         str(rollover), str(CARDS), str(seed)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((folder / "expected.json").read_text())


@pytest.mark.parametrize(
    ("kind", "rollover", "zone", "seed"),
    [("apkg", 4, "UTC", 1), ("colpkg", 6, "UTC", 2), ("colpkg", 4, "Asia/Kolkata", 3),
     ("apkg", 4, "America/New_York", 4)],
)  # fmt: skip
def test_memory_after_import_is_ankis(
    tmp_path: Path, kind: str, rollover: int, zone: str, seed: int
) -> None:
    expected = _anki(tmp_path, kind, rollover, zone, seed)
    with StudyService.open(str(tmp_path / "study.db"), tz=ZoneInfo(zone)) as service:
        import_package(service.decks.ctx, tmp_path / f"parity.{kind}", tmp_path / "media")
        cards = {c.front: c for c in service.cards.browse()}
    assert set(cards) == set(expected)
    worst = 0.0
    for front, memory in expected.items():
        card = cards[front]
        if memory is None:
            assert card.stability is None, front
            continue
        stability, difficulty = memory  # type: ignore[misc]
        assert card.stability is not None and card.difficulty is not None, front
        worst = max(worst, abs(card.stability / stability - 1))
        assert card.stability == pytest.approx(stability, rel=0.01), front
        assert card.difficulty == pytest.approx(difficulty, abs=0.01), front
    assert worst < 0.01


def test_import_replays_with_the_decks_retention_and_parameters(tmp_path: Path) -> None:
    """A deck with its own retention and parameters: the imported cards' memory and due
    dates are its scheduler's, not FSRS's defaults (the control: the defaults give other
    dates for most cards)."""
    _anki(tmp_path, "apkg", 4, "UTC", 5)
    package = read_package(tmp_path / "parity.apkg")
    parameters = tuple(round(v * 1.05, 4) for v in DEFAULT_PARAMETERS)
    days = StudyDays(4, UTC)
    with StudyService.open(str(tmp_path / "study.db"), tz=UTC) as service:
        placeholder = ParsedDeck("Parity", "apkg", "p", [ParsedCard("placeholder", "x", 1)])
        deck_id = service.imports.parsed(placeholder, source="anki/Parity").deck_id
        service.decks.set_retention(deck_id, 0.8)
        service.fsrs.store(deck_id, list(parameters))
        import_package(service.decks.ctx, tmp_path / "parity.apkg", tmp_path / "media")
        cards = {c.front: c for c in service.cards.browse(deck_id=deck_id)}
    own, default = Scheduler(parameters, 0.8, days=days), Scheduler(None, 0.9, days=days)
    other = 0
    for card in package.cards:
        expected = replay(card.reviews, own).state
        stored = cards[card.front]
        assert (stored.stability, stored.difficulty) == (expected.stability, expected.difficulty)
        assert stored.due == expected.due, card.front
        other += replay(card.reviews, default).state.due != expected.due
    assert other > len(package.cards) // 2
