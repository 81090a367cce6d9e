"""Two OS processes answering on one database at once: no "database is locked", nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.study.service import StudyService

WORKER = Path(__file__).with_name("answer_worker.py")
ANSWERS = 60


def test_two_processes_answer_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    service = StudyService.open(db)
    deck_ids = []
    for name in ("A", "B"):
        cards = [ParsedCard(f"{name} question {i}?", f"answer {i}", i + 1) for i in range(ANSWERS)]
        report = service.imports.parsed(ParsedDeck(name, "deck", f"{name}.txt", cards))
        service.decks.set_limits(report.deck_id, ANSWERS, 1000)
        deck_ids.append(report.deck_id)
    service.close()

    start_at = time.time() + 2.0  # both processes are up by then and start together
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), db, str(d), str(ANSWERS), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for d in deck_ids
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert int(out.strip()) == ANSWERS

    service = StudyService.open(db)
    try:
        assert service.stats().reviews_total == 2 * ANSWERS
        for deck_id in deck_ids:
            rows = service.cards.browse(deck_id=deck_id)
            assert all(r.reps == 1 and r.state == "review" for r in rows)
    finally:
        service.close()
