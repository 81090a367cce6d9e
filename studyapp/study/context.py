"""What every part of the study service shares: the database, the clock, the time zone,
interval fuzz, the WAL checkpointer and the cached collection-wide FSRS parameters."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from studyapp.study.clock import day_start, ensure_utc, study_day, utc_now
from studyapp.study.errors import StudyError

if TYPE_CHECKING:
    from studyapp.store.checkpoint import Checkpointer
    from studyapp.store.rows import DeckRow
    from studyapp.store.sql import Db, Query


WAITING = "another studyapp is writing (an import?); waiting"
RETRIES = 30
RETRY_S = 0.2


@dataclass
class Context:
    """The shared state of one open study service (see ``StudyService``)."""

    db: Db | None
    checkpointer: Checkpointer
    clock: Callable[[], datetime] = utc_now
    tz: tzinfo | None = None
    fuzz: bool = True
    global_params: tuple[float, ...] | None = None
    global_params_loaded: bool = field(default=False)
    decks: dict[int, DeckRow] = field(default_factory=dict)
    """Deck rows read by this service, kept while ``decks_mark`` holds (see ``FsrsPart.deck``)."""
    decks_mark: tuple[int, int] | None = None
    day_window: tuple[datetime, datetime, date] | None = None
    """The study day last asked about (see :meth:`today`)."""
    writes: int = 0
    """Write transactions begun by this service (a mark for caches kept between calls)."""

    def now(self, now: datetime | None = None) -> datetime:
        """``now`` (aware UTC), or the clock's time."""
        return ensure_utc(now) if now is not None else ensure_utc(self.clock())

    def today(self, now: datetime | None = None) -> date:
        """The study day of ``now`` (days start at 04:00 local time, as in Anki)."""
        return self._window(self.now(now))[2]

    def day_start(self, day: date) -> datetime:
        return day_start(day, self.tz)

    def today_start(self, now: datetime) -> datetime:
        """When the study day of ``now`` began."""
        return self._window(ensure_utc(now))[0]

    def day_end(self, now: datetime) -> datetime:
        """When the study day of ``now`` ends (the next one starts)."""
        return self._window(ensure_utc(now))[1]

    def _window(self, now: datetime) -> tuple[datetime, datetime, date]:
        """``(start, end, day)`` of the study day holding ``now``; the last one is kept, as
        every answer asks (the local time zone costs a system call to find)."""
        held = self.day_window
        if held is not None and held[0] <= now < held[1]:
            return held
        day = study_day(now, self.tz)
        held = self.day_window = (
            day_start(day, self.tz),
            day_start(day + timedelta(days=1), self.tz),
            day,
        )
        return held

    @contextmanager
    def read(self) -> Iterator[Query]:
        """One read transaction."""
        with self.database().session() as q:
            yield q

    @contextmanager
    def write(self, on_wait: Callable[[str], None] | None = None) -> Iterator[Query]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on exit.

        With ``on_wait`` (an import), a database another writer holds past the busy timeout
        is waited for: ``on_wait`` hears :data:`WAITING` once, and the lock is asked for again
        every :data:`RETRY_S` seconds, :data:`RETRIES` times.
        """
        from studyapp.store.errors import LOCKED, StoreError

        for attempt in range(RETRIES + 1):
            stack = ExitStack()
            try:
                q = stack.enter_context(self.database().session(write=True))
            except StoreError as error:
                stack.close()
                if on_wait is None or LOCKED not in str(error) or attempt == RETRIES:
                    raise
                if attempt == 0:
                    on_wait(WAITING)
                time.sleep(RETRY_S)
                continue
            with stack:
                self.writes += 1  # caches kept between calls (deck rows, a session's queue)
                yield q
            self.checkpointer.wrote()
            return

    def database(self) -> Db:
        if self.db is None:
            raise StudyError("the study service is closed")
        return self.db
