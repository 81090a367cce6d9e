"""``reviews.answer`` keeps today's usage between answers: its counts must always equal a
fresh read (another connection's answers, undo, a new study day) and it stays cheap."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

from studyapp.study.service import StudyService
from tests.study.conftest import NOW, make_deck

ROOT = Path(__file__).resolve().parents[2]


def _fresh_counts(db_path: Path, deck_id: int, now=NOW):  # type: ignore[no-untyped-def]
    with StudyService.open(str(db_path), clock=lambda: now, fuzz=False, tz=UTC) as other:
        return other.reviews.counts(deck_id, now)


def _limited(service: StudyService, n: int = 12, new: int = 5) -> int:
    deck_id = service.imports.parsed(make_deck(n)).deck_id
    service.decks.set_limits(deck_id, new=new, reviews=50)
    return deck_id


def test_counts_after_each_answer_equal_a_fresh_read(service: StudyService, db_path: Path) -> None:
    deck_id = _limited(service)
    queued = service.reviews.start(deck_id)
    seen = []
    for rating in (3, 4, 1, 3, 4, 3):
        assert queued is not None
        queued = service.reviews.answer(queued.card.id, rating).next
        assert queued is not None
        seen.append(queued.counts.new)
        assert queued.counts == _fresh_counts(db_path, deck_id)
    assert seen[0] == 4  # the daily new limit is spent as new cards are answered


def test_another_connections_answer_is_counted(service: StudyService, db_path: Path) -> None:
    deck_id = _limited(service)
    first = service.reviews.start(deck_id)
    assert first is not None
    queued = service.reviews.answer(first.card.id, 4).next
    assert queued is not None
    with StudyService.open(str(db_path), clock=lambda: NOW, fuzz=False, tz=UTC) as other:
        theirs = other.reviews.start(deck_id)
        assert theirs is not None and theirs.card.id == queued.card.id
        other.reviews.answer(theirs.card.id, 4)
    after = service.reviews.next()
    assert after is not None
    assert after.counts.new == queued.counts.new - 1
    assert after.counts == _fresh_counts(db_path, deck_id)


def test_undo_gives_the_new_card_back_to_the_counts(service: StudyService) -> None:
    deck_id = _limited(service)
    first = service.reviews.start(deck_id)
    assert first is not None
    second = service.reviews.answer(first.card.id, 4).next
    assert second is not None
    service.reviews.undo()
    again = service.reviews.next()
    assert again is not None
    assert again.counts.new == first.counts.new


def test_a_new_study_day_resets_the_daily_new_limit(service: StudyService, db_path: Path) -> None:
    deck_id = _limited(service, n=20, new=3)
    queued = service.reviews.start(deck_id)
    while queued is not None and queued.counts.new:
        queued = service.reviews.answer(queued.card.id, 4).next
    tomorrow = NOW + timedelta(days=1)
    assert service.reviews.counts(deck_id, NOW).new == 0
    assert service.reviews.counts(deck_id, tomorrow).new == 3
    assert service.reviews.counts(deck_id, tomorrow) == _fresh_counts(db_path, deck_id, tomorrow)


def test_one_answer_is_one_transaction_of_few_statements(service: StudyService) -> None:
    deck_id = _limited(service)
    queued = service.reviews.start(deck_id)
    assert queued is not None
    queued = service.reviews.answer(queued.card.id, 3).next  # the usage is read once
    assert queued is not None
    statements: list[str] = []
    conn = service.ctx.database().sqlite()
    conn.set_trace_callback(statements.append)
    try:
        service.reviews.answer(queued.card.id, 3)
    finally:
        conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    # BEGIN, data version, the card's schedule, UPDATE, INSERT, the next card's row, COMMIT:
    # the queue and its counts come from the session's lists, not from the database
    assert len(statements) <= 7, statements
    assert not any("count(" in s for s in statements), statements


def test_deck_settings_changed_anywhere_apply_to_the_next_answer(
    service: StudyService, db_path: Path
) -> None:
    deck_id = _limited(service, n=20, new=5)
    first = service.reviews.start(deck_id)
    assert first is not None and first.counts.new == 5
    service.decks.set_limits(deck_id, new=8, reviews=50)  # this process
    queued = service.reviews.answer(first.card.id, 4).next
    assert queued is not None and queued.counts.new == 7
    script = (
        "import sys; from studyapp.study.service import StudyService\n"
        "with StudyService.open(sys.argv[1]) as s: s.decks.set_limits(int(sys.argv[2]), 3, 50)"
    )
    subprocess.run(  # another process
        [sys.executable, "-c", script, str(db_path), str(deck_id)], check=True, cwd=ROOT
    )
    queued = service.reviews.answer(queued.card.id, 4).next
    assert queued is not None and queued.counts.new == 1
