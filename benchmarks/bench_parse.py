"""Deck parsing throughput and the cold start of ``studyapp deck parse``.

Run: ``python benchmarks/bench_parse.py [--cards N] [--runs R]``. Prints, per format, the
cards/s of ``parse_file`` on a generated N-card file (default 50,000; goal >= 50,000 cards/s;
wall time, with CPU time beside it since the CI machine is shared)
and the median wall time of ``studyapp deck parse FILE --json`` in a fresh interpreter
(goal < 0.3 s), after checking that torch, Textual and SQLModel are not imported on that path.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_CARDS_PER_S = 50_000
GOAL_COLD_START_S = 0.3
FOOTER = "How well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n"


def _answer(i: int) -> str:
    if i % 50 == 0:
        return "(See image)"
    if i % 20 == 0:
        return f"The loss is $\\mathbb{{E}}_{{x \\sim p_{{data}}}}[\\log D_{i % 7}(x)]$"
    if i % 3 == 0:
        return f"- first point about item {i}\n- second point, with detail {i * 7}"
    return f"Answer number {i}: a sentence that explains the concept in a few words."


def generate(fmt: str, n: int) -> str:
    """An ``n``-card deck in ``fmt`` with bullets, LaTeX and image placeholders mixed in."""
    parts: list[str] = []
    if fmt == "brainscape":
        parts.append("Benchmark deck Flashcards\n\n")
        for i in range(1, n + 1):
            answer = _answer(i)
            parts.append(f"{i}\nQ\n\nBenchmark deck\n\nWhat is concept {i}?\n\nA\n\n{answer}\n\n")
            parts.append(FOOTER)
    elif fmt == "quizlet":
        parts.append("Benchmark deck Flashcards\n")
        for i in range(1, n + 1):
            answer = _answer(i)
            if not answer.startswith("-"):
                answer = "- " + answer
            parts.append(f"Concept {i} term\n{answer}\n")
    elif fmt == "qa":
        parts.append("Benchmark Flashcards\nLecture 1\n")
        for i in range(1, n + 1):
            parts.append(f"What is concept {i}?\n{_answer(i).replace('- ', '')}\n")
    elif fmt == "deck":
        parts.append("deck: Benchmark\ntags: bench\n\n")
        for i in range(1, n + 1):
            parts.append(f"Q: What is concept {i}?\nA: {_answer(i)}\ntags: t{i % 10}\n\n")
    elif fmt == "anki-text":
        parts.append("#separator:tab\n#html:true\n#tags:bench\n")
        for i in range(1, n + 1):
            answer = _answer(i).replace("\n", "<br>")
            parts.append(f"What is <b>concept</b> {i}?\t{answer}\n")
    else:
        raise ValueError(fmt)
    return "".join(parts)


def throughput(fmt: str, n: int, runs: int, directory: Path) -> float:
    from studyapp.deckfmt import parse_file

    path = directory / f"bench-{fmt}.txt"
    path.write_text(generate(fmt, n), encoding="utf-8")
    best = best_cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        deck = parse_file(path)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        assert deck.format == fmt, (deck.format, fmt)
        assert len(deck.cards) == n, (fmt, len(deck.cards))
    size = path.stat().st_size / 2**20
    rate = n / best
    print(
        f"  {fmt:<11} {n:>6} cards  {size:5.1f} MiB  wall {best:6.3f} s  {rate:>9,.0f} cards/s  "
        f"{rate / GOAL_CARDS_PER_S:5.2f}x goal  (CPU {best_cpu:.3f} s, "
        f"{n / best_cpu:,.0f} cards/s)"
    )
    return rate


def cold_start(deck: Path, runs: int) -> float:
    check = (
        "import sys\nfrom studyapp.cli import main\n"
        f"main(['deck', 'parse', {str(deck)!r}, '--json'])\n"
        "heavy = {'torch', 'textual', 'sqlmodel', 'sqlalchemy', 'matplotlib', 'sklearn'}\n"
        "loaded = heavy & {m.split('.')[0] for m in sys.modules}\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, capture_output=True, cwd=ROOT)
    print(f"  torch/textual/sqlmodel not imported by 'deck parse {deck.name}': ok")
    command = [sys.executable, "-m", "studyapp", "deck", "parse", str(deck), "--json"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    bare = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        bare.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"  deck parse --json {deck.name}: median {median:.3f} s over {runs} runs "
        f"(min {min(times):.3f}, bare python {statistics.median(bare):.3f} s)  "
        f"{GOAL_COLD_START_S / median:4.2f}x under the {GOAL_COLD_START_S} s goal"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--formats", default="brainscape,quizlet,qa,deck,anki-text", help="comma separated"
    )
    args = parser.parse_args()
    print(f"parse throughput (best of {args.runs}; goal {GOAL_CARDS_PER_S:,} cards/s):")
    with tempfile.TemporaryDirectory() as tmp:
        rates = [
            throughput(fmt, args.cards, args.runs, Path(tmp)) for fmt in args.formats.split(",")
        ]
    print(f"  slowest format: {min(rates):,.0f} cards/s ({min(rates) / GOAL_CARDS_PER_S:.2f}x)")
    print("cold start:")
    cold_start(ROOT / "decks" / "quiz5-module4-gans-vaes.txt", max(args.runs, 7))
    cold_start(ROOT / "decks" / "gan-papers-outline.txt", max(args.runs, 7))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
