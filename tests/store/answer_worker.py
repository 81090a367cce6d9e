"""Run as a process by test_concurrency: answer cards of one deck as fast as possible.

Usage: python answer_worker.py DB DECK_ID COUNT START_AT (a time.time() to start together)
Prints the number of answers committed; any exception exits non-zero with its message.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

from studyapp.study.service import Rating, StudyService


def main() -> int:
    db, deck_id, count, start_at = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        float(sys.argv[4]),
    )
    service = StudyService.open(db, fuzz=False, tz=UTC)
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    while time.time() < start_at:
        time.sleep(0.001)
    done = 0
    for i in range(count):
        queued = service.reviews.peek(deck_id, now + timedelta(seconds=i))
        card = queued.card if queued is not None else None
        if card is None:
            break
        service.reviews.record(card.id, Rating.EASY, 10, now + timedelta(seconds=i))
        service.decks(now)  # readers interleaved with the other process's writes
        done += 1
    service.close()
    print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
