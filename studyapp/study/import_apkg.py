"""Store an Anki package: its decks, cards (by note GUID + ordinal), tags, media and history.

``import_package(ctx, path, media_dir)`` reads the package first (a bad one raises
``PackageError`` before anything is written), copies its media (names checked, no link
followed), then writes in short transactions of :data:`BATCH` cards, so an answer given in
the app meanwhile waits a moment, not the whole import; a package bringing more history than
the database holds (a first import) is written in one transaction, in which the review log's
indexes are built once after its rows (:meth:`ImportWriter.insert_log_rows`). Each Anki deck
``A::B`` is one deck here (source ``anki/A::B``); a card's key hashes its note's GUID with
its note type and top-level deck (:mod:`import_match`: a note without a GUID is keyed by its
text), so re-importing updates cards (text, tags, deck within the lineage, suspension) and
never duplicates them, another package's note sharing a GUID is a card of its own, and a
killed import is completed by running it again. Notes a studyapp export wrote of cards stored
here (bundled decks in a fresh data dir) are those cards: they gain the answers they lack. A
new card arrives with its review log replayed through its deck's FSRS scheduler as Anki
computes memory states (:func:`studyapp.study.history.replay`: the deck's parameters and
retention, days counted by the package's rollover hour in the user's time zone); a known card
gains the Anki answers it lacks, and its history is replayed again with them; a side of its
text the user rewrote here stays as written. Cards are never removed. Media are stored by
content (a name holding other bytes gets ``name-<hash8>.ext``) and the cards' references
follow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from studyapp.deckfmt.apkg import AnkiCard, AnkiPackage, extract_media, paused_gc, read_package
from studyapp.deckfmt.apkg.model import LEARN, REVIEW, AnkiReview
from studyapp.store import decks as store_decks
from studyapp.store.imports import BULK_ROWS, NEVER_ANSWERED, ImportWriter
from studyapp.store.rows import CardRow, DeckRow, LogRow
from studyapp.study.clock import DAY_START_HOUR, StudyDays
from studyapp.study.fsrs import to_datetime
from studyapp.study.history import Replay, replay
from studyapp.study.import_files import removed_on_exit, sweep_stale
from studyapp.study.import_match import (
    SOURCE_PREFIX,
    Ours,
    legacy_cards,
    our_cards,
    package_cards,
    rekeyed,
)
from studyapp.study.importer import merged_text
from studyapp.study.views import PackageReport

if TYPE_CHECKING:
    from studyapp.study.context import Context
    from studyapp.study.fsrs import Scheduler

BATCH = 1000
"""Cards per write transaction."""
IMPORT_CACHE = -65536
"""SQLite page cache while an import writes: 64 MiB (``PRAGMA cache_size`` in KiB)."""
Schedulers = dict[int, "Scheduler"]
"""Each deck's scheduler for replays, by deck id (its parameters and retention, no fuzz)."""


def import_package(
    ctx: Context, path: str | Path, media_dir: str | Path, *, batch: int | None = None,
    on_wait: Callable[[str], None] | None = None, package: AnkiPackage | None = None,
) -> PackageReport:  # fmt: skip
    """Import the package at ``path`` (see the module docstring); ``package``: the package
    already read (``read_package(path)``), so a bad one is refused before a database opens;
    ``batch``: cards per write transaction (default :data:`BATCH`, or all in one when the
    package brings more history than the database holds: see :data:`BULK_ROWS`)."""
    package = package or read_package(path)
    digest = _digest(Path(path))
    sweep_stale(Path(media_dir), suffix=".part")  # media temps of a killed import
    renamed: dict[str, str] = {}
    with removed_on_exit([]):  # SIGTERM: the media copied so far are removed again
        extract_media(path, package.media, media_dir, renamed)
    if renamed:
        _point_to_renamed(package, renamed)
    cards, keys, warnings = package_cards(package)
    with ctx.read() as q:
        ours = our_cards(ImportWriter(q), cards, package.name)
    rest = (card for index, card in enumerate(cards) if index not in ours)
    decks = list(dict.fromkeys(card.deck or package.name for card in rest))
    with _write(ctx, on_wait) as writer:
        deck_ids = _ensure_decks(writer, decks, package, digest)
        used = [*deck_ids.values(), *(o.deck_id for o in ours.values())]
        schedulers = _replay_schedulers(ctx, writer, used, package.rollover)
    totals = dict.fromkeys(("added", "updated", "unchanged", "reviews", "kept", "matched"), 0)
    with ctx.read() as q:
        cache = ImportWriter(q).cache_pages(IMPORT_CACHE)
    target = _Target(deck_ids, schedulers, ours, package.name)
    try:
        with paused_gc():
            _store_all(ctx, on_wait, cards, keys, target, batch, totals)
    finally:
        with ctx.read() as q:
            if cache is not None:
                ImportWriter(q).cache_pages(cache)
    names = (*decks, *(o.deck_name for o in ours.values()))
    return PackageReport(
        path=str(path), decks=tuple(dict.fromkeys(names)), media=len(package.media),
        warnings=tuple(warnings), **totals,
    )  # fmt: skip


class _Target(NamedTuple):
    """Where a package's cards go: its decks here (by name), each deck's replay scheduler
    (by id), the cards that are cards of ours already (by index), the package's own name."""

    deck_ids: dict[str, int]
    schedulers: Schedulers
    ours: dict[int, Ours]
    default_deck: str

    def deck_id(self, card: AnkiCard) -> int:
        return self.deck_ids[card.deck or self.default_deck]

    def replay(self, card: AnkiCard) -> Replay | None:
        """The card's history replayed by its deck's scheduler (None: no history)."""
        if not card.reviews:
            return None
        return replay(card.reviews, self.schedulers[self.deck_id(card)])


def _store_all(
    ctx: Context, on_wait: Callable[[str], None] | None, cards: list[AnkiCard],
    keys: list[str], target: _Target, batch: int | None, totals: dict[str, int],
) -> None:  # fmt: skip
    with ctx.read() as q:  # every stored key, once; and a mark that
        reader = ImportWriter(q)  # says whether cards came or went since
        stored, mark = reader.keys_in_decks(SOURCE_PREFIX), reader.card_mark()
        logged = reader.log_size()
    if batch is None:
        history = sum(len(c.reviews) for c, k in zip(cards, keys, strict=True) if k not in stored)
        batch = len(cards) if history >= max(BULK_ROWS, logged) else BATCH
    batch = max(1, batch)
    for start in range(0, len(cards), batch):
        chunk, chunk_keys = cards[start : start + batch], keys[start : start + batch]
        ours = {i - start: o for i, o in target.ours.items() if start <= i < start + batch}
        fresh = {key: target.replay(card)  # new cards: outside the lock
                 for index, (key, card) in enumerate(zip(chunk_keys, chunk, strict=True))
                 if key not in stored and index not in ours}  # fmt: skip
        with _write(ctx, on_wait) as writer:
            if writer.card_mark() != mark:  # another writer added or deleted cards: read again
                stored = writer.keys_in_decks(SOURCE_PREFIX)
            ids = [stored[k] for k in chunk_keys if k in stored]
            known = writer.known_by_id(ids, SOURCE_PREFIX)
            legacy = legacy_cards(writer, chunk, chunk_keys, stored, target.default_deck)
            mine = writer.cards_by_id([o.card_id for o in ours.values()])
            local = {i: mine[o.card_id] for i, o in ours.items() if o.card_id in mine}
            counts = _store_batch(writer, chunk, chunk_keys, {**known, **legacy}, local, fresh,
                                  target, start)  # fmt: skip
            mark = writer.card_mark()
        rekeyed(stored, chunk, chunk_keys, legacy)
        for name, value in counts.items():
            totals[name] += value


def _point_to_renamed(package: AnkiPackage, renamed: dict[str, str]) -> None:
    """Cards refer to their media under the names they were stored as (see
    :func:`extract_media`): ``[image: a.png]`` becomes ``[image: a-1f2e3d4c.png]``."""
    for card in package.cards:
        if not isinstance(card, AnkiCard) or not renamed.keys() & set(card.media):
            continue
        for old in dict.fromkeys(card.media):
            new = renamed.get(old)
            if new is None:
                continue
            for mark in ("[image: ", "[sound: "):
                card.front = card.front.replace(f"{mark}{old}]", f"{mark}{new}]")
                card.back = card.back.replace(f"{mark}{old}]", f"{mark}{new}]")
        card.media = [renamed.get(name, name) for name in card.media]


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _replay_schedulers(
    ctx: Context, writer: ImportWriter, deck_ids: Sequence[int], rollover: int | None
) -> Schedulers:
    """Each deck's scheduler, its elapsed days counted by the package's rollover hour."""
    from studyapp.study.parameters import FsrsPart

    part = FsrsPart(ctx)
    days = StudyDays(DAY_START_HOUR if rollover is None else rollover, ctx.tz)
    out = {}
    for deck_id in dict.fromkeys(deck_ids):
        deck = store_decks.get(writer.q, deck_id)
        assert deck is not None
        out[deck_id] = part.scheduler(writer.q, deck, fuzz=False, days=days)
    return out


@contextmanager
def _write(ctx: Context, on_wait: Callable[[str], None] | None) -> Iterator[ImportWriter]:
    """One write transaction; a database locked by another writer is waited for, said once
    (see ``Context.write``)."""
    with ctx.write(on_wait=on_wait) as q:
        yield ImportWriter(q)


def _ensure_decks(
    writer: ImportWriter, decks: list[str], package: AnkiPackage, digest: str
) -> dict[str, int]:
    sources = {name: SOURCE_PREFIX + name for name in decks}
    known = writer.decks(sources.values())
    out = {}
    for name, source in sources.items():
        deck = known.get(source)
        new = (deck or DeckRow(0, source, name))._replace(
            path=package.source, format=package.format, file_hash=digest
        )
        if deck is not None:
            out[name] = deck.id
            store_decks.save(writer.q, deck, new)
        else:
            out[name] = store_decks.insert(writer.q, new)
    return out


def _store_batch(
    writer: ImportWriter, chunk: Sequence[AnkiCard], keys: list[str], known: dict[str, CardRow],
    ours: dict[int, CardRow], fresh: dict[str, Replay | None], target: _Target, offset: int,
) -> dict[str, int]:  # fmt: skip
    counts = dict.fromkeys(("added", "updated", "unchanged", "reviews", "kept", "matched"), 0)
    inserts: list[tuple[Any, ...]] = []
    replays: list[Replay | None] = []
    updates: list[tuple[CardRow, CardRow]] = []
    rewrite: list[tuple[CardRow, AnkiCard]] = []
    linked: list[tuple[int, str, tuple[str, ...]]] = []  # new cards' links, set once inserted
    for index, (card, key) in enumerate(zip(chunk, keys, strict=True)):
        mine = ours.get(index)
        if mine is not None:  # a card of ours an export wrote: its deck file owns its text
            counts["matched"] += 1
            if card.reviews:
                rewrite.append((mine, card))
            continue
        deck_id = target.deck_id(card)
        old = known.get(key)
        if old is None:
            linked.append((deck_id, key, _links(card)))
            result = fresh[key] if key in fresh else target.replay(card)
            flags = list(card.flags)
            inserts.append((  # IMPORTED_CARD order
                deck_id, key, offset + index, card.line, card.front, card.back, card.front,
                card.back, card.suspended, list(card.tags), list(dict.fromkeys(card.tags)),
                flags, flags, *_new_state(result),
            ))  # fmt: skip
            replays.append(result)
            continue
        new = _text(card, old)._replace(
            deck_id=deck_id, suspended=card.suspended, key=key, experiments=_links(card)
        )
        text_same = (old.file_front, old.file_back) == (card.front, card.back)
        counts["updated" if new != old and not text_same else "unchanged"] += 1
        counts["kept"] += not text_same and new.edited
        if new != old:
            updates.append((old, new))
        if card.reviews:
            rewrite.append((old, card))
    counts["added"] = len(inserts)
    ids = writer.insert_imported_cards(inserts)
    for card_id, (deck_id, key, links) in zip(ids, linked, strict=True):
        if links:  # a new row from the bare one its insert wrote: only the links change
            bare = CardRow(card_id, deck_id, key)
            updates.append((bare, bare._replace(experiments=links)))
    logs: list[tuple[Any, ...]] = []
    for card_id, result in zip(ids, replays, strict=True):
        if result is not None:
            logs.extend(_log_rows(card_id, result))
    logs.extend(_merge_histories(writer, rewrite, updates, target))
    writer.update_cards(updates)
    counts["reviews"] = writer.insert_log_rows(logs)
    return counts


def _links(card: AnkiCard) -> tuple[str, ...]:
    """The card's experiment links as ``deck parse`` gives them (its text, as in the package)."""
    from studyapp.experiments.links import card_links

    return tuple(card_links(card.front, card.back, tuple(card.experiments))[0])


def _new_state(result: Replay | None) -> tuple[Any, ...]:
    """``state, step, stability, difficulty, due, last_review, reps, lapses`` of a new card
    (times in microseconds), as :data:`IMPORTED_CARD` ends."""
    if result is None:
        return NEVER_ANSWERED
    return *result.final, result.reps, result.lapses


def _text(card: AnkiCard, old: CardRow) -> CardRow:
    """``old`` with what the package decides; a side of the card rewritten here keeps what
    the user wrote (:func:`merged_text`)."""
    new = old
    if (old.file_front, old.file_back) != (card.front, card.back):
        front, back, edited = merged_text(old, card.front, card.back)
        new = new._replace(file_front=card.front, file_back=card.back, front=front, back=back,
                           edited=edited)  # fmt: skip
    if list(old.file_tags) != list(card.tags):
        mine = [t for t in old.tags if t not in old.file_tags]
        new = new._replace(file_tags=tuple(card.tags),
                           tags=tuple(dict.fromkeys([*card.tags, *mine])))  # fmt: skip
    return new


def _state(old: CardRow, result: Replay) -> CardRow:
    """``old`` with the schedule its replayed history gives."""
    state, step, stability, difficulty, due, last = result.final
    return old._replace(state=state, step=step, stability=stability, difficulty=difficulty,
                        due=to_datetime(due), last_review=to_datetime(last), reps=result.reps,
                        lapses=result.lapses)  # fmt: skip


def _log_rows(card_id: int, result: Replay) -> list[tuple[Any, ...]]:
    """Review-log rows in ``REVIEW_LOG.inserted`` order, times in microseconds."""
    return [
        (card_id, at, rating, max(0, ms), "review", *b, a[0], a[1], a[2], a[3], a[4], None)
        for at, rating, ms, b, a in result.rows
    ]


def _ms(at: datetime) -> int:
    return round(at.timestamp() * 1000)


def _merge_histories(
    writer: ImportWriter, cards: list[tuple[CardRow, AnkiCard]],
    updates: list[tuple[CardRow, CardRow]], target: _Target,
) -> list[tuple[Any, ...]]:  # fmt: skip
    """Known cards gain the Anki answers they lack; their history is replayed again (by the
    scheduler of the deck the card ends in).

    Returns the log rows to insert; the new card states go into ``updates`` (on top of the
    card's other changes, when it has some).
    """
    if not cards:
        return []
    summary = writer.answer_summary([old.id for old, _card in cards])
    cards = [(old, card) for old, card in cards if _may_lack(card, summary.get(old.id))]
    stored = writer.answers([old.id for old, _card in cards])
    changed = {old.id: i for i, (old, _new) in enumerate(updates)}
    rewritten: list[int] = []
    rows: list[tuple[Any, ...]] = []
    for old, card in cards:
        card_id = old.id
        have = {_ms(a.reviewed_at) for a in stored.get(card_id, [])}
        extra = [r for r in card.reviews if _ms(r.at) not in have]
        if not any(1 <= r.rating <= 4 for r in extra):
            continue
        merged = _merged(card.reviews, stored.get(card_id, []))
        at = changed.get(card_id)
        current = old if at is None else updates[at][1]
        result = replay(merged, target.schedulers[current.deck_id])
        rewritten.append(card_id)
        rows.extend(_log_rows(card_id, result))
        if at is None:
            updates.append((old, _state(old, result)))
        else:
            updates[at] = (old, _state(current, result))
    writer.delete_answers(rewritten)
    return rows


def _may_lack(card: AnkiCard, summary: tuple[int, datetime | None] | None) -> bool:
    """Whether the stored log may lack some of ``card``'s Anki answers: an Anki log only
    grows, so a card stored with as many answers, up to its latest one, lacks none."""
    answers = [r.at for r in card.reviews if 1 <= r.rating <= 4]
    if not answers:
        return False
    if summary is None:
        return True
    count, latest = summary
    return latest is None or count < len(answers) or _ms(latest) < _ms(max(answers))


def _merged(package: list[AnkiReview], stored: list[LogRow]) -> list[AnkiReview]:
    """The package's log (its review kinds kept) with the answers given here that it lacks;
    an answer given here before any graded Anki entry is where the card was learnt."""
    have = {_ms(r.at) for r in package}
    ours = [AnkiReview(a.reviewed_at, a.rating, REVIEW, a.duration_ms, 0, 2500)
            for a in stored if _ms(a.reviewed_at) not in have]  # fmt: skip
    merged = sorted([*package, *ours], key=lambda r: r.at)
    first = next((i for i, r in enumerate(merged) if 1 <= r.rating <= 4), None)
    if first is not None and merged[first] in ours:
        merged[first] = merged[first]._replace(kind=LEARN)
    return merged
