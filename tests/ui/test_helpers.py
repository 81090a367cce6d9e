"""Unit tests of the UI's pure helpers: formatting, exam date input, heatmap binning."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from studyapp.ui.screens.modals import parse_exam_date
from studyapp.ui.screens.stats import heat_level, heatmap_matrix
from studyapp.ui.text import format_countdown, format_due, format_interval, literal, shorten


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=4), "4d"),
        (timedelta(days=75), "2.5mo"),
        (timedelta(days=438), "1.2y"),
    ],
)
def test_format_interval(delta: timedelta, shown: str) -> None:
    assert format_interval(delta) == shown


def test_format_due_relative_and_overdue() -> None:
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert format_due(now + timedelta(days=2), now) == "in 2d"
    assert format_due(now - timedelta(days=1), now) == "now"
    assert format_due(None, now) == "-"
    assert format_due((now + timedelta(hours=5)).replace(tzinfo=None), now) == "in 5h"


def test_format_countdown() -> None:
    exam = date(2026, 12, 1)
    assert format_countdown(exam, 11) == "exam in 11 days (2026-12-01)"
    assert format_countdown(exam, 1) == "exam in 1 day (2026-12-01)"
    assert format_countdown(exam, 0) == "exam today (2026-12-01)"
    assert format_countdown(exam, -2) == "exam passed (2026-12-01)"
    assert format_countdown(None, None) == ""


def test_literal_text_is_never_markup() -> None:
    text = literal("[bold]x[/] [link=y]z[/link]")
    assert text.plain == "[bold]x[/] [link=y]z[/link]" and not text.spans


def test_shorten() -> None:
    assert shorten("a  b\nc", 10) == "a b c"
    assert shorten("abcdefghij", 5) == "abcd…"


def test_parse_exam_date() -> None:
    today = date(2026, 11, 20)
    assert parse_exam_date("2026-12-10", today) == date(2026, 12, 10)
    assert parse_exam_date(" +7 ", today) == date(2026, 11, 27)
    assert parse_exam_date("", today) is None
    with pytest.raises(ValueError, match="not a date"):
        parse_exam_date("next week", today)


def test_heatmap_matrix_puts_days_in_weekday_rows() -> None:
    today = date(2026, 11, 20)  # a Friday
    per_day = {today: 5, today - timedelta(days=7): 2, today + timedelta(days=1): 9}
    matrix, first_monday = heatmap_matrix(per_day, today, weeks=4)
    assert first_monday.weekday() == 0 and first_monday == date(2026, 10, 26)
    assert len(matrix) == 7 and all(len(row) == 4 for row in matrix)
    assert matrix[4][3] == 5 and matrix[4][2] == 2  # Friday row, last two weeks
    assert matrix[5][3] == 0  # tomorrow is not counted
    assert sum(map(sum, matrix)) == 7


def test_heat_level_quarters() -> None:
    assert heat_level(0, 10) == 0
    assert [heat_level(n, 8) for n in (1, 2, 3, 4, 5, 8)] == [1, 1, 2, 2, 3, 4]
    assert heat_level(3, 0) == 0
