"""The command line: launching the app skips loading the subcommands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyapp.cli import _only_db_option


@pytest.mark.parametrize(
    ("words", "launches"),
    [
        ([], True),
        (["--db", "x.db"], True),
        (["--db=x.db"], True),
        (["--db"], False),
        (["decks"], False),
        (["--db", "x.db", "stats"], False),
        (["--help"], False),
    ],
)
def test_only_db_option(words: list[str], launches: bool) -> None:
    assert _only_db_option(words) is launches


def test_launch_does_not_load_the_subcommands() -> None:
    code = (
        "import sys, studyapp.ui.launch as launch\n"
        "launch.launch = lambda args: print(args.db) or 0\n"
        "from studyapp.cli import main\n"
        "rc = main(['--db', 'x.db'])\n"
        "print(rc, 'studyapp.cli.run' in sys.modules, 'studyapp.cli.deck' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["x.db", "0", "False", "False"]
