"""What a newcomer reads first (issue 19, item 16): how to quit, and which torch they get.

The README's key for quitting is the app's own binding, and it says that ``q`` is the quiz;
its torch note says one thing per kind of machine, never both "no CUDA download" and
"downloads the CUDA build" for the same command.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_says_how_to_quit_with_the_apps_own_key() -> None:
    from studyapp.ui.app import StudyApp

    quit_keys = [b.key for b in StudyApp.BINDINGS if getattr(b, "action", None) == "quit"]
    assert quit_keys == ["ctrl+q"]
    assert "`ctrl+q` quits the app" in README
    assert "`q` on the deck list starts a quiz; it does not quit" in README


def test_the_torch_note_names_one_build_per_kind_of_machine() -> None:
    assert "no CUDA download happens" not in README
    note = README[README.index("**Which torch you get.**") :]
    note = note[: note.index("\n\n## ")]
    for machine, build in [
        ("this project's CI and development machines", "the CPU build"),
        ("Linux on x86_64 anywhere else", "the CUDA one"),
        ("macOS and Windows", "CPU-only"),
    ]:
        line = re.search(re.escape(machine) + r"[^;]*", note.replace("\n>", ""))
        assert line is not None and build in line.group(), machine
    assert "--index-url https://download.pytorch.org/whl/cpu" in note
