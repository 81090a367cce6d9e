"""The command line (issue 19, items 11 and 13): ``--db`` before or after the command, and
no option that names a file silently creates the folders above it (a typo in ``--db``,
``--png`` or ``--apkg`` used to make a folder at ``/``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDYAPP_HOME": str(home), "STUDYAPP_DECKS": str(home / "none")}
    env.pop("STUDYAPP_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_before_or_after_the_command(where: str, tmp_path: Path) -> None:
    db = tmp_path / f"{where}.db"
    words = ["--db", str(db), "stats"] if where == "before" else ["stats", "--db", str(db)]
    done = cli(tmp_path, *words)
    assert done.returncode == 0, done.stderr
    assert db.is_file() and not (tmp_path / "studyapp.db").exists()


def test_the_later_db_wins_and_a_nested_command_takes_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    done = cli(tmp_path, "--db", str(first), "stats", "--db", str(second))
    assert done.returncode == 0, done.stderr
    assert second.is_file() and not first.exists()
    deck = tmp_path / "d.txt"
    deck.write_text("Q: a\nA: b\n", encoding="utf-8")
    done = cli(tmp_path, "deck", "parse", str(deck), "--db", str(second))
    assert done.returncode == 0, done.stderr


def test_the_parsers_accept_db_everywhere() -> None:
    from studyapp.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["stats", "--db", "x.db"]).db == "x.db"
    assert parser.parse_args(["--db", "x.db", "stats"]).db == "x.db"
    assert parser.parse_args(["stats"]).db is None
    assert parser.parse_args(["deck", "parse", "f.txt", "--db", "y"]).db == "y"


@pytest.mark.parametrize(
    ("option", "args"),
    [
        ("--db", ["--db", "{missing}/x.db", "stats"]),
        ("--db", ["stats", "--db", "{missing}/x.db"]),
        ("--db", ["--db", "{missing}/x.db"]),  # the app's own launch
        ("--apkg", ["export", "--apkg", "{missing}/out.apkg"]),
        ("--png", ["run", "kl-term", "--steps", "1", "--png", "{missing}/f.png"]),
    ],
)
def test_a_missing_parent_folder_is_refused_not_created(
    option: str, args: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo" / "deeper"
    done = cli(tmp_path, *(a.format(missing=missing) for a in args))
    assert done.returncode == 1, done.stdout
    assert done.stderr.strip() == (
        f"studyapp: error: {option} {missing}/{Path(args[args.index(option) + 1]).name}: "
        f"the folder {missing} does not exist (create it first)"
    )
    assert not (tmp_path / "typo").exists()


def test_a_database_url_is_not_a_path() -> None:
    from studyapp.cli._checks import check_parent_folder

    check_parent_folder("postgresql://u@host/db", "--db")  # no error
