"""The layers' rules, read off the source: small modules, SQL in the store (and the Anki
codec) only, and imports that point down (``cli`` > ``ui`` > ``study`` > the rest).

Every ``import`` counts, the lazy ones inside functions too (``ast``, not ``sys.modules``);
``test_import_hygiene.py`` checks what actually loads.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "studyapp"
MAX_LINES = 500

SQL = re.compile(
    r"""["'](?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (?:TABLE|INDEX)|PRAGMA)\b"""
    r"""|(?<![A-Za-z_.])select\(|session\.(?:exec|get)\(|^\s*(?:from|import) sqlmodel\b"""
)
SQL_HOMES = ("store/", "deckfmt/apkg/")
"""The store (every query of ours) and the Anki codec (Anki's own tables, read and written)."""

LAYERS = {
    "cli": {"ui", "study", "store", "deckfmt", "experiments", "models", "base"},
    "ui": {"study", "experiments", "models", "base"},
    "study": {"store", "deckfmt", "experiments", "models", "base"},
    "deckfmt": {"experiments", "base"},
    "store": {"base"},
    "experiments": {"models", "base"},
    "models": set(),
    "base": set(),
}
"""What each layer may import besides itself. ``base``: ``studyapp``'s own small modules
(``paths``, ``textsafe``, ``errors``); ``models`` (the experiments) knows nothing of the app."""
ENTRY = {"studyapp.__main__"}
"""``python -m studyapp`` starts the command line: above every layer."""


def modules() -> list[tuple[str, Path]]:
    found = []
    for top in (PACKAGE, ROOT / "models"):
        for path in sorted(top.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def layer(module: str) -> str | None:
    """The layer of a module name (None: not ours)."""
    parts = module.split(".")
    if parts[0] == "models":
        return "models"
    if parts[0] != "studyapp":
        return None
    if len(parts) == 1 or parts[1] in ("paths", "textsafe", "errors"):
        return "base"
    return parts[1] if parts[1] in LAYERS else "base"


def imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every absolute import in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_no_module_over_500_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for _n, p in modules()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_no_sql_outside_the_store_and_the_anki_codec() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not str(path.relative_to(PACKAGE)).startswith(SQL_HOMES)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SQL.search(line)
    ]
    assert found == []


def test_imports_point_down() -> None:
    wrong = []
    for name, path in modules():
        if name in ENTRY:
            continue
        mine = layer(name)
        assert mine is not None
        for line, imported in imports(path):
            theirs = layer(imported)
            if theirs is None or theirs == mine:
                continue
            if theirs not in LAYERS[mine]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {mine} imports {imported}")
    assert wrong == []


def handlers_calling_super(path: Path) -> list[int]:
    """Lines where a Textual handler (``on_*``) calls its base class's own."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith(("on_", "_on_")):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Attribute)
                and call.attr == node.name
                and isinstance(call.value, ast.Call)
                and isinstance(call.value.func, ast.Name)
                and call.value.func.id == "super"
            ):
                found.append(call.lineno)
    return found


def test_no_textual_handler_calls_its_base_handler(tmp_path: Path) -> None:
    """Textual calls the handler of every class in the MRO: ``super().on_mount()`` in a
    screen's ``on_mount`` runs the base's twice (home loaded its decks twice)."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((PACKAGE / "ui").rglob("*.py"))
             for line in handlers_calling_super(path)]  # fmt: skip
    assert found == []
    bad = tmp_path / "screen.py"  # the check is not hollow
    bad.write_text("class S(Base):\n    def on_mount(self):\n        super().on_mount()\n")
    assert handlers_calling_super(bad) == [3]


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ('q.execute("DELETE FROM card")', "sql"),
        ("from studyapp.cli.errors import CliError", "import"),
    ],
)
def test_the_checks_catch_what_they_forbid(tmp_path: Path, source: str, caught: str) -> None:
    """A line of each forbidden kind, in a study module, is found (the checks are not hollow)."""
    module = tmp_path / "study_mod.py"
    module.write_text(source + "\n")
    if caught == "sql":
        assert any(SQL.search(line) for line in module.read_text().splitlines())
    else:
        [(_line, imported)] = imports(module)
        assert layer(imported) not in LAYERS["study"]
