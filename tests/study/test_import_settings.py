"""Importing a deck keeps the valid experiment settings of each card; bad ones are warnings."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from studyapp.deckfmt import parse_text
from studyapp.study.service import StudyService

DECK = """\
Q: What is mode collapse?
A: G covers few modes
experiments: mode-collapse(data=grid25, steps=0, colour=red), kl-term(beta_max=10)

Q: What is the reparameterization trick?
A: z = mu + sigma * eps
experiments: nosuch(steps=5)
"""


def test_valid_settings_stored_and_bad_ones_warned_with_the_line(tmp_path: Path) -> None:
    service = StudyService.open(str(tmp_path / "s.db"), tz=UTC)
    try:
        report = service.imports.parsed(parse_text(DECK, "deck", "mine.deck"))
        rows = {row.front: row for row in service.cards.browse("")}
        collapse = rows["What is mode collapse?"]
        assert collapse.experiments == ("mode-collapse", "kl-term")
        assert collapse.experiment_settings == {
            "mode-collapse": {"data": "grid25"},
            "kl-term": {"beta_max": "10"},
        }
        trick = rows["What is the reparameterization trick?"]
        assert trick.experiments == ("reparameterization",)  # unknown id: linked by text
        assert trick.experiment_settings == {}
        warnings = list(report.warnings)
        assert len(warnings) == 3
        assert warnings[0].startswith("mine.deck:1: mode-collapse: '0' out of range for steps")
        assert warnings[1].startswith("mine.deck:1: mode-collapse: unknown setting 'colour'")
        assert warnings[2].startswith("mine.deck:5: unknown experiment 'nosuch'")

        edited = DECK.replace("kl-term(beta_max=10)", "kl-term")
        service.imports.parsed(parse_text(edited, "deck", "mine.deck"))
        [again] = service.cards.browse("mode collapse")
        assert again.experiment_settings == {"mode-collapse": {"data": "grid25"}}
    finally:
        service.close()
