"""The README's table of deck formats is the one the registry generates (issue 10, item 5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from studyapp.deckfmt.registry import descriptions, markdown_table

ROOT = Path(__file__).resolve().parents[1]


def test_table_has_a_row_per_format() -> None:
    rows = markdown_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == list(descriptions())


def test_generator_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "studyapp.deckfmt.registry", "--markdown"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == markdown_table()


def test_readme_contains_the_generated_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, (
        "README.md's format table is stale; regenerate it with "
        "`python -m studyapp.deckfmt.registry --markdown`"
    )
