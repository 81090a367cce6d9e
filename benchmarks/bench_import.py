"""Anki package import: our reader + FSRS rebuild beside Anki importing the same file.

Run: ``python benchmarks/bench_import.py [--notes N] [--reviews R] [--runs K]``
(``--package FILE --notes N --reviews R``: time a package built by an earlier run)
(needs the ``anki`` package: ``pip install -e '.[bench]'``).

Builds, with the ``anki`` package, a current (``collection.anki21b``) package of N notes
(default 20,000: two thirds Basic, one third Cloze with two clozes) and R review-log rows
(default 200,000) spread over the cards, then times in the same run, alternating:

(a) ours: ``service.imports.package`` into a fresh database: read the package (unzip,
    zstd, sqlite read, templates, HTML to text), replay every card's log through FSRS,
    store decks, cards and review-log rows (a first import: one transaction,
    the review log's indexes built after its rows), copy media;
(b) Anki: ``import_anki_package`` of the same file into a fresh collection.

Prints medians (wall and CPU: on a loaded machine the CPU ratio is the fair one), the ratio
(goal <= 1.0x Anki's time), our notes/s (goal >= 5,000), and the split of our CPU time
(read, FSRS replay, store) from a profile-free breakdown run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(folder: Path, notes: int, reviews: int) -> Path:
    """The package: Basic and Cloze notes made by Anki, revlog rows inserted, exported."""
    from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
    from anki.import_export_pb2 import ExportLimit

    col = Collection(str(folder / "source" / "collection.anki2"))
    rng = random.Random(7)
    basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
    decks = [col.decks.id(f"Course::Week {w}") for w in range(1, 11)]
    requests = []
    for n in range(notes):
        if n % 3 == 2:
            note = col.new_note(cloze)
            note["Text"] = (f"The {{{{c1::generator::network}}}} of GAN {n} maps "
                            f"{{{{c2::noise}}}} to data, \\(G(z) \\sim p_g\\)")  # fmt: skip
            note["Back Extra"] = "Goodfellow et al."
        else:
            note = col.new_note(basic)
            note["Front"] = f"What does the <b>KL term</b> of VAE {n} do?"
            note["Back"] = "Pulls q(z|x) towards<br>the prior<ul><li>p(z)</li></ul>"
        note.tags = [f"topic{n % 20}"]
        requests.append(AddNoteRequest(note=note, deck_id=decks[n % len(decks)]))
    col.add_notes(requests)
    card_ids = col.db.list("SELECT id FROM cards")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows, per_card = [], max(1, reviews // max(1, len(card_ids) // 2))
    reviewed = rng.sample(card_ids, k=min(len(card_ids), -(-reviews // per_card)))
    used: set[int] = set()  # revlog ids are answer times in ms, unique
    for cid in reviewed:
        at = start + timedelta(minutes=rng.randrange(10_000))
        for i in range(per_card):
            if len(rows) == reviews:
                break
            rid = int(at.timestamp() * 1000)
            while rid in used:
                rid += 1
            used.add(rid)
            ease = 1 if rng.random() < 0.1 else rng.choice((2, 3, 3, 3, 4))
            rows.append((rid, cid, -1, ease, 1, 0, 2500, 5000, 0 if i == 0 else 1))
            at += timedelta(days=1 + 2 * i, minutes=rng.randrange(600))
    col.db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    col.db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 10, due = 100 WHERE id IN "
                   "(SELECT DISTINCT cid FROM revlog)")  # fmt: skip
    out = folder / "bench.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=False)
    col.export_anki_package(out_path=str(out), options=options, limit=ExportLimit())
    col.close()
    return out


def ours(package: Path, folder: Path) -> tuple[int, int]:
    """Import into a fresh studyapp database; returns (notes, review-log rows stored)."""
    import sqlite3

    from studyapp.study.service import StudyService

    folder.mkdir()
    with StudyService.open(str(folder / "studyapp.db")) as service:
        report = service.imports.package(package, media_dir=folder / "media")
    with sqlite3.connect(folder / "studyapp.db") as db:
        keys = [k for (k,) in db.execute("SELECT key FROM card")]
    assert report.added == len(keys)
    notes = len({key.rsplit(":", 1)[0] for key in keys})
    return notes, report.reviews


def breakdown(package: Path) -> tuple[float, float]:
    """CPU seconds to read the package, and to replay every card's log (no store), as the
    import does both (:func:`studyapp.study.history.replay`, a new deck's scheduler)."""
    from studyapp.deckfmt.apkg import AnkiCard, read_package
    from studyapp.study.fsrs import scheduler
    from studyapp.study.history import replay

    started = time.process_time()
    parsed = read_package(package)
    read_s = time.process_time() - started
    fsrs = scheduler(None, 0.9, fuzz=False)
    started = time.process_time()
    for card in parsed.cards:
        if isinstance(card, AnkiCard) and card.reviews:
            replay(card.reviews, fsrs)
    return read_s, time.process_time() - started


def anki_import(package: Path, folder: Path) -> int:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
        col.import_anki_package(request)
        return int(col.note_count())
    finally:
        col.close()


def timed(call: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--package", type=Path, help="time this package (built earlier) instead")
    args = parser.parse_args()
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        print("skipped: anki not installed (pip install -e '.[bench]')")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "source").mkdir()
        started = time.perf_counter()
        package = args.package or build(folder, args.notes, args.reviews)
        size = package.stat().st_size / 1e6
        print(f"package: {args.notes} notes, {args.reviews} revlog rows, {size:.1f} MB "
              + ("(given)" if args.package else
                 f"(built by anki in {time.perf_counter() - started:.1f} s)"))  # fmt: skip
        ours_wall, ours_cpu, anki_wall, anki_cpu = [], [], [], []
        for run in range(args.runs):
            wall, cpu, result = timed(lambda r=run: ours(package, folder / f"ours-{r}"))
            notes, answers = result  # type: ignore[misc]
            assert notes == args.notes, (notes, args.notes)
            ours_wall.append(wall)
            ours_cpu.append(cpu)
            target = folder / f"anki-{run}"
            target.mkdir()
            wall, cpu, imported = timed(lambda t=target: anki_import(package, t))
            assert imported == args.notes
            anki_wall.append(wall)
            anki_cpu.append(cpu)
        ow, oc = statistics.median(ours_wall), statistics.median(ours_cpu)
        aw, ac = statistics.median(anki_wall), statistics.median(anki_cpu)
        read_s, replay_s = breakdown(package)
        print(
            f"ours  (import: read, FSRS rebuild, store {answers} answers): "
            f"{ow:.2f} s wall, {oc:.2f} s CPU"
        )
        print(
            f"      of which (CPU) read {read_s:.2f} s, FSRS replay {replay_s:.2f} s, "
            f"store and media ~{max(0.0, oc - read_s - replay_s):.2f} s"
        )
        print(f"anki  (import_anki_package, scheduling kept):   {aw:.2f} s wall, {ac:.2f} s CPU")
        print(f"ratio ours/anki: {ow / aw:.2f}x wall, {oc / ac:.2f}x CPU (goal <= 1.0x)")
        print(f"throughput: {args.notes / ow:,.0f} notes/s wall, {args.notes / oc:,.0f} notes/s "
              "CPU (goal >= 5,000)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
