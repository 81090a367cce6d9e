"""Quiz speed: grading a typed answer (one key press) and choosing multiple-choice questions.

Grades every answer of the labelled set (``tests/fixtures/typed_answers.csv``) with the
bundled glossary and prints grades per second and the per-grade p50/p99, beside a peer
measured in the same run: ``difflib.SequenceMatcher.ratio`` over the same pairs (the
string comparison the first typed grader was built on). Also prints the one-off costs a
quiz pays on its worker before the first key press (the bundled glossary, the cards' readings)
and the time to choose ten multiple-choice questions from the largest bundled deck.

Goal (issue 18): a grade well under a key press (p99 < 50 ms). Prints figures; asserts
nothing.

    python benchmarks/bench_quiz.py [--runs N] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="passes over the labelled set")
    parser.add_argument("--limit", type=int, default=0, help="answers graded (0: all)")
    args = parser.parse_args()

    started = time.perf_counter()
    from studyapp.study.quiz_glossary import Glossary, bundled
    from studyapp.study.quiz_grading import _cards, grade

    imported = time.perf_counter()
    glossary = bundled()
    built = time.perf_counter()
    _cards(glossary)
    read = time.perf_counter()
    print(f"import {1000 * (imported - started):.0f} ms, "
          f"bundled glossary {1000 * (built - imported):.0f} ms, "
          f"card readings {1000 * (read - built):.0f} ms")  # fmt: skip

    with (ROOT / "tests" / "fixtures" / "typed_answers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if args.limit:
        rows = rows[: args.limit]
    pairs = [(r["expected"], r["typed"], r["prompt"]) for r in rows]
    times: list[float] = []
    for run in range(max(1, args.runs)):
        if run:  # every pass grades as a fresh quiz would: nothing read before
            glossary = Glossary.from_cards(glossary.cards)
            _cards(glossary)
        for expected, typed, prompt in pairs:
            t = time.perf_counter()
            grade(expected, typed, glossary, prompt)
            times.append(time.perf_counter() - t)
    peer: list[float] = []
    for _ in range(max(1, args.runs)):
        for expected, typed, _prompt in pairs:
            t = time.perf_counter()
            SequenceMatcher(None, expected.casefold(), typed.casefold()).ratio()
            peer.append(time.perf_counter() - t)
    rate, peer_rate = len(times) / sum(times), len(peer) / sum(peer)
    # the word caches (tokens, stems) stay warm across passes, as they do in a session
    cuts = statistics.quantiles(times, n=100)
    first = len(pairs) / sum(times[: len(pairs)])
    print(f"grade: {rate:.0f} grades/s over {len(pairs)} answers x {args.runs} "
          f"(first pass, nothing cached: {first:.0f}/s), p50 {1000 * cuts[49]:.2f} ms, "
          f"p99 {1000 * cuts[98]:.2f} ms, max {1000 * max(times):.1f} ms")  # fmt: skip
    print(f"peer difflib ratio: {peer_rate:.0f}/s; grade is {peer_rate / rate:.0f}x slower")

    from studyapp.deckfmt import parse_file
    from studyapp.study.quiz import make_quiz

    deck = max((ROOT / "decks").glob("*.txt"), key=lambda p: p.stat().st_size)
    cards = [(i, c.front, c.back) for i, c in enumerate(parse_file(deck).cards) if c.back.strip()]
    took = []
    for seed in range(max(1, args.runs)):
        t = time.perf_counter()
        make_quiz(cards, 10, "choice", random.Random(seed), glossary)
        took.append(time.perf_counter() - t)
    print(f"choose 10 multiple-choice questions from {deck.stem} ({len(cards)} cards): "
          f"median {1000 * statistics.median(took):.0f} ms, "
          f"first {1000 * took[0]:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
