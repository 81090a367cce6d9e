"""An Anki collection of Basic cards with review histories, made by the ``anki`` package, and
Anki's own memory state of each card (``col.compute_memory_state``); run as a subprocess by
``test_import_parity.py`` (so ``TZ`` can set the zone Anki counts days in).

Usage: ``python anki_histories.py OUT KIND ROLLOVER CARDS SEED`` (KIND ``apkg`` or
``colpkg``) writes ``OUT/parity.KIND`` and ``OUT/expected.json``: ``{front: [stability,
difficulty] or null}``. Histories (times in the local zone): learning steps the same day,
reviews days apart at any hour (many near the rollover), lapses and relearning, cram and
manual entries, resets ("forget") and learning again, truncated logs (no learning), and one
Again at 03:43 with a Good at 04:13 the next day.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED = 0, 1, 2, 3, 4, 5
Entry = tuple[datetime, int, int, int, int]
"""(answered at, ease, revlog type, interval, factor)."""


def history(rng: random.Random, index: int, start: datetime, rollover: int) -> list[Entry]:
    out: list[Entry] = []
    at = start

    def add(when: datetime, ease: int, kind: int, ivl: int = 0, factor: int = 2500) -> None:
        out.append((when, ease, kind, ivl, factor))

    def near_rollover(day: datetime) -> datetime:
        if rng.random() < 0.4:  # within an hour of the day's start, either side
            minutes = rng.randint(-60, 60)
            return datetime.combine(day.date(), time(rollover), day.tzinfo) + timedelta(
                minutes=minutes
            )
        return datetime.combine(day.date(), time(0), day.tzinfo) + timedelta(
            minutes=rng.randint(0, 1439)
        )

    if index == 0:  # the card: Again at 03:43, Good at 04:13 the next day
        first = datetime.combine(at.date(), time(rollover - 1 if rollover else 23, 43), at.tzinfo)
        add(first, 1, LEARN, -60)
        add(first + timedelta(days=1, minutes=30), 3, LEARN, 1)
        at = first + timedelta(days=1, minutes=30)
    elif index % 10 == 9:  # a truncated log: reviews only
        add(at, rng.choice((2, 3, 3, 4)), REVIEW, rng.randint(2, 40), rng.randint(1300, 2900))
    else:
        ease = rng.choice((1, 3, 3, 4))
        add(at, ease, LEARN, -60)
        steps = 0 if ease == 4 else rng.randint(1, 3)
        for _ in range(steps):
            at += timedelta(minutes=rng.randint(1, 15))
            add(at, rng.choice((1, 3, 3, 3)), LEARN, -600)
    for _ in range(rng.randint(0 if index else 2, 14)):
        at = near_rollover(at + timedelta(days=rng.choice((1, 1, 2, 3, rng.randint(4, 60)))))
        ease = rng.choices((1, 2, 3, 4), (15, 15, 55, 15))[0]
        add(at, ease, REVIEW, rng.randint(1, 60), rng.randint(1300, 2900))
        if ease == 1:  # a lapse, relearnt the same day (sometimes failed again first)
            for relearn in rng.choice(((3,), (3,), (1, 3), (2, 3))):
                at += timedelta(minutes=rng.randint(5, 30))
                add(at, relearn, RELEARN, 1 if relearn > 1 else -600)
        roll = rng.random()
        if roll < 0.05:  # crammed in a filtered deck that does not reschedule
            add(at + timedelta(hours=1), 3, FILTERED, 0, 0)
        elif roll < 0.1:  # "set due date", rescheduled
            add(at + timedelta(hours=1), 0, rng.choice((MANUAL, RESCHEDULED)), 5, 2500)
        elif roll < 0.13:  # reset ("forget"), learnt again the next day
            add(at + timedelta(hours=1), 0, MANUAL, 0, 0)
            at += timedelta(days=1)
            add(at, rng.choice((1, 3)), LEARN, -60)
            at += timedelta(minutes=10)
            add(at, 3, LEARN, 1)
    return out


def build(out: Path, kind: str, rollover: int, cards: int, seed: int) -> None:
    # isort: off
    from anki.collection import Collection, ExportAnkiPackageOptions  # before other anki imports
    from anki.import_export_pb2 import ExportLimit

    # isort: on

    rng = random.Random(seed)
    col = Collection(str(out / "collection.anki2"))
    col.set_config("rollover", rollover)
    col.set_config("fsrs", True)
    deck_id = col.decks.id("Parity")
    now = datetime.now().astimezone()
    expected: dict[str, Any] = {}
    used: set[int] = set()
    for index in range(cards):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = f"card {seed}-{index}", "back"
        col.add_note(note, deck_id)
        card_id = note.cards()[0].id
        start = now - timedelta(days=rng.randint(400, 900))
        entries = history(rng, index, start, rollover)
        assert entries[-1][0] < now - timedelta(hours=2)
        for when, ease, kind_, ivl, factor in entries:
            revlog_id = int(when.timestamp() * 1000)
            while revlog_id in used:  # the log's id is its time in ms: one per ms
                revlog_id += 1
            used.add(revlog_id)
            col.db.execute(
                "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, 0, ?, 4000, ?)",
                revlog_id, card_id, ease, ivl, factor, kind_,
            )  # fmt: skip
        col.db.execute(
            "UPDATE cards SET type = 2, queue = 2, ivl = ?, due = ?, reps = ?, factor = ? "
            "WHERE id = ?",
            max(1, entries[-1][3]), col.sched.today + 1, len(entries), entries[-1][4] or 2500,
            card_id,
        )  # fmt: skip
        memory = col.compute_memory_state(card_id)
        known = memory.stability is not None
        expected[note["Front"]] = [memory.stability, memory.difficulty] if known else None
    (out / "expected.json").write_text(json.dumps(expected))
    package = out / f"parity.{kind}"
    if kind == "colpkg":
        col.export_collection_package(str(package), include_media=False, legacy=False)
        return
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=False, legacy=False)
    col.export_anki_package(out_path=str(package), options=options, limit=ExportLimit())
    col.close()


if __name__ == "__main__":
    folder, kind, rollover, cards, seed = sys.argv[1:6]
    build(Path(folder), kind, int(rollover), int(cards), int(seed))
