"""``StudyService``: the one object the TUI, the CLI and experiment runs talk to.

It owns the database (``studyapp.store``) and FSRS scheduling (``fsrs``), and speaks only
in the plain dataclasses of :mod:`studyapp.study.views`, re-exported here. Every method is a
short unit of work: it opens a transaction, commits, and returns; an answer is committed
before ``answer()`` returns. Times are timezone-aware UTC; ``now`` parameters default to the
clock. Methods may be called from worker threads.

The review path (``open`` of a current SQLite file, ``decks``, ``next_card``, ``card``,
``preview``, ``answer``, ``bury``/``suspend``, the ``set_*`` settings) runs plain SQL through
``store.sql.Db`` and never imports SQLAlchemy, so the first card shows fast; imports,
the browser, stats, quiz, undo, flags, edits, runs and export use the SQLModel ORM, loaded on
first use (or in the background by :meth:`warm_up`). torch loads only inside :meth:`optimize`.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.deckfmt.model import ANSWER_MISSING, IMAGE_MISSING
from studyapp.store.checkpoint import Checkpointer
from studyapp.study import answering, queue, runs, scheduling
from studyapp.study.clock import aware, day_start, ensure_utc, study_day, to_db, utc_now
from studyapp.study.errors import StudyError
from studyapp.study.importer import upsert_deck
from studyapp.study.quiz import lenient_match, make_quiz
from studyapp.study.views import (
    AnswerResult,
    CardRow,
    CardState,
    CardView,
    DeckSummary,
    ExportReport,
    ImportReport,
    OptimizeReport,
    QuizMode,
    QuizQuestion,
    Rating,
    ReviewKind,
    RunRow,
    Stats,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from studyapp.deckfmt import ParsedDeck
    from studyapp.store.schema import Card, Deck
    from studyapp.store.sql import Db, Query, Record

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}

__all__ = [
    "AnswerResult",
    "CardRow",
    "CardState",
    "CardView",
    "DeckSummary",
    "ExportReport",
    "ImportReport",
    "OptimizeReport",
    "QuizMode",
    "QuizQuestion",
    "Rating",
    "ReviewKind",
    "RunRow",
    "Stats",
    "StudyError",
    "StudyService",
]


MIN_OPTIMIZE_REVIEWS = 512
"""Fewer review answers than this (FSRS's own mini-batch size) can't fit parameters."""
GLOBAL_PARAMS_KEY = "fsrs_parameters"
META_VALUE = "SELECT value FROM studyapp_meta WHERE key = :key"
DECKS = (
    "SELECT id, name, source, desired_retention, new_limit, review_limit, exam_date,"
    " fsrs_parameters FROM deck"
)
CARD_WITH_DECK = (
    "SELECT card.id, card.deck_id, card.front, card.back, card.flags, card.file_flags,"
    " card.tags, card.experiments, card.experiment_settings, card.state, card.step,"
    " card.stability, card.difficulty,"
    " card.due, card.last_review, card.reps, card.lapses, card.suspended, card.buried_until,"
    " card.line, deck.name AS deck_name, deck.desired_retention, deck.fsrs_parameters,"
    " deck.exam_date FROM card JOIN deck ON deck.id = card.deck_id WHERE card.id = :id"
)


class StudyService:
    """Decks, the review queue, answers, undo, exam and quiz modes, stats, experiment runs."""

    def __init__(
        self,
        db: Db,
        clock: Callable[[], datetime] | None = None,
        *,
        fuzz: bool = True,
        tz: tzinfo | None = None,
    ):
        """Use :meth:`open`; this takes a ``store.sql.Db`` whose schema is already current.

        ``clock`` replaces the wall clock (tests); ``fuzz=False`` turns FSRS interval fuzz
        off; ``tz`` fixes the time zone study days are counted in (default: local).
        """
        self._db: Db | None = db
        self._clock = clock or utc_now
        self._fuzz = fuzz
        self._tz = tz
        self._undo: list[int] = []
        self._global_params: tuple[float, ...] | None = None
        self._global_params_loaded = False
        self._checkpointer = Checkpointer(db.path)
        self._warm: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        db_url: str | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        fuzz: bool = True,
        tz: tzinfo | None = None,
    ) -> StudyService:
        """Open (creating or migrating) the database at ``db_url``.

        ``db_url`` is a file path or a SQLAlchemy URL (``sqlite:///...``, ``postgresql://...``);
        None means ``$STUDYAPP_DB`` or the user data dir (see ``store.resolve_db_url``).
        Raises ``studyapp.store.errors.StoreError`` for a corrupt or foreign database file,
        which is left untouched. A current SQLite file opens without loading SQLAlchemy:
        the review path (decks, next card, answers) runs plain SQL; the ORM loads when
        something else needs it (see :meth:`warm_up`).
        """
        from studyapp.store.engine import resolve_db_url, sqlite_path
        from studyapp.store.errors import StoreError
        from studyapp.store.migrations import SCHEMA_VERSION, check_sqlite_file, prepare
        from studyapp.store.sql import Db

        url = resolve_db_url(db_url)
        path = sqlite_path(url)
        found = check_sqlite_file(path) if path is not None else None
        db = Db(url)
        try:
            if path is None or found != SCHEMA_VERSION:  # new, older, or not a SQLite file
                prepare(db.engine)
        except ImportError as error:
            db.close()
            raise StoreError(
                f"{url.split('://')[0]}: database driver missing ({error}); for PostgreSQL "
                "install the extra: pip install 'studyapp[postgres]'"
            ) from None
        except BaseException:
            db.close()
            raise
        return cls(db, clock, fuzz=fuzz, tz=tz)

    def close(self) -> None:
        """Close the database connections (idempotent)."""
        if self._db is not None:
            self._checkpointer.wait()
            if self._warm is not None:
                self._warm.join(30)
            self._db.close()
            self._db = None

    def __enter__(self) -> StudyService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL in use (password hidden)."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(self.db.url)
        if parts.password is None:
            return self.db.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def db(self) -> Db:
        if self._db is None:
            raise StudyError("the study service is closed")
        return self._db

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (created, and SQLAlchemy imported, on first use)."""
        return self.db.engine

    def warm_up(self) -> None:
        """Load SQLAlchemy and the ORM on a background thread (browser, stats, imports, undo
        use them; the review path doesn't). Called after the first answer; idempotent."""
        if self._warm is not None or self.db.has_engine:
            return

        def load() -> None:
            try:
                import studyapp.store.schema  # noqa: F401  (SQLModel tables)

                _ = self.db.engine
            except Exception:  # the foreground call that needs it will report the error
                pass

        self._warm = threading.Thread(target=load, name="studyapp-warm-up", daemon=True)
        self._warm.start()

    # -- internals -------------------------------------------------------------------------

    def _now(self, now: datetime | None) -> datetime:
        return ensure_utc(now) if now is not None else ensure_utc(self._clock())

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """An ORM unit of work; ``write`` takes the write lock up front and commits at the end."""
        from sqlmodel import Session

        from studyapp.store.engine import write_options

        with Session(self.engine, expire_on_commit=False) as session:
            if write:
                session.connection(execution_options=write_options())
            yield session
            if write:
                session.commit()

    def _get_card(self, session: Session, card_id: int) -> Card:
        from studyapp.store.schema import Card

        card = session.get(Card, card_id)
        if card is None:
            raise StudyError(f"no card with id {card_id}")
        return card

    def _get_deck(self, session: Session, deck_id: int) -> Deck:
        from studyapp.store.schema import Deck

        deck = session.get(Deck, deck_id)
        if deck is None:
            raise StudyError(f"no deck with id {deck_id}")
        return deck

    def _global_parameters(self, fetch: Callable[[], str | None]) -> tuple[float, ...] | None:
        """The collection's optimised FSRS parameters (cached; None: FSRS defaults)."""
        if not self._global_params_loaded:
            value = fetch()
            self._global_params = scheduling.params_tuple(json.loads(value)) if value else None
            self._global_params_loaded = True
        return self._global_params

    def _deck_params(self, deck: Any, fetch: Callable[[], str | None]) -> tuple[float, ...] | None:
        if deck.fsrs_parameters:
            return scheduling.params_tuple(deck.fsrs_parameters)
        return self._global_parameters(fetch)

    def _meta_fetch(self, q: Query) -> Callable[[], str | None]:
        return lambda: q.scalar(META_VALUE, {"key": GLOBAL_PARAMS_KEY})

    def _scheduler(self, session: Session, deck: Deck, fuzz: bool | None = None) -> Any:
        """The deck's scheduler, for ORM callers (the browser)."""
        from studyapp.store.schema import Meta

        def fetch() -> str | None:
            meta = session.get(Meta, GLOBAL_PARAMS_KEY)
            return meta.value if meta is not None else None

        return scheduling.scheduler(
            deck.desired_retention,
            self._deck_params(deck, fetch),
            self._fuzz if fuzz is None else fuzz,
        )

    def _card_row(self, q: Query, card_id: int) -> Record:
        row = q.one(CARD_WITH_DECK, {"id": card_id})
        if row is None:
            raise StudyError(f"no card with id {card_id}")
        return row

    def _view(self, q: Query, row: Record, now: datetime) -> CardView:
        """A card row (``CARD_WITH_DECK``) as the review screen shows it."""
        sched = scheduling.scheduler(
            row.desired_retention, self._deck_params(row, self._meta_fetch(q)), self._fuzz
        )
        return CardView(
            id=row.id,
            deck_id=row.deck_id,
            deck_name=row.deck_name,
            front=row.front,
            back=row.back,
            flags=tuple(row.flags or ()),
            tags=tuple(row.tags or ()),
            experiments=tuple(row.experiments or ()),
            experiment_settings=dict(row.experiment_settings or {}),
            state=STATE_NAMES[row.state],  # type: ignore[arg-type]
            missing_reason=_missing_reason(row),
            due=row.due,
            stability=row.stability,
            difficulty=row.difficulty,
            retrievability=scheduling.retrievability(sched, _card_state(row), now),
            reps=row.reps,
            lapses=row.lapses,
            suspended=row.suspended,
            buried=row.buried_until is not None and row.buried_until > now,
            line=row.line,
        )

    # -- decks -----------------------------------------------------------------------------

    def sync_bundled_decks(self, directory: Path | None = None) -> list[ImportReport]:
        """Import every deck file of ``directory`` (default: the bundled decks).

        Idempotent and fast: files unchanged since the last sync are not parsed again.
        A file that fails to parse is reported in its ImportReport's warnings.
        """
        from studyapp.paths import bundled_decks_dir

        return self._sync_dir(directory or bundled_decks_dir(), "bundled")

    def sync_user_decks(self) -> list[ImportReport]:
        """Re-sync the decks added with ``studyapp import`` (their copies in the data dir)."""
        from studyapp.paths import user_decks_dir

        return self._sync_dir(user_decks_dir(), "user")

    def _sync_dir(self, directory: Path, prefix: str) -> list[ImportReport]:
        if not directory.is_dir():
            return []
        reports = []
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            try:
                reports.append(self.import_deck(path, source=f"{prefix}/{path.name}"))
            except (ValueError, OSError) as error:  # DeckParseError is a ValueError
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                reports.append(
                    ImportReport(
                        deck_id=0,
                        deck_name=path.stem,
                        source=f"{prefix}/{path.name}",
                        path=str(path),
                        skipped=True,
                        warnings=(message,),
                    )
                )
        return reports

    def import_deck(self, path: str | Path, *, source: str | None = None) -> ImportReport:
        """Parse ``path`` and add or update its deck. Re-importing never duplicates cards.

        Card identity survives edits: a card whose text changed slightly keeps its history;
        a card gone from the file is marked removed (log kept, out of the queue).
        ``source`` names the deck's identity (default ``file/<absolute path>``).
        Raises ``DeckParseError`` (message with file and line) for a bad file.
        """
        path = Path(path)
        source = source or f"file/{path.resolve()}"
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError as error:
            raise StudyError(f"{path}: cannot read: {error.strerror}") from None
        meta = {
            "file_size": stat.st_size,
            "file_mtime": stat.st_mtime,
            "file_hash": hashlib.sha256(data).hexdigest(),
        }
        with self.db.session() as q:
            known = q.one(
                "SELECT id, name, file_hash FROM deck WHERE source = :source", {"source": source}
            )
        if known is not None and known.file_hash == meta["file_hash"]:
            return ImportReport(
                deck_id=known.id, deck_name=known.name, source=source, path=str(path), skipped=True
            )
        from studyapp.deckfmt import parse_file

        parsed = parse_file(path)
        return self._upsert(parsed, source, str(path), meta)

    def import_parsed(self, parsed: ParsedDeck, *, source: str | None = None) -> ImportReport:
        """Add or update a deck from an already parsed deck (``studyapp.deckfmt``)."""
        return self._upsert(parsed, source or f"parsed/{parsed.source}", parsed.source, {})

    def _upsert(self, parsed: Any, source: str, path: str, meta: dict[str, Any]) -> ImportReport:
        with self._session(write=True) as session:
            return upsert_deck(session, parsed, source, path, meta)

    def decks(self, now: datetime | None = None) -> list[DeckSummary]:
        """Every deck with today's counts, sorted by name."""
        now = self._now(now)
        with self.db.session() as q:
            return self._summaries(q, q.rows(f"{DECKS} ORDER BY name, id"), now)

    def deck(self, deck_id: int, now: datetime | None = None) -> DeckSummary:
        """One deck's summary; StudyError if there is no such deck."""
        now = self._now(now)
        with self.db.session() as q:
            return self._summaries(q, [self._deck_row(q, deck_id)], now)[0]

    def _deck_row(self, q: Query, deck_id: int) -> Record:
        deck = q.one(f"{DECKS} WHERE id = :id", {"id": deck_id})
        if deck is None:
            raise StudyError(f"no deck with id {deck_id}")
        return deck

    def _summaries(self, q: Query, decks: list[Record], now: datetime) -> list[DeckSummary]:
        if not decks:
            return []
        usage = queue.usage_today(q, [d.id for d in decks], now, self._tz)
        today = study_day(now, self._tz)
        out = []
        for deck in decks:
            counts = queue.build(q, deck, now, self._tz, usage[deck.id], limit=0, counts=True)
            total, suspended, missing_count = queue.card_counts(q, deck.id)
            days = (deck.exam_date - today).days if deck.exam_date else None
            recall = None
            if deck.exam_date is not None:
                recall = queue.predicted_recall(q, deck, day_start(deck.exam_date, self._tz))
            out.append(
                DeckSummary(
                    id=deck.id,
                    name=deck.name,
                    source=deck.source,
                    total=int(total),
                    new=counts.new_available,
                    learning=counts.learning_due,
                    due=counts.reviews_due,
                    reviewed_today=usage[deck.id].answers,
                    suspended=int(suspended),
                    suspended_missing=int(missing_count),
                    desired_retention=deck.desired_retention,
                    new_limit=deck.new_limit,
                    review_limit=deck.review_limit,
                    exam_date=deck.exam_date,
                    days_to_exam=days,
                    predicted_exam_recall=recall,
                )
            )
        return out

    def _update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """``UPDATE table SET ... WHERE id = row_id``; StudyError when there is no such row."""
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.db.session(write=True) as q:
            changed = q.execute(
                f"UPDATE {table} SET {assignments} WHERE id = :row_id", {**values, "row_id": row_id}
            )
        if not changed:
            raise StudyError(f"no {table} with id {row_id}")

    def set_exam(self, deck_id: int, exam_date: date | None) -> DeckSummary:
        """Set (or clear with None) the deck's exam date: exam mode while it is ahead."""
        self._update("deck", deck_id, {"exam_date": exam_date})
        return self.deck(deck_id)

    def set_retention(self, deck_id: int, retention: float) -> DeckSummary:
        """Set the deck's desired retention (0.70 to 0.99)."""
        if not 0.7 <= retention <= 0.99:
            raise StudyError(f"desired retention must be between 0.70 and 0.99, got {retention}")
        self._update("deck", deck_id, {"desired_retention": float(retention)})
        return self.deck(deck_id)

    def set_limits(self, deck_id: int, new: int, reviews: int) -> DeckSummary:
        """Set the deck's daily limits of new cards and of reviews (both >= 0)."""
        if new < 0 or reviews < 0:
            raise StudyError(f"daily limits must be >= 0, got new={new}, reviews={reviews}")
        self._update("deck", deck_id, {"new_limit": int(new), "review_limit": int(reviews)})
        return self.deck(deck_id)

    # -- reviewing -------------------------------------------------------------------------

    def next_card(self, deck_id: int | None = None, now: datetime | None = None) -> CardView | None:
        """The next card to show (None when done for today), over one deck or all decks.

        Order: learning cards due now, then review cards (exam mode: lowest retrievability
        first, today's share of what is due before the exam), then new cards. Daily limits,
        bury, suspend and removed cards are respected.
        """
        now = self._now(now)
        with self.db.session() as q:
            ids = self._queue(q, deck_id, now, limit=1)
            if not ids:
                return None
            return self._view(q, self._card_row(q, ids[0]), now)

    def queue(
        self, deck_id: int | None = None, now: datetime | None = None, limit: int | None = None
    ) -> list[int]:
        """Ids of the cards today's session would show, in order (what next_card draws from)."""
        now = self._now(now)
        with self.db.session() as q:
            return self._queue(q, deck_id, now, limit)

    def _queue(self, q: Query, deck_id: int | None, now: datetime, limit: int | None) -> list[int]:
        if deck_id is not None:
            decks = [self._deck_row(q, deck_id)]
        else:
            decks = q.rows(f"{DECKS} ORDER BY name, id")
        if not decks:
            return []
        usage = queue.usage_today(q, [d.id for d in decks], now, self._tz)
        parts = [queue.build(q, d, now, self._tz, usage[d.id], limit) for d in decks]
        ids = [
            *(i for p in parts for i in p.learning),
            *(i for p in parts for i in p.reviews),
            *(i for p in parts for i in p.new),
        ]
        return ids if limit is None else ids[:limit]

    def card(self, card_id: int, now: datetime | None = None) -> CardView:
        """One card; StudyError if there is no such card."""
        now = self._now(now)
        with self.db.session() as q:
            return self._view(q, self._card_row(q, card_id), now)

    def preview(self, card_id: int, now: datetime | None = None) -> dict[Rating, timedelta]:
        """The interval each button would give (without fuzz), for the button labels."""
        now = self._now(now)
        with self.db.session() as q:
            row = self._card_row(q, card_id)
            params = self._deck_params(row, self._meta_fetch(q))
        sched = scheduling.scheduler(row.desired_retention, params, False)
        intervals = scheduling.preview(sched, card_id, _card_state(row), now)
        cap = self._exam_cap(row.exam_date, now)
        out = {}
        for rating, interval in intervals.items():
            if cap is not None and interval > timedelta(days=1) and now + interval > cap:
                interval = max(cap - now, timedelta(0))
            out[Rating(rating)] = interval
        return out

    def _exam_cap(self, exam_date: date | None, now: datetime) -> datetime | None:
        """Exam mode: the latest due date allowed (the start of exam day)."""
        if exam_date is None or study_day(now, self._tz) >= exam_date:
            return None
        return day_start(exam_date, self._tz)

    def answer(
        self,
        card_id: int,
        rating: Rating | int,
        duration_ms: int = 0,
        now: datetime | None = None,
        kind: ReviewKind = "review",
    ) -> AnswerResult:
        """Record an answer; committed to the database before this returns.

        ``kind="review"`` schedules the card with FSRS (leech check: tag ``leech`` and
        suspend after the lapse threshold); ``"quiz"`` and ``"prediction"`` are only logged
        and never change the schedule.
        """
        from studyapp.study import fastpath

        try:
            rating = Rating(int(rating))
        except ValueError:
            raise StudyError(
                f"rating must be 1-4 (Again, Hard, Good, Easy), got {rating}"
            ) from None
        if kind not in ("review", "quiz", "prediction"):
            raise StudyError(f"answer kind must be review, quiz or prediction, got {kind!r}")
        now = self._now(now)
        with self.db.transaction(write=True) as conn:
            result = answering.record(
                conn,
                card_id,
                rating,
                duration_ms,
                now,
                kind,
                fuzz=self._fuzz,
                global_parameters=lambda: self._global_parameters(
                    lambda: fastpath.meta_value(conn, GLOBAL_PARAMS_KEY)
                ),
                exam_cap=self._exam_cap,
            )
        if kind == "review":
            self._undo.append(result.review_id)
        self._checkpointer.wrote()
        self.warm_up()
        return result

    def undo_depth(self) -> int:
        """How many answers of this session ``undo()`` can still take back."""
        return len(self._undo)

    def undo(self) -> CardView | None:
        """Take back the last review answer of this session (several levels).

        Restores the card's schedule, tags and suspension as they were, deletes the log
        entry, and returns the card to show again (None when there is nothing to undo).
        """
        while self._undo:
            with self._session(write=True) as session:
                card = answering.take_back(session, self._undo[-1])
            self._undo.pop()
            if card is not None and card.id is not None:
                return self.card(card.id)
        return None

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide the card until the next study day."""
        now = self._now(now)
        tomorrow = day_start(study_day(now, self._tz) + timedelta(days=1), self._tz)
        self._update("card", card_id, {"buried_until": tomorrow})

    def unbury(self, card_id: int) -> None:
        self._update("card", card_id, {"buried_until": None})

    def suspend(self, card_id: int) -> None:
        """Take the card out of reviews until unsuspended."""
        self._update("card", card_id, {"suspended": True})

    def unsuspend(self, card_id: int) -> None:
        self._update("card", card_id, {"suspended": False})

    def flag(self, card_id: int, flag: str, on: bool = True) -> CardView:
        """Add (or with ``on=False`` remove) a flag such as ``marked`` or ``wrong``."""
        flag = flag.strip()
        if not flag:
            raise StudyError("a flag needs a name")
        with self._session(write=True) as session:
            card = self._get_card(session, card_id)
            flags = [f for f in card.flags or [] if f != flag]
            card.flags = [*flags, flag] if on else flags
        return self.card(card_id)

    def edit(self, card_id: int, front: str, back: str) -> CardView:
        """Change the card's text in the app; its history and identity are kept.

        The edit survives re-syncs of the deck file as long as the file's version of the
        card does not change; a later edit in the file wins.
        """
        if not front.strip():
            raise StudyError("a card needs a question")
        with self._session(write=True) as session:
            card = self._get_card(session, card_id)
            card.front, card.back = front, back
            card.edited = (front, back) != (card.file_front, card.file_back)
        return self.card(card_id)

    # -- browsing, stats, exam -------------------------------------------------------------

    def browse(
        self,
        query: str = "",
        deck_id: int | None = None,
        now: datetime | None = None,
        *,
        include_removed: bool = False,
        limit: int | None = None,
    ) -> list[CardRow]:
        """Cards whose front, back or tags contain ``query`` (case-insensitive), by deck/line."""
        from sqlalchemy import String, cast, func, or_
        from sqlmodel import col, select

        from studyapp.store.schema import Card, Deck

        now = self._now(now)
        stmt = select(Card, Deck).join(Deck, col(Deck.id) == col(Card.deck_id))  # type: ignore[arg-type]
        if deck_id is not None:
            stmt = stmt.where(col(Card.deck_id) == deck_id)
        if not include_removed:
            stmt = stmt.where(col(Card.removed) == False)  # noqa: E712
        if query.strip():
            needle = query.strip().lower()
            stmt = stmt.where(
                or_(
                    func.lower(col(Card.front)).contains(needle, autoescape=True),
                    func.lower(col(Card.back)).contains(needle, autoescape=True),
                    func.lower(cast(col(Card.tags), String)).contains(needle, autoescape=True),
                )
            )
        stmt = stmt.order_by(
            col(Deck.name), col(Card.deck_id), col(Card.position), col(Card.id)
        ).limit(limit)  # type: ignore[arg-type]
        rows = []
        with self._session() as session:
            for card, deck in session.exec(stmt).all():
                sched = self._scheduler(session, deck)
                assert card.id is not None
                rows.append(
                    CardRow(
                        id=card.id,
                        deck_id=card.deck_id,
                        deck_name=deck.name,
                        front=card.front,
                        back=card.back,
                        state=STATE_NAMES[card.state],  # type: ignore[arg-type]
                        due=aware(card.due),
                        stability=card.stability,
                        difficulty=card.difficulty,
                        retrievability=scheduling.retrievability(sched, _card_state(card), now),
                        reps=card.reps,
                        lapses=card.lapses,
                        suspended=card.suspended,
                        buried=card.buried_until is not None and aware(card.buried_until) > now,  # type: ignore[operator]
                        removed=card.removed,
                        flags=tuple(card.flags or ()),
                        tags=tuple(card.tags or ()),
                        experiments=tuple(card.experiments or ()),
                        experiment_settings=dict(card.experiment_settings or {}),
                    )
                )
        return rows

    def stats(
        self,
        now: datetime | None = None,
        deck_id: int | None = None,
        *,
        days: int = 365,
        forecast_days: int = 30,
    ) -> Stats:
        """Review counts per day, due forecast, true vs desired retention, button counts."""
        from studyapp.study import stats as stats_module

        now = self._now(now)
        with self._session() as session:
            return stats_module.compute(session, now, self._tz, deck_id, days, forecast_days)

    def exam_plan(self, deck_id: int, now: datetime | None = None) -> list[tuple[date, int]]:
        """Exam mode: how many reviews each study day until the exam gets (empty if no exam)."""
        now = self._now(now)
        with self.db.session() as q:
            deck = self._deck_row(q, deck_id)
            usage = queue.usage_today(q, [deck_id], now, self._tz)[deck_id]
            return queue.exam_plan(q, deck, now, self._tz, usage)

    # -- quiz (never touches the schedule) -------------------------------------------------

    def quiz(
        self, deck_id: int, n: int = 10, mode: QuizMode = "choice", *, seed: int | None = None
    ) -> list[QuizQuestion]:
        """Up to ``n`` questions from the deck's cards that have an answer.

        ``choice``: four options, distractors are other cards' answers from the same deck.
        ``typed``: grade with :meth:`grade_typed`. Record results with
        ``answer(card_id, Rating.GOOD or Rating.AGAIN, kind="quiz")`` (schedule untouched).
        """
        from sqlmodel import col, select

        from studyapp.store.schema import Card

        if mode not in ("choice", "typed"):
            raise StudyError(f"quiz mode must be choice or typed, got {mode!r}")
        with self._session() as session:
            self._get_deck(session, deck_id)
            rows = session.exec(
                select(col(Card.id), col(Card.front), col(Card.back), col(Card.file_flags))
                .where(col(Card.deck_id) == deck_id, col(Card.removed) == False)  # noqa: E712
                .order_by(col(Card.position), col(Card.id))  # type: ignore[arg-type]
            ).all()
        cards = [
            (card_id, front, back)
            for card_id, front, back, flags in rows
            if card_id is not None and back.strip() and ANSWER_MISSING not in (flags or [])
        ]
        return make_quiz(cards, n, mode, random.Random(seed))

    @staticmethod
    def grade_typed(expected: str, given: str) -> bool:
        """Lenient comparison: case, accents, punctuation, articles and small typos forgiven."""
        return lenient_match(expected, given)

    # -- FSRS parameters -------------------------------------------------------------------

    def optimize(self, deck_id: int | None = None, *, apply: bool = True) -> OptimizeReport:
        """Fit FSRS parameters to the review log (torch, loaded here) and report log loss.

        Refused with a clear reason when the log is too small. With ``deck_id`` the
        parameters apply to that deck only, otherwise to every deck without its own.
        """
        from studyapp.study import optimize as optimize_module

        with self.db.session() as q:
            value = q.scalar(META_VALUE, {"key": GLOBAL_PARAMS_KEY})
            current = scheduling.params_tuple(json.loads(value)) if value else None
            if deck_id is not None:
                own = self._deck_row(q, deck_id).fsrs_parameters
                current = scheduling.params_tuple(own) if own else current
        with self._session() as session:
            history = optimize_module.load_history(session, deck_id)
        report = optimize_module.fit(history, current, deck_id, MIN_OPTIMIZE_REVIEWS)
        if apply and report.applied and report.parameters is not None:
            self._store_params(deck_id, list(report.parameters))
        elif not apply and report.applied:
            report = replace(report, applied=False, reason=report.reason + " (not applied)")
        return report

    def _store_params(self, deck_id: int | None, params: list[float]) -> None:
        from studyapp.store.schema import Meta

        with self._session(write=True) as session:
            if deck_id is not None:
                self._get_deck(session, deck_id).fsrs_parameters = params
            else:
                meta = session.get(Meta, GLOBAL_PARAMS_KEY)
                if meta is None:
                    session.add(Meta(key=GLOBAL_PARAMS_KEY, value=json.dumps(params)))
                else:
                    meta.value = json.dumps(params)
        self._global_params_loaded = False

    # -- experiment runs (issue 5) ---------------------------------------------------------

    def save_run(
        self,
        *,
        experiment: str,
        params: Mapping[str, Any],
        seeds: Sequence[int],
        device: str,
        status: str,
        verdict_passed: bool,
        verdict_summary: str,
        metrics: Mapping[str, Any],
        history: Mapping[str, Sequence[float]] | None = None,
        card_id: int | None = None,
        prediction_choice: int | None = None,
        prediction_correct: bool | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """Store one experiment run (JSON-safe copies of the mappings); returns its id."""
        with self._session(write=True) as session:
            if card_id is not None:
                self._get_card(session, card_id)
            return runs.add(
                session,
                card_id=card_id,
                experiment=experiment,
                params=params,
                seeds=seeds,
                device=device,
                status=status,
                verdict_passed=bool(verdict_passed),
                verdict_summary=verdict_summary,
                metrics=metrics,
                history=history,
                prediction_choice=prediction_choice,
                prediction_correct=prediction_correct,
                created_at=to_db(self._now(created_at)),
            )

    def save_result(
        self, result: Any, *, card_id: int | None = None, prediction_choice: int | None = None
    ) -> int:
        """Store a ``models.base.Result`` with its prediction graded by ``Result.grade``."""
        return self.save_run(
            experiment=result.experiment,
            params=result.params,
            seeds=result.seeds,
            device=result.device,
            status=result.status,
            verdict_passed=result.verdict.passed,
            verdict_summary=result.verdict.summary,
            metrics=result.metrics,
            history=result.history,
            card_id=card_id,
            prediction_choice=prediction_choice,
            prediction_correct=result.grade(prediction_choice),
        )

    def runs(
        self,
        experiment: str | None = None,
        *,
        card_id: int | None = None,
        limit: int | None = None,
    ) -> list[RunRow]:
        """Stored runs, newest first, optionally of one experiment or card."""
        with self._session() as session:
            return runs.find(session, experiment, card_id, limit)

    def run(self, run_id: int) -> RunRow:
        """One stored run; StudyError if there is none with that id."""
        from studyapp.store.schema import ExperimentRun

        with self._session() as session:
            row = session.get(ExperimentRun, run_id)
            if row is None:
                raise StudyError(f"no experiment run with id {run_id}")
            return runs.to_row(row)

    # -- export ----------------------------------------------------------------------------

    def export_apkg(self, path: str | Path, deck_id: int | None = None) -> ExportReport:
        """Write an Anki package (legacy schema 11) with notes, cards and review history."""
        from studyapp.study.apkg import write_apkg

        with self._session() as session:
            if deck_id is not None:
                self._get_deck(session, deck_id)
            return write_apkg(session, Path(path), deck_id, self._now(None))


# -- helpers ---------------------------------------------------------------------------------


def _card_state(card: Any) -> scheduling.CardState:
    return scheduling.CardState(
        card.state, card.step, card.stability, card.difficulty, card.due, card.last_review
    )


def _missing_reason(card: Any) -> str | None:
    flags = {*(card.file_flags or []), *(card.flags or [])}
    if ANSWER_MISSING not in flags:
        return None
    if IMAGE_MISSING in flags:
        return (
            "the answer in the lecture export was an image, which the export left out; "
            "the card is suspended from reviews until you write an answer (e to edit)"
        )
    return (
        "the deck file gives no answer for this card; it is suspended from reviews "
        "until you write one (e to edit)"
    )
