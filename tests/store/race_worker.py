"""Run as a process by test_postgres_race: answer (and now and then undo) cards of a shared set.

Usage: python race_worker.py DB CARD_IDS COUNT SEED UNDO_EVERY
(``CARD_IDS`` comma-separated; every ``UNDO_EVERY``-th answer is followed by an undo, refused
when another process answered the card since). Prints ``ready`` once the database is open,
waits for a line on stdin (the parent's go, sent when every worker is ready), then prints
``answers undos first last`` (``first``/``last``: time.time() of its first and last answer,
so the parent can check the writers overlapped); any other exception exits non-zero.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time

from studyapp.study.errors import StudyError
from studyapp.study.service import Rating, StudyService


def main() -> int:
    db, ids, count, seed, undo_every = sys.argv[1:6]
    card_ids = [int(i) for i in ids.split(",")]
    pick = random.Random(int(seed))
    service = StudyService.open(db, fuzz=False)
    print("ready", flush=True)
    sys.stdin.readline()
    answers = undos = 0
    first = time.time()
    for i in range(int(count)):
        card_id = pick.choice(card_ids)
        service.reviews.record(card_id, pick.choice(list(Rating)), 10)
        answers += 1
        if int(undo_every) and i % int(undo_every) == 0:
            with contextlib.suppress(StudyError):  # answered by the other process since
                undos += service.reviews.undo() is not None
    last = time.time()
    service.close()
    print(answers, undos, first, last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
