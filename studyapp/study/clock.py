"""Study days, and datetimes as the store keeps them (aware UTC: SQLModel's UTCDateTime).

A study day starts at :data:`DAY_START_HOUR` local time (as in Anki), so a late-night
session still counts as the same day and "bury until tomorrow" means the next morning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAY_START_HOUR = 4


def utc_now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A stored datetime as aware UTC (None stays None; naive values are UTC)."""
    return None if value is None else ensure_utc(value)


def to_db(value: datetime) -> datetime:
    """A datetime as the store keeps it: aware UTC (a naive value is taken to be UTC)."""
    return ensure_utc(value)


def ensure_utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already."""
    zone = value.tzinfo
    if zone is UTC:
        return value
    return value.replace(tzinfo=UTC) if zone is None else value.astimezone(UTC)


def local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    return tz if tz is not None else UTC


def study_day(now: datetime, tz: tzinfo | None = None) -> date:
    """The study day ``now`` belongs to."""
    local = ensure_utc(now).astimezone(tz or local_tz())
    return (local - timedelta(hours=DAY_START_HOUR)).date()


def day_start(day: date, tz: tzinfo | None = None) -> datetime:
    """When study day ``day`` begins, as aware UTC."""
    local = datetime.combine(day, time(DAY_START_HOUR), tzinfo=tz or local_tz())
    return local.astimezone(UTC)
