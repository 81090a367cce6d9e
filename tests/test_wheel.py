"""The app installs as a wheel (``pip install .``, not editable) and finds its bundled decks
with ``importlib.resources`` from any folder.

The wheel is built from a copy of the sources (nothing written into the checkout) and
installed without its dependencies into a throwaway venv that borrows this interpreter's
installed packages through a ``.pth`` line (so no download happens); ``studyapp decks``
then runs from another folder with no ``PYTHONPATH`` pointing at the sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p.name for p in (ROOT / "decks").glob("*.txt"))


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.mark.timeout(600)
def test_the_installed_wheel_lists_the_bundled_decks(tmp_path: Path) -> None:
    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("studyapp", "models", "decks"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = (sys.executable, "-m", "pip")
    quiet = ("--no-deps", "--no-build-isolation", "--no-index", "--quiet")
    run(*pip, "wheel", *quiet, "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("studyapp-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       cwd=tmp_path).strip())  # fmt: skip
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel,
        cwd=tmp_path)  # fmt: skip

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STUDYAPP_DECKS")}
    env["STUDYAPP_HOME"] = str(tmp_path / "home")
    where = run(python, "-c", "import studyapp; print(studyapp.__file__)", cwd=elsewhere, env=env)
    assert Path(where.strip()).is_relative_to(purelib)  # the wheel's copy, not the sources
    listed = run(venv / "bin" / "studyapp", "decks", cwd=elsewhere, env=env)
    bundled = listed.split("User decks")[0]
    assert f"({purelib / 'studyapp' / 'decks'})" in bundled
    assert "(none)" not in bundled
    for name in BUNDLED:
        assert name.rsplit(".", 1)[0] in bundled or name in bundled, (name, listed)
    assert len(BUNDLED) == 5
