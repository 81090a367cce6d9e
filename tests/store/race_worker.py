"""Run as a process by test_postgres_race: answer (and now and then undo) cards of a shared set.

Usage: python race_worker.py DB CARD_IDS COUNT START_AT SEED UNDO_EVERY
(``CARD_IDS`` comma-separated; ``START_AT`` a time.time() to start together; every
``UNDO_EVERY``-th answer is followed by an undo, refused when another process answered the
card since). Prints ``answers undos``; any other exception exits non-zero with its message.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time

from studyapp.study.errors import StudyError
from studyapp.study.service import Rating, StudyService


def main() -> int:
    db, ids, count, start_at, seed, undo_every = sys.argv[1:7]
    card_ids = [int(i) for i in ids.split(",")]
    pick = random.Random(int(seed))
    service = StudyService.open(db, fuzz=False)
    while time.time() < float(start_at):
        time.sleep(0.001)
    answers = undos = 0
    for i in range(int(count)):
        card_id = pick.choice(card_ids)
        service.reviews.record(card_id, pick.choice(list(Rating)), 10)
        answers += 1
        if int(undo_every) and i % int(undo_every) == 0:
            with contextlib.suppress(StudyError):  # answered by the other process since
                undos += service.reviews.undo() is not None
    service.close()
    print(answers, undos)
    return 0


if __name__ == "__main__":
    sys.exit(main())
