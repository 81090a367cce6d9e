"""``StudyService``: the one object the TUI, the CLI and experiment runs talk to.

A thin facade, like anki's ``Collection``: one part per concern, all sharing one
:class:`~studyapp.study.context.Context` (database, clock, time zone, fuzz, parameter cache):

- ``service.decks``   the deck list and counts, settings, exam dates, deck folder sync
- ``service.reviews`` a review session: ``start`` / ``answer`` / ``undo`` (one call per key)
- ``service.cards``   one card, the browser's search, edits and flags outside a session
- ``service.imports`` deck files and Anki packages into the store
- ``service.exports`` the Anki package out
- ``service.stats``   the stats screen's numbers
- ``service.quiz``    quiz questions and typed-answer grading
- ``service.runs``    a finished experiment run: grade, store, log (``finish``); stored runs
- ``service.fsrs``    which FSRS parameters apply to a deck; ``optimize``

Every call is a short unit of work that commits before it returns. Times are aware UTC;
``now`` parameters default to the clock. All SQL lives in ``studyapp.store``; a current
SQLite file opens and reviews without importing SQLAlchemy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from studyapp.store.checkpoint import Checkpointer
from studyapp.study.cards import CardsPart
from studyapp.study.clock import utc_now
from studyapp.study.context import Context
from studyapp.study.decks import DecksPart
from studyapp.study.errors import StudyError
from studyapp.study.parameters import FsrsPart
from studyapp.study.reviews import ReviewsPart
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
    PackageReport,
    QueuedCard,
    QuizMode,
    QuizQuestion,
    Rating,
    ReviewKind,
    RunOutcome,
    RunRow,
    Stats,
    Undone,
)

if TYPE_CHECKING:
    from studyapp.store.sql import Db
    from studyapp.study.exports import ExportsPart
    from studyapp.study.imports import ImportsPart
    from studyapp.study.quiz import QuizPart
    from studyapp.study.runs import RunsPart
    from studyapp.study.stats import StatsPart

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
    "PackageReport",
    "QueuedCard",
    "QuizMode",
    "QuizQuestion",
    "Rating",
    "ReviewKind",
    "RunOutcome",
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

    @functools.cached_property
    def imports(self) -> ImportsPart:
        """``service.imports`` (made on first use, like every part below)."""
        from studyapp.study.imports import ImportsPart

        return ImportsPart(self.ctx)

    @functools.cached_property
    def exports(self) -> ExportsPart:
        from studyapp.study.exports import ExportsPart

        return ExportsPart(self.ctx)

    @functools.cached_property
    def stats(self) -> StatsPart:
        """``service.stats`` (made on first use, like ``quiz`` and ``runs``)."""
        from studyapp.study.stats import StatsPart

        return StatsPart(self.ctx)

    @functools.cached_property
    def quiz(self) -> QuizPart:
        """``service.quiz`` (made on first use: its grading modules stay off the start path)."""
        from studyapp.study.quiz import QuizPart

        return QuizPart(self.ctx)

    @functools.cached_property
    def runs(self) -> RunsPart:
        """``service.runs`` (made on first use: ``models`` stays off the start path)."""
        from studyapp.study.runs import RunsPart

        return RunsPart(self.ctx, self.fsrs)

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
        from studyapp.store.engine import make_engine, resolve_db_url, sqlite_path
        from studyapp.store.errors import StoreError, os_reason
        from studyapp.store.migrations import SCHEMA_VERSION, check_sqlite_file, prepare
        from studyapp.store.sql import Db

        url = resolve_db_url(db_url)
        path = sqlite_path(url)
        found = check_sqlite_file(path) if path is not None else None
        db = Db(url)
        try:
            if path is None:  # PostgreSQL or in-memory SQLite
                prepare(db.engine)
            elif found != SCHEMA_VERSION:  # new or older: WAL only once the schema is current
                migrating = make_engine(url, wal=False)
                try:
                    prepare(migrating)
                finally:
                    migrating.dispose()
        except ImportError as error:
            db.close()
            raise StoreError(
                f"{url.split('://')[0]}: database driver missing ({error}); for PostgreSQL "
                "install the extra: pip install 'studyapp[postgres]'"
            ) from None
        except OSError as error:  # e.g. a read-only STUDYAPP_HOME: the folder can't be made
            db.close()
            raise StoreError(f"{error.filename or path}: {os_reason(error)}") from None
        except BaseException:
            db.close()
            raise
        return cls(db, clock, fuzz=fuzz, tz=tz)

    @staticmethod
    def opens_at_once(db_url: str | None) -> bool:
        """Whether :meth:`open` on ``db_url`` takes milliseconds: a SQLite file that exists
        (no server to reach; only a schema migration, once after an upgrade, takes longer)."""
        from studyapp.store.engine import resolve_db_url, sqlite_path

        path = sqlite_path(resolve_db_url(db_url))
        return path is not None and path.is_file()

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

    def today(self, now: datetime | None = None) -> date:
        """Today's study day (the one day arithmetic of countdowns and date dialogs)."""
        return self.ctx.today(now)

    def now(self) -> datetime:
        return self.ctx.now()
