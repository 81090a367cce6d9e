"""Help fits 80 columns: its table is no wider than the screen and every description shows
whole, wrapped onto more lines where it is long (none cut like ``schedule untouche``)."""

from __future__ import annotations

import math

import pytest
from textual.widgets import DataTable

from studyapp.ui.screens.help import HelpScreen
from tests.ui.conftest import ready


@pytest.mark.parametrize("width", [80, 60, 120])
async def test_help_descriptions_wrap_whole_within_the_width(app, width: int) -> None:
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        columns = table.ordered_columns
        assert sum(c.get_render_width(table) for c in columns) <= width - 2  # a scrollbar
        does = columns[2].width
        rows = app.screen.rows()
        assert len(rows) == table.row_count > 20
        for index, row in enumerate(rows):
            height = table.ordered_rows[index].height
            words = max(len(word) for word in row.description.split())
            assert words <= does
            assert height >= math.ceil(len(row.description) / does), row.description
        long = [r for r in rows if r.description.startswith("Quiz: Multiple-choice")]
        assert long and long[0].description.endswith("(schedule untouched)")
