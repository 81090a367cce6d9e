"""Deck parsing: throughput, linear scaling per format, parse+link, and the cold start.

Run: ``python benchmarks/bench_parse.py [--cards N] [--runs R] [--sizes A,B,C]``. Prints:

1. per format, the cards/s of ``parse_file`` on a generated N-card file (default 50,000;
   goal >= 50,000 cards/s; wall time, with CPU time beside it since the machine is shared);
2. a scaling table: every text format at N/5, 2N and 4N cards (10k, 100k, 200k by default),
   CPU microseconds per card at each size (CPU time: the machine is shared) and the
   largest/smallest ratio (goal: flat within 1.5x, i.e. linear parsers);
3. 2N cards (100k) parsed and linked to experiments, as ``deck parse --json`` does
   (goal < 4 s of CPU time; wall time beside it), beside the parse alone;
4. the median wall time of ``studyapp deck parse FILE --json`` in a fresh interpreter
   (goal < 0.3 s), after checking that torch, Textual and SQLModel are not imported.
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
GOAL_FLAT = 1.5
GOAL_PARSE_LINK_S = 4.0
TEXT_FORMATS = "anki-text,brainscape,csv,deck,logseq,notes,obsidian,outline,qa,quizlet"
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
            # compact (no blank lines, no subject line) so 200k cards stay under 32 MiB
            parts.append(f"{i}\nQ\nWhat is concept {i}?\nA\n{answer}\n")
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
    elif fmt == "csv":
        parts.append("Question,Answer,Tags\n")
        for i in range(1, n + 1):
            answer = _answer(i).replace('"', '""')
            parts.append(f'"What is concept {i}, briefly?","{answer}",t{i % 10}\n')
    elif fmt == "obsidian":
        parts.append("---\ntags: flashcards/bench\n---\n# Benchmark\n\n")
        for i in range(1, n + 1):
            answer = _answer(i)
            if i % 4 == 0:
                parts.append(f"A concept {i} is =={answer.splitlines()[0]}==.\n\n")
            elif "\n" in answer:
                parts.append(f"What is concept {i}?\n?\n{answer}\n\n")
            else:
                parts.append(f"What is concept {i}?::{answer}\n")
    elif fmt == "logseq":
        parts.append("title:: Benchmark\n\n")
        for i in range(1, n + 1):
            parts.append(f"- What is concept {i}? #card\n")
            parts.extend(f"\t- {line.removeprefix('- ')}\n" for line in _answer(i).split("\n"))
    elif fmt == "outline":
        for i in range(1, n + 1, 2):
            parts.append(f"Topic {i}\n- Idea\n- the idea of topic {i}, said in one sentence.\n")
            if i < n:
                parts.append(f"- Detail\n- a detail of topic {i}: $x_{i % 7}^2$ matters.\n")
    elif fmt == "notes":
        parts.append("Benchmark notes\n\n")
        for i in range(1, n + 1):
            parts.append(f"Concept {i} = {_answer(i).splitlines()[0]}\n\nSome prose {i}.\n\n")
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


def _best_parse(path: Path, runs: int) -> tuple[float, int]:
    """Best CPU time of ``runs`` parses (CPU, not wall: the machine is shared) and the cards."""
    from studyapp.deckfmt import parse_file

    best, cards = float("inf"), 0
    for _ in range(runs):
        start = time.process_time()
        cards = len(parse_file(path).cards)
        best = min(best, time.process_time() - start)
    return best, cards


def scaling(formats: list[str], sizes: list[int], runs: int, directory: Path) -> float:
    """The per-card time table; returns the worst max/min ratio across formats."""
    header = "".join(f"{size:>10,}" for size in sizes)
    print(f"  {'format':<11}{header}   (CPU µs/card)   max/min")
    worst = 0.0
    for fmt in formats:
        per_card = []
        for size in sizes:
            path = directory / f"scale-{fmt}.txt"
            path.write_text(generate(fmt, size), encoding="utf-8")
            best, cards = _best_parse(path, runs)
            assert cards == size, (fmt, size, cards)
            per_card.append(best / size * 1e6)
        ratio = max(per_card) / min(per_card)
        worst = max(worst, ratio)
        cells = "".join(f"{value:>10.1f}" for value in per_card)
        verdict = "ok" if ratio <= GOAL_FLAT else f"over {GOAL_FLAT}x"
        print(f"  {fmt:<11}{cells}   {'':<15}{ratio:6.2f}x  {verdict}")
    print(f"  worst ratio {worst:.2f}x (goal <= {GOAL_FLAT}x: {GOAL_FLAT / worst:.2f}x under)")
    return worst


def parse_and_link(fmt: str, n: int, runs: int, directory: Path) -> float:
    """``deck parse --json``'s work on an n-card deck: parse, then link every card."""
    from studyapp.cli.deck import deck_json
    from studyapp.deckfmt import parse_file

    path = directory / f"link-{fmt}.txt"
    path.write_text(generate(fmt, n), encoding="utf-8")
    deck_json(parse_file(path))  # warm: experiment specs and the phrase index
    best = parse_only = wall = float("inf")
    for _ in range(runs):
        start, start_wall = time.process_time(), time.perf_counter()
        deck = parse_file(path)
        parsed = time.process_time()
        payload = deck_json(deck)
        best = min(best, time.process_time() - start)
        wall = min(wall, time.perf_counter() - start_wall)
        parse_only = min(parse_only, parsed - start)
        assert len(payload["cards"]) == n
    print(
        f"  {fmt:<11} {n:>7,} cards: parse+link CPU {best:6.2f} s (parse {parse_only:.2f} s, "
        f"link {best - parse_only:.2f} s; wall {wall:.2f} s)  goal < {GOAL_PARSE_LINK_S} s: "
        f"{GOAL_PARSE_LINK_S / best:.2f}x under"
    )
    return best


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
    parser.add_argument(
        "--sizes", default=None, help="scaling sizes, comma separated (default: N/5,2N,4N)"
    )
    parser.add_argument("--scaling-formats", default=TEXT_FORMATS, help="comma separated")
    args = parser.parse_args()
    sizes = (
        [int(size) for size in args.sizes.split(",")]
        if args.sizes
        else [args.cards // 5, 2 * args.cards, 4 * args.cards]
    )
    print(f"parse throughput (best of {args.runs}; goal {GOAL_CARDS_PER_S:,} cards/s):")
    with tempfile.TemporaryDirectory() as tmp:
        rates = [
            throughput(fmt, args.cards, args.runs, Path(tmp)) for fmt in args.formats.split(",")
        ]
        print(f"  slowest format: {min(rates):,.0f} cards/s ({min(rates) / GOAL_CARDS_PER_S:.2f}x)")
        print(f"scaling (best of {args.runs}; time per card flat within {GOAL_FLAT}x):")
        scaling(args.scaling_formats.split(","), sizes, args.runs, Path(tmp))
        print("parse and link (as deck parse --json):")
        for fmt in ("deck", "brainscape"):
            parse_and_link(fmt, sizes[len(sizes) // 2], args.runs, Path(tmp))
    print("cold start:")
    cold_start(ROOT / "decks" / "quiz5-module4-gans-vaes.txt", max(args.runs, 7))
    cold_start(ROOT / "decks" / "gan-papers-outline.txt", max(args.runs, 7))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
