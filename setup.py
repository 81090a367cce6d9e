"""Ships the repository's top-level ``decks/`` (the lecture decks) inside the wheel as
``studyapp/decks/``, where :func:`studyapp.paths.bundled_decks_dir` finds them with
``importlib.resources``. Everything else about the build is in ``pyproject.toml``."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DECKS = Path(__file__).resolve().parent / "decks"


class BuildWithDecks(build_py):
    """``build_py`` that also copies ``decks/*.txt`` into the built ``studyapp/decks/``."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "studyapp" / "decks"
        target.mkdir(parents=True, exist_ok=True)
        for deck in sorted(DECKS.glob("*.txt")):
            shutil.copy2(deck, target / deck.name)


setup(cmdclass={"build_py": BuildWithDecks})
