"""Review screen latency: a rating key to the next card painted, on SQLite and PostgreSQL.

Run: ``python benchmarks/bench_review.py [--quick] [--answers N] [--pg URL]``.

The app runs headless at 80x24 on ``studyapp review`` of a deck of 5,000 cards with 50,000
answers in its log (``bench_store.build_db``: a realistic spread of states and due dates;
the same rows copied into PostgreSQL). A "typist" thread, as the terminal's input thread
would, reveals each card (``space``) and answers it (``1``-``4``); the latency is from the
rating key's arrival to the next card's front being rendered by the compositor (the
headless driver skips only the final terminal write), so it holds the whole answer:
FSRS, the committed write, the next card with its counts and intervals, the widgets'
update, layout and paint. ``answer call``: ``reviews.answer`` alone (its share). Wall
times grow with the machine's load: compare figures of one run.

SQLite runs twice, with the session's kept queue (:mod:`studyapp.study.session_queue`) and
without it (the counts and next card read from the database on every answer), so the kept
queue is measured against its reference. PostgreSQL (``--pg URL``, else
``$STUDYAPP_BENCH_PG`` or ``$STUDYAPP_TEST_PG``; ``.ci/postgres.sh`` starts one) works in a
schema of its own, dropped afterwards; without a server it says it skipped. Goal: p99
within one 60 Hz frame (16 ms) on SQLite. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOAL_MS = 16.0
READING_S = 0.05
"""The pause before each key (a student reads for longer): the app is idle when it comes, as
it is for a person (keys closer than a frame would wait for Textual's next 60 Hz frame)."""
RATINGS = "1333334"  # Again, Good x5, Easy
TABLES = ("deck", "card", "review_log")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {statistics.median(values):6.2f} ms, p99 {percentile(values, 99):6.2f} ms,"
        f" max {max(values):6.2f} ms"
    )


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server at ``url``; yields a URL that works in it."""
    from sqlalchemy import create_engine, text

    from studyapp.store.engine import to_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(to_url(url))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def copy_to(source: Path, url: str) -> None:
    """The SQLite database's decks, cards and log, rows and ids alike, into ``url``."""
    from sqlalchemy import create_engine, text

    from studyapp.store.engine import to_url
    from studyapp.store.rows import CARD, DECK, REVIEW_LOG
    from studyapp.store.sql import Db
    from studyapp.store.table import pg_value
    from studyapp.study.service import StudyService

    StudyService.open(url).close()  # the schema
    db = Db(str(source))
    engine = create_engine(to_url(url))
    try:
        with db.session() as q, engine.begin() as conn:
            for table in (DECK, CARD, REVIEW_LOG):
                names = ", ".join(table[n].sql for n in table.names)
                marks = ", ".join(f":{n}" for n in table.names)
                insert = text(f"INSERT INTO {table.name} ({names}) VALUES ({marks})")
                rows = q.fetch(table)
                for start in range(0, len(rows), 5000):
                    chunk = rows[start : start + 5000]
                    conn.execute(insert, [
                        {k: pg_value(v) for k, v in row._asdict().items()} for row in chunk
                    ])  # fmt: skip
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                    f" (SELECT max(id) FROM {table.name}))"
                ))  # fmt: skip
    finally:
        db.close()
        engine.dispose()


def front_painted(screen: Any) -> threading.Event:
    """An event set each time the review screen's front is rendered with new text; the
    time of that render is kept on it (``painted.at``)."""
    from studyapp.ui.screens.review import ReviewScreen

    assert isinstance(screen, ReviewScreen)
    front = screen.query_one("#front")
    painted = threading.Event()
    real = front.render
    last: list[str] = [""]

    def render() -> Any:
        shown = real()
        text = str(getattr(shown, "plain", shown))
        if text != last[0]:
            last[0] = text
            painted.at = time.perf_counter()  # type: ignore[attr-defined]
            painted.set()
        return shown

    front.render = render  # type: ignore[method-assign]
    return painted


async def session(url: str, answers: int, kept_queue: bool) -> dict[str, list[float]]:
    """Answer ``answers`` cards in the app; key-to-paint and answer-call milliseconds."""
    from textual import events

    from studyapp.study.reviews import ReviewsPart
    from studyapp.study.service import StudyService
    from studyapp.ui.app import StudyApp

    service = StudyService.open(url)
    deck = service.decks.list()[0]
    service.decks.set_limits(deck.id, new=answers, reviews=answers)
    calls: list[float] = []
    real_answer = service.reviews.answer

    def timed_answer(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_answer(*args, **kwargs)
        finally:
            calls.append((time.perf_counter() - started) * 1000)

    service.reviews.answer = timed_answer  # type: ignore[method-assign]
    if not kept_queue:
        service.reviews._session_queue = lambda q, now: None  # type: ignore[method-assign]
    assert isinstance(service.reviews, ReviewsPart)
    app = StudyApp(lambda: service, sync_decks=False, review=(deck.id, deck.name))
    app.settles_heap = True  # as ``run_app`` does: the heap frozen once the first card shows
    latencies: list[float] = []
    try:
        async with app.run_test(size=(80, 24)):
            for _ in range(200):
                if app.screen.query("#front"):
                    break
                await asyncio.sleep(0.01)
            screen = app.screen
            painted = front_painted(screen)
            loop = asyncio.get_running_loop()
            rng = random.Random(5)

            def press(key: str) -> None:
                loop.call_soon_threadsafe(app.post_message, events.Key(key, key))

            def typist() -> None:
                for _ in range(answers):
                    if getattr(screen, "card", None) is None:
                        return
                    press("space")
                    time.sleep(0.005)
                    while not screen.revealed:  # type: ignore[attr-defined]
                        time.sleep(0.001)
                    time.sleep(READING_S)  # the answer is read: the app has painted, idle
                    painted.clear()
                    sent = time.perf_counter()
                    press(rng.choice(RATINGS))
                    if not painted.wait(5.0):
                        return
                    latencies.append((painted.at - sent) * 1000)  # type: ignore[attr-defined]
                    time.sleep(READING_S)

            await asyncio.to_thread(typist)
    finally:
        service.close()
    return {"paint": latencies, "call": calls[: len(latencies)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the deck (smoke run)")
    parser.add_argument("--answers", type=int, default=200, help="timed answers per run")
    parser.add_argument("--pg", help="PostgreSQL URL (default: the env vars; '' for none)")
    args = parser.parse_args()
    from bench_store import build_db

    pg = args.pg
    if pg is None:
        pg = os.environ.get("STUDYAPP_BENCH_PG") or os.environ.get("STUDYAPP_TEST_PG", "")
    cards, reviews = (500, 5_000) if args.quick else (5_000, 50_000)
    print(
        f"review screen: rating key -> next card painted, 80x24 headless, {cards:,} cards /"
        f" {reviews:,} answers in the log, {args.answers} answers a run (goal p99 <= {GOAL_MS:.0f}"
        " ms on SQLite)"
    )
    results: list[tuple[str, dict[str, list[float]]]] = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bench.db"
        build_db(source, cards, reviews, seed=4)
        runs: list[tuple[str, Callable[[], dict[str, list[float]]]]] = []
        for kept in (True, False):
            label = "SQLite" if kept else "SQLite, no kept queue"

            def sqlite_run(kept: bool = kept) -> dict[str, list[float]]:
                copy = Path(folder) / f"run-{uuid.uuid4().hex[:6]}.db"
                copy.write_bytes(source.read_bytes())
                return asyncio.run(session(str(copy), args.answers, kept))

            runs.append((label, sqlite_run))
        for label, run in runs:
            results.append((label, run()))
        if pg:
            try:
                with pg_schema(pg) as url:
                    copy_to(source, url)
                    results.append(("PostgreSQL", asyncio.run(session(url, args.answers, True))))
            except Exception as error:  # a configured but unusable server: said, not fatal
                print(f"  PostgreSQL: skipped: {type(error).__name__}: {error}"[:300])
        else:
            print("  PostgreSQL: skipped: no server (--pg URL, or $STUDYAPP_BENCH_PG)")
    for label, figures in results:
        paint, call = figures["paint"], figures["call"]
        print(f"  {label:<23} key -> painted {summary(paint)}  ({len(paint)} answers)")
        print(f"  {'':<23} answer call    {summary(call)}")
        if label == "SQLite" and paint:
            print(f"  {'':<23} p99 / goal {GOAL_MS:.0f} ms = {percentile(paint, 99) / GOAL_MS:.2f}")
    by_label = dict(results)
    kept, fresh = by_label.get("SQLite"), by_label.get("SQLite, no kept queue")
    if kept and fresh and kept["paint"] and fresh["paint"]:
        ratio = statistics.median(fresh["call"]) / max(statistics.median(kept["call"]), 1e-9)
        print(f"  kept queue: answer call p50 {ratio:.2f}x faster than reading the queue again")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
