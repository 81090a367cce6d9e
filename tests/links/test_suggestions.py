"""Suggested settings: the SPEC rules matched on card text, explicit settings on top."""

from __future__ import annotations

import pytest

import models
from models.base import ExperimentSpec, Param
from studyapp.deckfmt import parse_file
from studyapp.experiments.links import (
    card_suggestions,
    check_settings,
    describe_link,
    experiments_for,
    parse_settings,
    suggested_settings,
    typed_settings,
)
from studyapp.paths import bundled_decks_dir

TOY = ExperimentSpec(
    id="toy",
    title="toy",
    concepts=("mode collapse",),
    summary="",
    explanation="",
    params=(Param("data", "ring8", "", choices=("ring8", "grid25")), Param("lr", 0.1, "", 0, 1)),
    default_steps=100,
    cost_seconds=0.0,
    max_steps=500,
    suggestions=(("grid of 25", "data=grid25, steps=300"), ("slow @ learning", "lr=0.01")),
)


def test_phrases_match_like_concepts_and_explicit_settings_win() -> None:
    def suggest(front: str, explicit: dict[str, str] | None = None) -> dict[str, str]:
        return suggested_settings("toy", front, "", explicit, specs=(TOY,))

    assert suggest("A GAN on a Grid-of-25 Gaussians") == {"data": "grid25", "steps": "300"}
    assert suggest("A GAN on a grid of 250 Gaussians") == {}  # whole words only
    assert suggest("slow learning") == {"lr": "0.01"}
    assert suggest("slow start") == {}  # the context word is missing
    assert suggest("grid of 25", {"steps": "50"}) == {"data": "grid25", "steps": "50"}
    assert suggested_settings("other", "grid of 25", "", specs=(TOY,)) == {}


def test_check_settings_keeps_the_valid_part_and_names_each_problem() -> None:
    valid, problems = check_settings(
        "toy", {"data": "grid9", "lr": "2", "steps": "501", "seed": "3", "x": "1"}, (TOY,)
    )
    assert valid == {"seed": "3"}
    assert [p.split(":")[0] for p in problems] == ["toy"] * 4
    assert "bad value 'grid9'" in problems[0]
    assert "'2' out of range" in problems[1]
    assert "'501' out of range for steps=100 (int in [1, 500])" in problems[2]
    assert "unknown setting 'x' (valid: data, lr, steps, seed)" in problems[3]


def test_typed_settings_for_the_form() -> None:
    settings = {"data": "grid25", "lr": "0.5", "steps": "300", "seed": "2", "lr2": "x"}
    assert typed_settings("toy", settings, (TOY,)) == {
        "data": "grid25",
        "lr": 0.5,
        "steps": 300,
        "seed": 2,
    }


def test_settings_text_round_trip_and_link_label() -> None:
    assert parse_settings(" data=grid25 ,steps=3000, ") == {"data": "grid25", "steps": "3000"}
    with pytest.raises(ValueError, match="bad setting 'steps'"):
        parse_settings("steps")
    assert describe_link("mode-collapse", {"data": "grid25"}) == "mode-collapse (data=grid25)"
    assert describe_link("kl-term", {}) == "kl-term"


@pytest.mark.parametrize("spec", models.all_specs(), ids=lambda s: s.id)
def test_every_spec_suggestion_is_a_valid_setting(spec: ExperimentSpec) -> None:
    for phrase, text in spec.suggestions:
        settings = parse_settings(text)
        assert settings, phrase
        assert check_settings(spec.id, settings) == (settings, [])


@pytest.mark.parametrize(
    ("front", "back", "experiment", "expected"),
    [
        (
            "What happens to a GAN trained on a grid of 25 Gaussians?",
            "It covers a few of the 25 modes: mode collapse.",
            "mode-collapse",
            {"data": "grid25", "steps": "3000"},
        ),
        (
            "What happens to a VAE trained with a large beta?",
            "The KL term wins: q(z|x) equals the prior and z carries nothing.",
            "kl-term",
            {"beta_max": "10"},
        ),
        (
            "Why does the saturating loss fail on the 5x5 grid?",
            "D wins, log(1 - D(G(z))) is flat: vanishing gradients.",
            "vanishing-gradients",
            {"data": "grid25"},
        ),
    ],
)
def test_cards_about_a_setting_suggest_it(
    front: str, back: str, experiment: str, expected: dict[str, str]
) -> None:
    linked = experiments_for(front, back)
    assert experiment in linked
    assert card_suggestions(linked, front, back)[experiment] == expected


def lecture_cards() -> list[tuple[str, str, str]]:
    cards = []
    for path in sorted(bundled_decks_dir().glob("*.txt")):
        cards += [(path.name, c.front, c.back) for c in parse_file(path).cards]
    return cards


def test_lecture_deck_cards_suggest_only_defaults() -> None:
    """Checked by hand: no card of the five lecture decks is about the grid of 25 or
    posterior collapse, so each opens its experiments at the calibrated defaults."""
    cards = lecture_cards()
    assert len(cards) > 100
    suggested = {
        (name, front[:40], e): s
        for name, front, back in cards
        for e, s in card_suggestions(experiments_for(front, back), front, back).items()
        if s
    }
    assert suggested == {}


def test_real_mode_collapse_card_with_the_grid_added_suggests_it() -> None:
    _, front, back = next(c for c in lecture_cards() if "what is mode collapse" in c[1].lower())
    assert card_suggestions(experiments_for(front, back), front, back) == {"mode-collapse": {}}
    back += " On a grid of 25 Gaussians it covers only a few."
    assert card_suggestions(experiments_for(front, back), front, back)["mode-collapse"] == {
        "data": "grid25",
        "steps": "3000",
    }
