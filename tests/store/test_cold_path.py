"""Opening the app's database and showing the first card load no SQLAlchemy (cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.study.service import StudyService

FIRST_CARD = """
import json, sys
from studyapp.study.service import StudyService
service = StudyService.open(sys.argv[1])
service.decks.sync_bundled(__import__("pathlib").Path(sys.argv[2]))
decks = service.decks()
card = service.reviews.peek(decks[0].id).card
service.reviews.preview(card.id)
before_answer = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel"))
result = service.reviews.record(card.id, 3, 1200)
service.close()
print(json.dumps({"loaded": before_answer, "front": card.front, "state": result.state}))
"""


def run(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_first_card_and_answer_without_sqlalchemy(tmp_path: Path) -> None:
    db = tmp_path / "cold.db"
    with StudyService.open(str(db)) as service:
        cards = [ParsedCard("First question?", "First answer", 1)]
        service.imports.parsed(ParsedDeck("Cold", "deck", "cold.txt", cards))
    empty = tmp_path / "no-decks"
    empty.mkdir()
    out = run(FIRST_CARD, str(db), str(empty))
    assert out["loaded"] == [] and out["front"] == "First question?" and out["state"] == "learning"
    with StudyService.open(str(db)) as service:
        assert service.stats().reviews_total == 1


def test_a_fresh_process_creates_a_new_database(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from studyapp.deckfmt import ParsedCard, ParsedDeck\n"
        "from studyapp.study.service import StudyService\n"
        "s = StudyService.open(sys.argv[1])\n"
        "r = s.imports.parsed(ParsedDeck('D', 'deck', 'd.txt', [ParsedCard('Q?', 'A', 1)]))\n"
        "print(json.dumps({'added': r.added, 'decks': len(s.decks())}))\n"
    )
    assert run(code, str(tmp_path / "new" / "fresh.db")) == {"added": 1, "decks": 1}
