"""Store benchmarks: answer-and-persist latency, due-queue build, and Anki's own answer cost.

Run: ``python benchmarks/bench_store.py [--quick] [--answers N]``.

1. Answer and persist (goal p99 < 5 ms): a 10,000-card deck with 200,000 reviews in its log;
   each timed call is ``StudyService.answer`` (FSRS, card update, log insert, commit).
   Side by side, Anki's own per-answer cost (the ``anki`` package, ``pip install -e
   '.[bench]'``): the same 10,000 cards / 200,000 revlog rows, FSRS on, each timed call is
   ``answer_card`` of Anki's v3 scheduler (which also commits), alternating with ours so both
   see the same machine load. Prints "skipped: anki not installed" without it. Wall time and
   the calling thread's CPU time are both reported (CPU time leaves out the time the process
   waited for a core on a shared machine).
2. Due-queue build (goal < 10 ms, issue 9): a 100,000-card deck with 1,000,000 reviews; times
   ``queue()`` (today's whole queue within the limits), ``reviews.start()`` (a session's first
   card: its in-memory queue read whole), ``reviews.peek()`` and ``decks()`` (the home
   screen's counts).

Databases are generated with plain SQL inserts (seeded, realistic spread of states, due dates
and stabilities), in a temporary directory. Prints figures and the ratios to the goals.
"""

from __future__ import annotations

import argparse
import functools
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime.now(UTC).replace(microsecond=0)
FMT = "%Y-%m-%d %H:%M:%S.%f"


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime(FMT)


def build_db(path: Path, cards: int, reviews: int, seed: int = 0) -> int:
    """A studyapp database with one deck of ``cards`` cards and ``reviews`` log rows."""
    from studyapp.store.engine import make_engine
    from studyapp.store.migrations import prepare

    engine = make_engine(str(path))
    prepare(engine)
    engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    created = stamp(NOW - timedelta(days=800))
    db.execute(
        "INSERT INTO deck (id, source, name, path, format, file_hash, file_size, file_mtime, "
        "desired_retention, new_limit, review_limit, leech_threshold, exam_time, created_at) "
        "VALUES (1, 'bench/deck', 'Bench', '', 'deck', '', 0, 0, 0.9, 20, 200, 8, 540, ?)",
        (created,),
    )
    rows = []
    for i in range(1, cards + 1):
        roll = rng.random()
        if roll < 0.15:
            state, step, s, d, due, last = 0, None, None, None, None, None
        else:
            state = 2 if roll < 0.95 else 1
            step = None if state == 2 else 0
            s = rng.uniform(0.5, 300.0)
            d = rng.uniform(1.0, 10.0)
            due_at = NOW + timedelta(
                days=rng.uniform(-20, 365) if state == 2 else rng.uniform(-0.1, 0.1)
            )
            due, last = stamp(due_at), stamp(due_at - timedelta(days=max(0.01, s * 0.9)))
        rows.append(
            (i, 1, f"k{i}", i, i, f"Question {i}?", f"Answer {i}", f"Question {i}?",
             f"Answer {i}", 0, 0, state, step, s, d, due, last, rng.randint(0, 20),
             rng.randint(0, 3), 0, None, "[]", "[]", "[]", "[]", "[]", "{}", created)
        )  # fmt: skip
    columns = (
        "id, deck_id, key, position, line, file_front, file_back, front, back, edited, removed,"
        " state, step, stability, difficulty, due, last_review, reps, lapses, suspended,"
        " buried_until, flags, tags, file_flags, file_tags, experiments, experiment_settings,"
        " created_at"
    )
    db.executemany(f"INSERT INTO card ({columns}) VALUES ({','.join('?' * 28)})", rows)
    logs = []
    for j in range(1, reviews + 1):
        card_id = rng.randint(1, cards)
        at = NOW - timedelta(days=rng.uniform(1, 730))
        logs.append(
            (j, card_id, stamp(at), rng.choice((1, 3, 3, 3, 2, 4)), rng.randint(500, 20000),
             "review", 2, None, 10.0, 5.0, stamp(at), stamp(at - timedelta(days=10)), 2, None,
             12.0, 5.1, stamp(at + timedelta(days=12)), None)
        )  # fmt: skip
        if len(logs) == 50_000:
            db.executemany(f"INSERT INTO review_log VALUES ({','.join('?' * 18)})", logs)
            logs.clear()
    if logs:
        db.executemany(f"INSERT INTO review_log VALUES ({','.join('?' * 18)})", logs)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return 1


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50, p99, statistics.fmean(ordered)


class Timings:
    """Wall-clock and CPU (this thread) milliseconds of repeated calls."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, call: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        call()
        self.cpu.append((time.thread_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)

    def line(self, name: str) -> str:
        w50, w99, wmean = percentiles(self.wall)
        c50, c99, cmean = percentiles(self.cpu)
        return (
            f"  {name}: wall p50 {w50:.2f} ms, p99 {w99:.2f} ms, mean {wmean:.2f} ms; "
            f"CPU p50 {c50:.2f} ms, p99 {c99:.2f} ms, mean {cmean:.2f} ms "
            f"({len(self.wall)} answers)"
        )


RATINGS = (1, 3, 3, 3, 4)  # Again, Good x3, Easy


def studyapp_answers(
    tmp: Path, cards: int, reviews: int, answers: int
) -> Iterator[Callable[[], object]]:
    """Calls that each answer the next due card of a studyapp database (built here)."""
    from studyapp.study.service import StudyService

    path = tmp / "answers.db"
    t0 = time.perf_counter()
    deck_id = build_db(path, cards, reviews)
    print(f"  built {cards:,} cards / {reviews:,} reviews in {time.perf_counter() - t0:.1f} s")
    service = StudyService.open(str(path))
    service.decks.set_limits(deck_id, new=answers, reviews=answers)  # enough cards due to time
    rng = random.Random(1)
    for card_id in service.reviews.queue(deck_id)[:answers]:
        yield functools.partial(service.reviews.record, card_id, rng.choice(RATINGS), 3000)
    service.close()


def studyapp_session(tmp: Path, cards: int, reviews: int, answers: int) -> Timings:
    """``reviews.answer``: answer, persist, and the next card with its counts and intervals
    (what the review screen does per key press), timed over ``answers`` presses."""
    from studyapp.study.service import StudyService

    path = tmp / "session.db"
    deck_id = build_db(path, cards, reviews, seed=3)
    timings = Timings()
    with StudyService.open(str(path)) as service:
        service.decks.set_limits(deck_id, new=20, reviews=200)  # the defaults: counts capped
        rng = random.Random(3)
        queued = service.reviews.start(deck_id)
        for _ in range(answers):
            if queued is None:
                break
            call = functools.partial(
                service.reviews.answer, queued.card.id, rng.choice(RATINGS), 3000
            )
            wall, cpu = time.perf_counter(), time.thread_time()
            queued = call().next
            timings.cpu.append((time.thread_time() - cpu) * 1000)
            timings.wall.append((time.perf_counter() - wall) * 1000)
    return timings


def bench_queue(tmp: Path, cards: int, reviews: int, runs: int) -> dict[str, list[float]]:
    from studyapp.study.service import StudyService

    path = tmp / "queue.db"
    t0 = time.perf_counter()
    deck_id = build_db(path, cards, reviews, seed=2)
    print(f"  built {cards:,} cards / {reviews:,} reviews in {time.perf_counter() - t0:.1f} s")
    service = StudyService.open(str(path))
    calls = {
        "queue()": lambda: service.reviews.queue(deck_id),
        "reviews.start()": lambda: service.reviews.start(deck_id),
        "reviews.peek()": lambda: service.reviews.peek(deck_id),
        "decks()": lambda: service.decks(),
    }
    out: dict[str, list[float]] = {name: [] for name in calls}
    for name, call in calls.items():
        call()  # warm the page cache and statement cache
        for _ in range(runs):
            start = time.perf_counter()
            call()
            out[name].append((time.perf_counter() - start) * 1000)
    size = len(service.reviews.queue(deck_id))
    service.close()
    print(f"  today's queue: {size} cards (limits 20 new, 200 reviews)")
    return out


def anki_answers(
    tmp: Path, cards: int, reviews: int, answers: int
) -> Iterator[Callable[[], object]]:
    """Calls that each answer the next queued card of an Anki collection (built here).

    Fetching the card and building the answer happen outside the timed call, as in ours.
    """
    from anki.collection import AddNoteRequest, Collection
    from anki.scheduler_pb2 import CardAnswer

    rng = random.Random(0)
    folder = tmp / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    model = col.models.by_name("Basic")
    assert model is not None
    deck_id = col.decks.id("Bench")
    assert deck_id is not None
    col.decks.select(deck_id)  # the v3 queue serves the current deck
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = config["rev"]["perDay"] = answers
    col.decks.save(config)
    t0 = time.perf_counter()
    requests = []
    for i in range(cards):
        note = col.new_note(model)
        note["Front"], note["Back"] = f"Question {i}?", f"Answer {i}"
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    today = col.sched.today
    card_ids = col.db.list("SELECT id FROM cards")
    updates = []
    for cid in card_ids:
        if rng.random() < 0.85:
            s = rng.uniform(0.5, 300.0)
            due = today + int(rng.uniform(-20, 365))
            data = f'{{"s":{s:.2f},"d":{rng.uniform(1, 10):.2f},"dr":0.9}}'
            updates.append((due, max(1, int(s * 0.9)), data, cid))
    col.db.executemany(
        "UPDATE cards SET type=2, queue=2, due=?, ivl=?, factor=2500, data=? WHERE id=?", updates
    )
    now_ms = int(time.time() * 1000)
    start_ms = now_ms - 86_400_000 * 730
    revlog = [
        (start_ms + j * 300_000, rng.choice(card_ids), -1, rng.choice((1, 3, 3, 4)), 12, 10,
         2500, rng.randint(500, 20000), 1)
        for j in range(reviews)
    ]  # fmt: skip
    col.db.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", revlog)
    col.db.execute("ANALYZE")
    print(f"  built the Anki collection in {time.perf_counter() - t0:.1f} s")
    ratings = (CardAnswer.AGAIN, CardAnswer.GOOD, CardAnswer.GOOD, CardAnswer.GOOD, CardAnswer.EASY)
    for _ in range(answers):
        queued = col.sched.get_queued_cards()
        if not queued.cards:
            break
        card = col.get_card(queued.cards[0].card.id)
        card.start_timer()
        states = queued.cards[0].states
        answer = col.sched.build_answer(card=card, states=states, rating=rng.choice(ratings))
        yield functools.partial(col.sched.answer_card, answer)
    col.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes (smoke run)")
    parser.add_argument("--answers", type=int, default=500, help="timed answers (default 500)")
    parser.add_argument("--runs", type=int, default=20, help="timed queue builds per call")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    cards, reviews = 10_000 // scale, 200_000 // scale
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"1. answer and persist: {cards:,} cards, {reviews:,} reviews")
        ours_calls = studyapp_answers(tmp, cards, reviews, args.answers)
        anki_calls: Iterator[Callable[[], object]] | None = None
        try:
            import anki  # noqa: F401
        except ImportError:
            print("  Anki: skipped: anki not installed (pip install -e '.[bench]')")
        else:
            print("  Anki (anki package, FSRS on), same sizes, answers alternating with ours")
            anki_calls = anki_answers(tmp, cards, reviews, args.answers)
        ours, theirs = Timings(), Timings()
        for call in ours_calls:
            ours.time(call)
            if anki_calls is not None:
                theirs_call = next(anki_calls, None)
                if theirs_call is None:
                    anki_calls = None
                else:
                    theirs.time(theirs_call)
        print(ours.line("studyapp answer()"))
        _, p99, _ = percentiles(ours.wall)
        print(f"  studyapp wall p99 / goal 5 ms = {p99 / 5:.2f}")
        if theirs.wall:
            print(theirs.line("anki answer_card()"))
            for clock in ("wall", "cpu"):
                o50, o99, omean = percentiles(getattr(ours, clock))
                a50, a99, amean = percentiles(getattr(theirs, clock))
                print(f"  studyapp / anki ({clock}): p50 {o50 / a50:.2f}x, p99 {o99 / a99:.2f}x, "
                      f"mean {omean / amean:.2f}x (goal: <= 1)")  # fmt: skip

        session = studyapp_session(tmp, cards, reviews, args.answers)
        print(session.line("studyapp reviews.answer() (answer + next card + counts)"))
        s50, _, _ = percentiles(session.wall)
        print(f"  reviews.answer() wall p50 / goal 1 ms = {s50:.2f}")
        if theirs.wall:
            a50, _, _ = percentiles(theirs.wall)
            print(f"  reviews.answer() / anki answer_card() (wall p50) = {s50 / a50:.2f}x")

        print(f"2. due-queue build: {100_000 // scale:,} cards, {1_000_000 // scale:,} reviews")
        queue = bench_queue(tmp, 100_000 // scale, 1_000_000 // scale, args.runs)
        for name, samples in queue.items():
            q50, q99, _ = percentiles(samples)
            print(f"  {name:<15} median {q50:.1f} ms, max {max(samples):.1f} ms, "
                  f"p99 {q99:.1f} ms; median / goal 10 ms = {q50 / 10:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
