"""``service.decks``: the deck list with today's counts, deck settings, exam dates, and the
sync of deck folders (bundled decks, the user's copies): each file is imported by its
source through :mod:`studyapp.study.importer` (other imports: ``service.imports``)."""

from __future__ import annotations

import builtins
import hashlib
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.store import decks as store
from studyapp.store import reviews as store_reviews
from studyapp.study import exam, queue
from studyapp.study.cards import NEEDS_TEXT
from studyapp.study.errors import StudyError
from studyapp.study.views import DeckSummary, ExamPlan, ImportReport
from studyapp.textsafe import strip_controls

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Query
    from studyapp.study.context import Context
    from studyapp.study.importer import FileFacts
    from studyapp.study.parameters import FsrsPart


class DecksPart:
    """``service.decks``: list, one deck, settings, exam dates, imports."""

    def __init__(self, ctx: Context, fsrs: FsrsPart) -> None:
        self.ctx = ctx
        self.fsrs = fsrs

    def __call__(self, now: datetime | None = None) -> list[DeckSummary]:
        """``service.decks()``: the same as :meth:`list`."""
        return self.list(now)

    def list(self, now: datetime | None = None) -> list[DeckSummary]:
        """Every deck with today's counts, sorted by name."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self._summaries(q, store.all_decks(q), now)

    def get(self, deck_id: int, now: datetime | None = None) -> DeckSummary:
        """One deck's summary; StudyError if there is no such deck."""
        now = self.ctx.now(now)
        with self.ctx.read() as q:
            return self._summaries(q, [self.row(q, deck_id)], now)[0]

    def find(self, text: str) -> tuple[int, str]:
        """``(id, name)`` of the deck ``text`` names: its id, its name or source (any case),
        else a unique prefix of its name or part of its file's name. StudyError (listing the
        decks) when none or several match. Reads the deck rows only (no counts)."""
        with self.ctx.read() as q:
            decks = store.all_decks(q)
        if text.isdigit() and any(d.id == int(text) for d in decks):
            deck = next(d for d in decks if d.id == int(text))
            return deck.id, deck.name
        wanted = text.casefold()
        exact = [d for d in decks if wanted in (d.name.casefold(), d.source.casefold())]
        if len(exact) == 1:
            return exact[0].id, exact[0].name
        partial = [  # the file name only: every source starts "bundled/", "user/"...
            d
            for d in decks
            if d.name.casefold().startswith(wanted)
            or wanted in d.source.rsplit("/", 1)[-1].casefold()
        ]
        if len(partial) == 1:
            return partial[0].id, partial[0].name
        names = "; ".join(f"{d.id}: {d.name}" for d in decks) or "none"
        what = "matches several decks" if partial else "matches no deck"
        raise StudyError(f"{text!r} {what}; decks are {names}")

    def row(self, q: Query, deck_id: int) -> DeckRow:
        deck = store.get(q, deck_id)
        if deck is None:
            raise StudyError(f"no deck with id {deck_id}")
        return deck

    def _summaries(
        self, q: Query, decks: builtins.list[DeckRow], now: datetime
    ) -> builtins.list[DeckSummary]:
        if not decks:
            return []
        usage = queue.usage_today(q, self.ctx, [d.id for d in decks], now)
        today = self.ctx.today(now)
        out = []
        for deck in decks:
            sched = self.fsrs.scheduler(q, deck)
            counts = queue.build(q, self.ctx, deck, sched, now, usage[deck.id], 0, True).counts
            total, suspended, missing = store_reviews.deck_card_counts(q, deck.id, NEEDS_TEXT)
            window = exam.window(deck, self.fsrs.days)
            figure = exam.figure(q, deck, window, sched, now) if window is not None else None
            out.append(
                DeckSummary(
                    id=deck.id,
                    name=deck.name,
                    source=deck.source,
                    total=total,
                    new=counts.new,
                    learning=counts.learning,
                    due=counts.review,
                    reviewed_today=usage[deck.id].answers,
                    suspended=suspended,
                    suspended_missing=missing,
                    desired_retention=deck.desired_retention,
                    new_limit=deck.new_limit,
                    review_limit=deck.review_limit,
                    exam_date=deck.exam_date,
                    days_to_exam=(deck.exam_date - today).days if deck.exam_date else None,
                    exam=figure,
                )
            )
        return out

    def _set(self, deck_id: int, change: Callable[[DeckRow], DeckRow]) -> DeckSummary:
        with self.ctx.write() as q:
            deck = self.row(q, deck_id)
            store.save(q, deck, change(deck))
        return self.get(deck_id)

    def set_exam(
        self, deck_id: int, exam_date: date | None, at: str | None = None,
        now: datetime | None = None,
    ) -> DeckSummary:  # fmt: skip
        """Set (or clear with None) the deck's exam date, at ``at`` (``HH:MM``; None: the time
        already set, 09:00 for a first date). Exam mode lasts through exam day. A moment
        already past is refused (StudyError). Cards due after the exam are brought before
        it, and cards kept for a previous exam date get their FSRS date back
        (:func:`studyapp.study.exam.reschedule`)."""
        now = self.ctx.now(now)
        days = self.fsrs.days
        with self.ctx.write() as q:
            deck = self.row(q, deck_id)
            minutes = deck.exam_time if at is None else exam.parse_time(at)
            if exam_date is not None:
                exam.check_future(exam_date, minutes, now, days)
            changed = deck._replace(exam_date=exam_date, exam_time=minutes)
            store.save(q, deck, changed)
            done = queue.usage_today(q, self.ctx, [deck_id], now)[deck_id].reviews_done
            sched = self.fsrs.scheduler(q, deck)
            exam.reschedule(q, deck, changed, sched, now, days, done)
        return self.get(deck_id, now)

    def set_retention(self, deck_id: int, retention: float) -> DeckSummary:
        """Set the deck's desired retention (0.70 to 0.99)."""
        if not 0.7 <= retention <= 0.99:
            raise StudyError(f"desired retention must be between 0.70 and 0.99, got {retention}")
        return self._set(deck_id, lambda deck: deck._replace(desired_retention=float(retention)))

    def set_limits(self, deck_id: int, new: int, reviews: int) -> DeckSummary:
        """Set the deck's daily limits of new cards and of reviews (both >= 0)."""
        if new < 0 or reviews < 0:
            raise StudyError(f"daily limits must be >= 0, got new={new}, reviews={reviews}")
        return self._set(
            deck_id, lambda deck: deck._replace(new_limit=int(new), review_limit=int(reviews))
        )

    def check_exam(
        self, deck_id: int, exam_date: date, at: str | None = None, now: datetime | None = None
    ) -> None:
        """StudyError (one clear sentence) unless ``exam_date`` at ``at`` (``HH:MM``; None:
        the deck's time) is still to come: what :meth:`set_exam` refuses, for a dialog to
        say before it closes."""
        with self.ctx.read() as q:
            minutes = self.row(q, deck_id).exam_time if at is None else exam.parse_time(at)
        exam.check_future(exam_date, minutes, self.ctx.now(now), self.fsrs.days)

    def exam_plan(self, deck_id: int, now: datetime | None = None) -> ExamPlan | None:
        """The deck's exam plan and figure (None without an exam date): the reviews and new
        cards each day from today through exam day (see :mod:`studyapp.study.exam_plan`)."""
        from studyapp.study import exam_plan

        now = self.ctx.now(now)
        with self.ctx.read() as q:
            deck = self.row(q, deck_id)
            window = exam.window(deck, self.fsrs.days)
            if window is None:
                return None
            usage = queue.usage_today(q, self.ctx, [deck_id], now)[deck_id]
            sched = self.fsrs.scheduler(q, deck)
            done = (usage.new_done, usage.reviews_done)
            return exam_plan.build(q, deck, window, sched, now, done)

    # -- imports ---------------------------------------------------------------------------

    def empty(self) -> bool:
        """True when there is no deck yet (a first start: nothing to review before a sync)."""
        with self.ctx.read() as q:
            return store.empty(q)

    def sync(self) -> builtins.list[ImportReport]:
        """:meth:`sync_bundled`, then :meth:`sync_user`: every deck folder."""
        return [*self.sync_bundled(), *self.sync_user()]

    def sync_bundled(self, directory: Path | None = None) -> builtins.list[ImportReport]:
        """Import every deck file of ``directory`` (default: the bundled decks).

        Idempotent and fast: a file whose size and modification time match the last sync is
        not even read; one whose bytes (SHA-256) match is not parsed again.
        A file that fails to parse is reported in its ImportReport's warnings.
        """
        from studyapp.paths import bundled_decks_dir

        return self._sync_dir(directory or bundled_decks_dir(), "bundled")

    def sync_user(self) -> builtins.list[ImportReport]:
        """Re-sync the decks added with ``studyapp import`` (their copies in the data dir)."""
        from studyapp.paths import user_decks_dir
        from studyapp.study.import_files import sweep_stale

        sweep_stale(user_decks_dir())  # temp copies of killed imports: never imported
        return self._sync_dir(user_decks_dir(), "user")

    def _sync_dir(self, directory: Path, prefix: str) -> builtins.list[ImportReport]:
        if not directory.is_dir():
            return []
        reports = []
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            source = f"{prefix}/{path.name}"
            try:
                reports.append(self.import_file(path, source=source))
            except (ValueError, OSError) as error:  # DeckParseError is a ValueError
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                reports.append(
                    ImportReport(
                        0,
                        strip_controls(path.stem),
                        source,
                        str(path),
                        skipped=True,
                        warnings=(message,),
                    )
                )
        return reports

    def import_file(self, path: str | Path, *, source: str | None = None) -> ImportReport:
        """Parse ``path`` and add or update its deck. Re-importing never duplicates cards.

        Card identity survives edits: a card whose text changed slightly keeps its history;
        a card gone from the file is marked removed (log kept, out of the queue).
        ``source`` names the deck's identity (default ``file/<absolute path>``).
        Raises ``DeckParseError`` (message with file and line) for a bad file.
        """
        path = Path(path)
        source = source or f"file/{path.resolve()}"
        with self.ctx.read() as q:
            known = store.by_source(q, source)
        try:
            stat = path.stat()
            if known is not None and _unchanged(known, stat.st_size, stat.st_mtime):
                return ImportReport(known.id, known.name, source, str(path), skipped=True)
            data = path.read_bytes()
        except OSError as error:
            raise StudyError(f"{path}: cannot read: {error.strerror}") from None
        from studyapp.study.importer import FileFacts

        meta = FileFacts(hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime)
        if known is not None and known.file_hash == meta.file_hash:  # touched, not changed
            with self.ctx.write() as q:  # next time the stat alone tells
                touched = known._replace(file_size=meta.file_size, file_mtime=meta.file_mtime)
                store.save(q, known, touched)
            return ImportReport(known.id, known.name, source, str(path), skipped=True)
        from studyapp.deckfmt import parse_file

        return self._upsert(parse_file(path), source, str(path), meta)

    def _upsert(self, parsed: Any, source: str, path: str, meta: FileFacts | None) -> ImportReport:
        from studyapp.study.importer import upsert_deck  # deckfmt and identity: not on a start

        with self.ctx.write() as q:
            return upsert_deck(q, parsed, source, path, meta)


RACY_S = 2.0
"""A file modified this recently may change again within its timestamp's tick: hash it."""


def _unchanged(known: DeckRow, size: int, mtime: float) -> bool:
    """The file has the size and modification time of its last import (git's index test:
    a recent modification time is not trusted)."""
    if not known.file_hash or (known.file_size, known.file_mtime) != (size, mtime):
        return False
    return time.time() - mtime > RACY_S
