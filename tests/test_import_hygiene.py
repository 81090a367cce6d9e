"""Domain code never imports the UI, and nothing heavy loads on the start-up path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI_OR_SQL = ("textual", "sqlmodel", "sqlalchemy")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


@pytest.mark.parametrize(
    "statement",
    [
        "import models; models.all_specs()",
        "import models.base",
        "import studyapp.cli; studyapp.cli.build_parser()",
    ],
)
def test_no_ui_no_sql_no_torch(statement: str) -> None:
    loaded = loaded_after(statement)
    assert not loaded & {*UI_OR_SQL, "torch"}, loaded & {*UI_OR_SQL, "torch"}


HEAVY = {"torch", "matplotlib", "sklearn", "numpy"}


@pytest.mark.parametrize(
    "statement",
    [
        "import models; [s.explanation for s in models.all_specs()]",
        "import studyapp.experiments.figures, studyapp.cli.run, studyapp.cli.experiments",
        "from studyapp.cli import main; main(['experiments', '--json'])",
    ],
)
def test_experiment_catalogue_and_cli_load_nothing_heavy(statement: str) -> None:
    """Listing experiments (every SPEC) and loading the run/figure modules stay light."""
    loaded = loaded_after(statement)
    assert not loaded & {*UI_OR_SQL, *HEAVY}, loaded & {*UI_OR_SQL, *HEAVY}


HEADLESS = (
    "studyapp.deckfmt",
    "studyapp.store",
    "studyapp.study",
    "studyapp.experiments",
    "models",
)
"""Every package below the UI: none of their modules may import Textual."""


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_never_import_the_ui(package: str) -> None:
    """Import every module of ``package`` (found by walking it, so a new module is covered)."""
    statement = (
        "import importlib, pkgutil\n"
        f"root = importlib.import_module({package!r})\n"
        "names = [m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + '.')]\n"
        "assert len(names) >= 3, names\n"
        "[importlib.import_module(name) for name in names]"
    )
    loaded = loaded_after(statement)
    assert "textual" not in loaded and "rich" not in loaded, sorted(loaded)
