"""Formatting helpers for the UI: card text as literal Rich text, intervals, dates.

Card text is data: :func:`literal` wraps it in a :class:`rich.text.Text`, which Rich never
parses as markup, so ``[bold]`` or ``[/]`` in a card shows exactly as written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich.text import Text

from studyapp.textsafe import strip_controls


def literal(text: str, style: str = "") -> Text:
    """``text`` as Rich text that is never interpreted as markup, without control characters
    (an escape sequence in a card must not clear the screen: :mod:`studyapp.textsafe`)."""
    return Text(strip_controls(text), style=style)


def format_interval(interval: timedelta) -> str:
    """A short human interval: ``<1m``, ``10m``, ``3h``, ``4d``, ``2.5mo``, ``1.2y``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.0f}m"
    hours = minutes / 60
    if hours < 24:
        return f"{hours:.0f}h"
    days = hours / 24
    if days < 30:
        return f"{days:.0f}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def format_due(due: datetime | None, now: datetime) -> str:
    """When a card is due, relative to ``now`` (``now`` if overdue)."""
    if due is None:
        return "-"
    if due.tzinfo is None and now.tzinfo is not None:
        now = now.replace(tzinfo=None)
    elif due.tzinfo is not None and now.tzinfo is None:
        due = due.replace(tzinfo=None)
    if due <= now:
        return "now"
    return "in " + format_interval(due - now)


def format_countdown(exam: date | None, days_left: int | None) -> str:
    """``exam in 12 days (2026-12-03)``, ``exam today`` or ``exam passed``; '' with no exam."""
    if exam is None or days_left is None:
        return ""
    if days_left < 0:
        return f"exam passed ({exam.isoformat()})"
    if days_left == 0:
        return f"exam today ({exam.isoformat()})"
    unit = "day" if days_left == 1 else "days"
    return f"exam in {days_left} {unit} ({exam.isoformat()})"


def format_percent(value: float | None) -> str:
    """``87%`` or ``-`` when unknown."""
    return "-" if value is None else f"{100 * value:.0f}%"


def shorten(text: str, width: int) -> str:
    """The first line of ``text``, cut to ``width`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def plural(n: int, noun: str) -> str:
    """``1 review``, ``3 reviews``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


COUNT_COLORS = {"new": "primary", "learning": "error", "due": "success"}
"""The theme colour of each of the three counts (new, learning, review due), as Anki's,
wherever they show: home's table and the review header."""
