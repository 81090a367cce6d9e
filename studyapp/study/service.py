"""``StudyService``: the one object the TUI, the CLI and experiment runs talk to.

A thin facade, like anki's ``Collection``: one part per concern, all sharing one
:class:`~studyapp.study.context.Context` (database, clock, time zone, fuzz, parameter cache):

- ``service.decks``   the deck list and counts, settings, exam dates, imports
- ``service.reviews`` a review session: ``start`` / ``answer`` / ``undo`` (one call per key)
- ``service.cards``   one card, the browser's search, edits and flags outside a session
- ``service.stats``   the stats screen's numbers
- ``service.quiz``    quiz questions and typed-answer grading
- ``service.runs``    experiment runs
- ``service.fsrs``    which FSRS parameters apply to a deck; ``optimize``

Every call is a short unit of work that commits before it returns. Times are aware UTC;
``now`` parameters default to the clock. All SQL lives in ``studyapp.store``; a current
SQLite file opens and reviews without importing SQLAlchemy. The flat methods at the end
are one-line shortcuts to the parts, kept for callers written before the split.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.store.checkpoint import Checkpointer
from studyapp.study.cards import CardsPart
from studyapp.study.clock import utc_now
from studyapp.study.context import Context
from studyapp.study.decks import DecksPart
from studyapp.study.errors import StudyError
from studyapp.study.parameters import FsrsPart
from studyapp.study.quiz import QuizPart
from studyapp.study.reviews import ReviewsPart
from studyapp.study.runs import RunsPart
from studyapp.study.stats import StatsPart
from studyapp.study.views import (
    AnswerOutcome,
    AnswerResult,
    CardState,
    CardView,
    Counts,
    DeckSummary,
    ExportReport,
    ImportReport,
    OptimizeReport,
    QueuedCard,
    QuizMode,
    QuizQuestion,
    Rating,
    ReviewKind,
    RunRow,
    Stats,
    Undone,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from studyapp.deckfmt import ParsedDeck
    from studyapp.store.sql import Db

__all__ = [
    "AnswerOutcome",
    "AnswerResult",
    "CardState",
    "CardView",
    "Counts",
    "DeckSummary",
    "ExportReport",
    "ImportReport",
    "OptimizeReport",
    "QueuedCard",
    "QuizMode",
    "QuizQuestion",
    "Rating",
    "ReviewKind",
    "RunRow",
    "Stats",
    "StudyError",
    "StudyService",
    "Undone",
]


class StudyService:
    """Decks, reviews, cards, stats, quizzes, runs and FSRS parameters, as parts."""

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
        self.ctx = Context(db, Checkpointer(db.path), clock or utc_now, tz, fuzz)
        self.fsrs = FsrsPart(self.ctx)
        self.cards = CardsPart(self.ctx, self.fsrs)
        self.reviews = ReviewsPart(self.ctx, self.fsrs, self.cards)
        self.decks = DecksPart(self.ctx, self.fsrs)
        self.stats = StatsPart(self.ctx)
        self.quiz = QuizPart(self.ctx)
        self.runs = RunsPart(self.ctx)

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
        which is left untouched. A current SQLite file opens without loading SQLAlchemy.
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
        if self.ctx.db is not None:
            self.ctx.checkpointer.wait()
            self.ctx.db.close()
            self.ctx.db = None

    def __enter__(self) -> StudyService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL in use (password hidden)."""
        from urllib.parse import urlsplit, urlunsplit

        url = self.db.url
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def db(self) -> Db:
        return self.ctx.database()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (created, and SQLAlchemy imported, on first use)."""
        return self.db.engine

    def today(self, now: datetime | None = None) -> date:
        """Today's study day (the one day arithmetic of countdowns and date dialogs)."""
        return self.ctx.today(now)

    def now(self) -> datetime:
        return self.ctx.now()

    def export_apkg(self, path: str | Path, deck_id: int | None = None) -> ExportReport:
        """Write an Anki package (legacy schema 11) with notes, cards and review history."""
        from sqlmodel import Session

        from studyapp.study.apkg import write_apkg

        if deck_id is not None:
            self.decks.get(deck_id)
        with Session(self.engine, expire_on_commit=False) as session:
            return write_apkg(session, Path(path), deck_id, self.ctx.now())

    # -- one-line shortcuts to the parts (callers written before the split) ----------------

    def sync_bundled_decks(self, directory: Path | None = None) -> list[ImportReport]:
        return self.decks.sync_bundled(directory)

    def sync_user_decks(self) -> list[ImportReport]:
        return self.decks.sync_user()

    def import_deck(self, path: str | Path, *, source: str | None = None) -> ImportReport:
        return self.decks.import_file(path, source=source)

    def import_parsed(self, parsed: ParsedDeck, *, source: str | None = None) -> ImportReport:
        return self.decks.import_parsed(parsed, source=source)

    def deck(self, deck_id: int, now: datetime | None = None) -> DeckSummary:
        return self.decks.get(deck_id, now)

    def set_exam(self, deck_id: int, exam_date: date | None) -> DeckSummary:
        return self.decks.set_exam(deck_id, exam_date)

    def set_retention(self, deck_id: int, retention: float) -> DeckSummary:
        return self.decks.set_retention(deck_id, retention)

    def set_limits(self, deck_id: int, new: int, reviews: int) -> DeckSummary:
        return self.decks.set_limits(deck_id, new, reviews)

    def exam_plan(self, deck_id: int, now: datetime | None = None) -> list[tuple[date, int]]:
        return self.decks.exam_plan(deck_id, now)

    def next_card(self, deck_id: int | None = None, now: datetime | None = None) -> CardView | None:
        queued = self.reviews.peek(deck_id, now)
        return queued.card if queued is not None else None

    def queue(
        self, deck_id: int | None = None, now: datetime | None = None, limit: int | None = None
    ) -> list[int]:
        return self.reviews.queue(deck_id, now, limit)

    def card(self, card_id: int, now: datetime | None = None) -> CardView:
        return self.cards.get(card_id, now)

    def preview(self, card_id: int, now: datetime | None = None) -> dict[Rating, timedelta]:
        return self.reviews.preview(card_id, now)

    def answer(
        self,
        card_id: int,
        rating: Rating | int,
        duration_ms: int = 0,
        now: datetime | None = None,
        kind: ReviewKind = "review",
    ) -> AnswerResult:
        return self.reviews.record(card_id, rating, duration_ms, now, kind)

    def undo(self) -> CardView | None:
        undone = self.reviews.undo()
        return undone.card if undone is not None else None

    def undo_depth(self) -> int:
        return self.reviews.undo_depth()

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        self.cards.bury(card_id, now)

    def unbury(self, card_id: int) -> None:
        self.cards.unbury(card_id)

    def suspend(self, card_id: int) -> None:
        self.cards.suspend(card_id)

    def unsuspend(self, card_id: int) -> None:
        self.cards.unsuspend(card_id)

    def flag(self, card_id: int, flag: str, on: bool = True) -> CardView:
        return self.cards.flag(card_id, flag, on)

    def edit(self, card_id: int, front: str, back: str) -> CardView:
        return self.cards.edit(card_id, front, back)

    def browse(self, query: str = "", deck_id: int | None = None, now: datetime | None = None,
               *, include_removed: bool = False, limit: int | None = None,
               ) -> list[CardView]:  # fmt: skip
        return self.cards.browse(query, deck_id, now, include_removed=include_removed, limit=limit)

    def optimize(self, deck_id: int | None = None, *, apply: bool = True) -> OptimizeReport:
        return self.fsrs.optimize(deck_id, apply=apply)

    def save_run(self, **fields: Any) -> int:
        return self.runs.save(**fields)

    def save_result(
        self, result: Any, *, card_id: int | None = None, prediction_choice: int | None = None
    ) -> int:
        return self.runs.save_result(result, card_id=card_id, prediction_choice=prediction_choice)

    def run(self, run_id: int) -> RunRow:
        return self.runs.get(run_id)

    grade_typed = staticmethod(QuizPart.grade_typed)
