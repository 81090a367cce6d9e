"""Random and mutated deck text never makes a parser fail with anything but DeckParseError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.deckfmt import ANSWER_MISSING, FORMATS, DeckParseError, ParsedDeck, parse_text
from tests.parsing.conftest import DECKS, FIXTURES

ALL_FORMATS = ["auto", *FORMATS]
SAMPLES = [path.read_text(encoding="utf-8") for path in sorted(DECKS.glob("*.txt"))] + [
    path.read_text(encoding="utf-8") for path in sorted(FIXTURES.iterdir())
]
TOKENS = [
    "Q", "A", "Q:", "A:", "-", "- ", "  - ", "•", "$", "$$", "\\frac{", "}", "{", "_", "^",
    "\\mathbb{E}", "(See image)", "How well did you know this?", "#separator:tab", "#html:true",
    "\t", '"', "tags:", "experiments:", "deck:", "=", ":", "?", "___", "~~", "↳", "\\", "%",
    "\n", "\n\n", "\r", "1", "Perfectly", "T/F:", "[/]", "[bold]", "<br>", "<img src=x>",
    "{{c1::x}}", "\x00", "\ufeff", "\u2028", "flags: answer-missing", "- Heading:",
]  # fmt: skip

deck_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)), max_size=60).map(
    "".join
)


@st.composite
def mutated_deck(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SAMPLES)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "insert", "cut", "swap"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, draw(deck_text))
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
    return "\n".join(lines)


def check(text: str, fmt: str) -> None:
    try:
        deck = parse_text(text, fmt, "prop.txt")
    except DeckParseError as error:
        assert str(error).startswith("prop.txt")
        assert "\n" not in str(error)
        return
    assert isinstance(deck, ParsedDeck) and deck.cards
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for card in deck.cards:
        assert card.front.strip()
        assert 1 <= card.line <= n_lines
        assert (card.back == "") == (ANSWER_MISSING in card.flags)
        assert "(see image)" not in (card.front + card.back).lower()
    for warning in deck.warnings:
        assert 1 <= warning.line <= n_lines


PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(text=deck_text, fmt=st.sampled_from(ALL_FORMATS))
def test_random_text(text: str, fmt: str) -> None:
    check(text, fmt)


@PROFILE
@given(text=mutated_deck(), fmt=st.sampled_from(ALL_FORMATS))
def test_mutated_decks(text: str, fmt: str) -> None:
    check(text, fmt)
