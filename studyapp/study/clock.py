"""Study days, and datetimes as the store keeps them (aware UTC: SQLModel's UTCDateTime).

A study day starts at its rollover hour local time (:data:`DAY_START_HOUR`, as in Anki), so a
late-night session still counts as the same day and "bury until tomorrow" means the next
morning. :class:`StudyDays` counts elapsed days the way Anki's scheduler does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAY_START_HOUR = 4
"""Anki's default "next day starts at" hour (a collection's ``rollover`` config)."""
DAY = timedelta(days=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A stored datetime as aware UTC (None stays None; naive values are UTC)."""
    return None if value is None else ensure_utc(value)


def ensure_utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already."""
    zone = value.tzinfo
    if zone is UTC:
        return value
    return value.replace(tzinfo=UTC) if zone is None else value.astimezone(UTC)


def local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    return tz if tz is not None else UTC


def study_day(now: datetime, tz: tzinfo | None = None, rollover: int = DAY_START_HOUR) -> date:
    """The study day ``now`` belongs to."""
    local = ensure_utc(now).astimezone(tz or local_tz())
    return (local - timedelta(hours=rollover)).date()


def day_start(day: date, tz: tzinfo | None = None, rollover: int = DAY_START_HOUR) -> datetime:
    """When study day ``day`` begins, as aware UTC."""
    local = datetime.combine(day, time(rollover), tzinfo=tz or local_tz())
    return local.astimezone(UTC)


class StudyDays:
    """Study days that start at ``rollover`` o'clock in ``tz`` (None: the machine's zone).

    :meth:`next_day_at` is Anki's ``next_day_at``: days elapsed since a review are whole
    days between that moment and the review (``(next_day_at - reviewed) // DAY``), so an
    Again at 03:43 and a Good at 04:13 the next day are two days apart with rollover 4.
    Holds the last day asked about (every answer asks; the local zone costs a system call).
    """

    __slots__ = ("_window", "rollover", "tz")

    def __init__(self, rollover: int = DAY_START_HOUR, tz: tzinfo | None = None) -> None:
        if not 0 <= rollover <= 23:
            raise ValueError(f"a day rollover is an hour 0-23, got {rollover}")
        self.rollover = rollover
        self.tz = tz
        self._window: tuple[datetime, datetime] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StudyDays) and (self.rollover, self.tz) == (
            other.rollover,
            other.tz,
        )

    def __hash__(self) -> int:
        return hash((self.rollover, self.tz))

    def __repr__(self) -> str:
        return f"StudyDays(rollover={self.rollover}, tz={self.tz!r})"

    def day(self, now: datetime) -> date:
        """The study day ``now`` belongs to."""
        return study_day(now, self.tz, self.rollover)

    def start(self, day: date) -> datetime:
        """When study day ``day`` begins (aware UTC)."""
        return day_start(day, self.tz, self.rollover)

    def next_day_at(self, now: datetime) -> datetime:
        """When the study day holding ``now`` ends: the next rollover (aware UTC)."""
        held = self._window
        if held is not None and held[0] <= now < held[1]:
            return held[1]
        day = self.day(now)
        self._window = held = (self.start(day), self.start(day + DAY))
        return held[1]
