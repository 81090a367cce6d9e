"""``experiments: id(key=value, ...)`` in the native deck format: settings and their errors."""

from __future__ import annotations

import json

import pytest

from studyapp.cli import main
from studyapp.deckfmt import DeckParseError, parse_text


def card_of(line: str):  # type: ignore[no-untyped-def]
    return parse_text(f"Q: q\nA: a\n{line}\n", "deck", "my.deck").cards[0]


def test_settings_kept_per_id_and_ids_stay_a_list() -> None:
    card = card_of(
        "experiments: mode-collapse(data=grid25, steps=3000), kl-term ,"
        " vanishing-gradients( data = grid25 )"
    )
    assert card.experiments == ["mode-collapse", "kl-term", "vanishing-gradients"]
    assert card.experiment_settings == {
        "mode-collapse": {"data": "grid25", "steps": "3000"},
        "vanishing-gradients": {"data": "grid25"},
    }


def test_plain_ids_separated_by_spaces_or_commas_have_no_settings() -> None:
    card = card_of("experiments: kl-term latent-dim,reparameterization")
    assert card.experiments == ["kl-term", "latent-dim", "reparameterization"]
    assert card.experiment_settings == {}


def test_two_lines_merge_settings_of_one_id() -> None:
    deck = parse_text(
        "Q: q\nA: a\nexperiments: kl-term(beta_max=10)\nexperiments: kl-term(steps=200)\n",
        "deck",
    )
    assert deck.cards[0].experiments == ["kl-term"]
    assert deck.cards[0].experiment_settings == {"kl-term": {"beta_max": "10", "steps": "200"}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mode-collapse(data=grid25", "unclosed '('"),
        ("mode-collapse(data=grid25))", "unexpected ')'"),
        ("mode-collapse(data(x)=1)", "unexpected '('"),
        ("(data=grid25)", "unexpected '('"),
        ("mode-collapse(data)", "bad setting 'data' (write key=value, key=value)"),
        ("mode-collapse(=grid25)", "bad setting '=grid25'"),
        ("mode-collapse(data=grid 25)", "bad setting 'data=grid 25'"),
        ("mode-collapse(data=grid25)kl-term", "unexpected 'k'"),
        ("Mode-Collapse(data=grid25)", "bad experiment name 'Mode-Collapse'"),
    ],
)
def test_bad_syntax_is_an_error_with_the_line(value: str, message: str) -> None:
    text = f"deck: D\n\nQ: q\nA: a\nexperiments: {value}\n"
    with pytest.raises(DeckParseError) as info:
        parse_text(text, "deck", "my.deck")
    assert info.value.line == 5
    assert str(info.value).startswith(f"my.deck:5: {message}")
    assert "\n" not in str(info.value)


def test_deck_parse_json_keeps_ids_and_warns_about_bad_settings(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.deck"
    path.write_text(
        "Q: What is mode collapse?\nA: G covers few modes\n"
        "experiments: mode-collapse(data=grid9, steps=3000, colour=red), kl-term(beta_max=10)\n"
    )
    assert main(["deck", "parse", str(path), "--format", "deck", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cards"][0]["experiments"] == ["mode-collapse", "kl-term"]
    messages = [(w["line"], w["message"]) for w in out["warnings"]]
    assert len(messages) == 2
    assert messages[0][0] == messages[1][0] == 1
    assert messages[0][1].startswith("mode-collapse: bad value 'grid9' for data=ring8")
    assert messages[1][1].startswith("mode-collapse: unknown setting 'colour' (valid: data,")
