"""``studyapp review [DECK]``: errors before the TUI starts, decks found by name or file."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.cli._study import find_deck
from studyapp.cli.errors import CliError
from tests.ui.conftest import open_service, test_deck


def test_unknown_deck_is_one_error_line_before_the_tui(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = open_service(db_path)
    service.imports.parsed(test_deck())
    service.close()
    assert main(["--db", str(db_path), "review", "no such deck"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyapp: error: 'no such deck' matches no deck; decks are ")
    assert err.count("\n") == 1 and "GAN lecture" in err


def test_foreign_database_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database\n" * 100)
    assert main(["--db", str(foreign), "review"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyapp: error: ") and "notes.db" in err and err.count("\n") == 1
    assert foreign.read_text() == "not a database\n" * 100


def test_find_deck_by_file_name_not_by_the_bundled_prefix(db_path: Path) -> None:
    service = open_service(db_path)
    gan = service.imports.parsed(test_deck("GAN lecture"), source="bundled/gan-13.txt")
    vae = service.imports.parsed(test_deck("VAE notes"), source="bundled/dl09-vae.txt")
    try:
        ids = {deck.name: deck.id for deck in service.decks()}
        assert find_deck(service, "dl09") == ids["VAE notes"]
        assert find_deck(service, "gan-13") == ids["GAN lecture"]
        assert find_deck(service, "vae") == ids["VAE notes"]  # the name's prefix
        with pytest.raises(CliError, match="matches no deck"):
            find_deck(service, "bundled")  # every source starts with it: not a deck's name
    finally:
        service.close()
    assert gan.deck_name and vae.deck_name
