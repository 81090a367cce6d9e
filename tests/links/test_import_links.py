"""Links are a property of the card wherever it came from: after ``studyapp import`` every
card links the experiments ``studyapp deck parse`` gives it, in every deck format, Anki
packages included; ``studyapp cards --json`` shows them.

Each file is parsed and imported through the real commands (in this process) and the two
lists compared card by card; the files together cover every registered format with at
least one linked card, so no format's comparison is empty.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from studyapp.cli import main
from studyapp.deckfmt.registry import all_formats
from studyapp.paths import bundled_decks_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "decks"
LECTURE_DECKS = bundled_decks_dir()
"""The bundled lecture decks (read before the tests point ``STUDYAPP_DECKS`` elsewhere)."""
ANKI_TEXT = """#separator:tab
#html:true
What is <b>mode collapse</b>?\tThe generator covers few modes
Why does the KL term matter in a VAE?\tIt pulls q(z|x) toward the prior
What is a policy?\tA mapping from states to actions
"""
NOTES = (
    ("What is mode collapse?", "The generator covers few modes of the data"),
    ("What does the KL term in a VAE do?", "It pulls q(z|x) toward the prior"),
    ("What is a <i>policy</i>?", "A mapping from states to actions"),
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYAPP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYAPP_CONFIG", str(tmp_path / "config"))
    empty = tmp_path / "no-decks"
    empty.mkdir()
    monkeypatch.setenv("STUDYAPP_DECKS", str(empty))
    monkeypatch.delenv("STUDYAPP_DB", raising=False)


def command(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run ``studyapp ARGV``; its JSON output."""
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def anki_package(folder: Path) -> Path:
    """An Anki package made by Anki itself, of :data:`NOTES` (Basic notes)."""
    collection = pytest.importorskip("anki.collection")
    from tests.apkg.builders import export_package

    folder.mkdir(parents=True)
    col = collection.Collection(str(folder / "collection.anki2"))
    for front, back in NOTES:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = front, back
        col.add_note(note, col.decks.id("Generative"))
    path = export_package(col, folder / "generative.apkg", legacy=False)
    col.close()
    return path


def deck_files(tmp_path: Path) -> list[Path]:
    anki_text = tmp_path / "generative-anki.txt"
    anki_text.write_text(ANKI_TEXT, encoding="utf-8")
    return [
        *sorted(FIXTURES.iterdir()),
        *sorted(LECTURE_DECKS.iterdir()),
        anki_text,
        anki_package(tmp_path / "anki"),
    ]


def test_an_import_links_every_card_as_deck_parse_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    linked_formats: set[str] = set()
    for index, path in enumerate(deck_files(tmp_path)):
        parsed = command(capsys, "deck", "parse", "--json", str(path))
        db = str(tmp_path / f"study-{index}.db")
        capsys.readouterr()
        assert main(["--db", db, "import", str(path)]) == 0, capsys.readouterr().err
        stored = command(capsys, "--db", db, "cards", "--json")["cards"]
        expected = Counter((c["front"], tuple(c["experiments"])) for c in parsed["cards"])
        got = Counter((c["question"], tuple(c["experiments"])) for c in stored)
        assert got == expected, path.name
        if any(c["experiments"] for c in parsed["cards"]):
            linked_formats.add(parsed["format"])
    assert linked_formats == {f.name for f in all_formats()}  # no format compared empty


def test_cards_json_after_an_anki_import_lists_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = anki_package(tmp_path / "anki")
    db = str(tmp_path / "study.db")
    assert main(["--db", db, "import", str(package)]) == 0
    cards = command(capsys, "--db", db, "cards", "Generative", "--json")["cards"]
    by_question = {card["question"]: card for card in cards}
    collapse = by_question["What is mode collapse?"]
    assert collapse["experiments"] == ["mode-collapse"]
    assert (collapse["deck"], collapse["state"], collapse["answers"]) == ("Generative", "new", 0)
    assert by_question["What is a policy?"]["experiments"] == []
    assert main(["--db", db, "import", str(package)]) == 0  # again: the same links, once each
    again = command(capsys, "--db", db, "cards", "--json")["cards"]
    assert [card["experiments"] for card in again] == [card["experiments"] for card in cards]
