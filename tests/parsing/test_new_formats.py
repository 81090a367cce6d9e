"""CSV/TSV, Obsidian Spaced Repetition and Logseq decks (issue 10): every card right, no junk."""

from __future__ import annotations

import csv
import io
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.deckfmt import DeckParseError, ParsedDeck, parse_text
from tests.parsing.conftest import card
from tests.parsing.test_property import check


def cards_of(deck: ParsedDeck) -> list[tuple[str, str, int, list[str]]]:
    return [(c.front, c.back, c.line, c.tags) for c in deck.cards]


class TestCsv:
    def test_quiz_export(self, fixture_decks: dict[str, ParsedDeck]) -> None:
        deck = fixture_decks["gan-quiz.csv"]
        assert (deck.format, deck.name, deck.warnings) == ("csv", "gan-quiz", [])
        assert cards_of(deck) == [
            (
                "What does a GAN's discriminator output?",
                "The probability that its input is real, D(x) in [0, 1]",  # quoted commas
                2,
                ["gan", "basics"],
            ),
            (
                "Name the two divergences a GAN and a WGAN minimise",
                "Jensen-Shannon, and the Wasserstein-1 (earth mover's) distance",
                3,
                ["gan", "wgan"],
            ),
            ("What did Goodfellow call the training setup?", 'A two-player "minimax" game', 4,
             ["gan"]),
            (
                "Why use the non-saturating generator loss?",
                "Early on D rejects samples easily:\n"  # a new line inside quotes
                "log(1 - D(G(z))) saturates, log D(G(z)) still gives gradients",
                5,
                ["gan"],
            ),
            ("What does mode collapse look like?",
             "G maps many z to a few outputs, covering few modes", 7, []),
        ]  # fmt: skip

    def test_tsv_with_header(self, fixture_decks: dict[str, ParsedDeck]) -> None:
        deck = fixture_decks["vae-terms.tsv"]
        assert [(c.front, c.back) for c in deck.cards] == [
            ("Encoder", "Maps x to the parameters of q(z|x)"),
            ("Decoder", "Maps z back to a distribution over x"),
        ]

    def test_without_header_extra_columns_join_the_answer(self) -> None:
        deck = parse_text('"a, b",c,"d ""e"""\nf,g,\n', "csv", "t.csv")
        assert cards_of(deck) == [("a, b", 'c\nd "e"', 1, []), ("f", "g", 2, [])]

    def test_header_columns_in_any_order_with_deck(self) -> None:
        text = "Tags;Deck;Answer;Question\nx y;Stats;mean;What is E[X]?\n"
        deck = parse_text(text, "auto", "t.csv")
        assert (deck.format, deck.name) == ("csv", "Stats")
        assert cards_of(deck) == [("What is E[X]?", "mean", 2, ["x", "y"])]

    def test_a_header_alone_is_no_deck(self) -> None:
        try:
            parse_text("Question,Answer\n", "csv", "t.csv")
        except DeckParseError as error:
            assert "no cards found when read as 'csv'" in str(error)
        else:
            raise AssertionError("a header row alone made cards")


class TestObsidian:
    def test_note(self, fixture_decks: dict[str, ParsedDeck]) -> None:
        deck = fixture_decks["gan-obsidian.md"]
        assert (deck.format, deck.name, deck.warnings) == ("obsidian", "gan", [])
        fronts = [(c.front, c.back, c.line) for c in deck.cards]
        minimax = "min_G max_D V(D, G)\nwith V = E[log D(x)] + E[log(1 − D(G(z)))]"
        whole = "A WGAN critic must be 1-Lipschitz, enforced by weight clipping."
        assert fronts == [
            ("What does the discriminator estimate?",
             "The probability that its input came from the data", 11),
            ("Generator", "The network that maps noise z to samples", 12),
            ("The network that maps noise z to samples", "Generator", 12),  # ::: both ways
            ("What is the minimax value function\nof a GAN?", minimax, 14),  # ? multi-line
            ("Mode collapse", "The generator covers only a few modes of the data", 21),
            ("The generator covers only a few modes of the data", "Mode collapse", 21),  # ??
            ("The optimal discriminator is [...].",
             "The optimal discriminator is p_data / (p_data + p_g).", 27),
            ("A WGAN critic must be [...], enforced by weight clipping.", whole, 29),
            ("A WGAN critic must be 1-Lipschitz, enforced by [a crude method].", whole, 29),
        ]  # fmt: skip
        assert all(c.tags == ["flashcards/gan"] for c in deck.cards)
        text = "".join(c.front + c.back for c in deck.cards)
        assert "<!--SR" not in text and "tags:" not in text and "#" not in text

    def test_front_matter_headings_code_and_tags_are_never_cards(self) -> None:
        text = (
            "---\ntitle: x\ntags: [a, b]\n---\n# Heading one\n\n## Sub: heading\n\n"
            "```\ncode::block\n```\n\n#flashcards/ml/basics #extra\n\n"
            "Bias::error from wrong assumptions #stats\n"
        )
        deck = parse_text(text, "auto", "n.md")
        assert (deck.format, deck.name) == ("obsidian", "ml/basics")
        assert cards_of(deck) == [
            ("Bias", "error from wrong assumptions", 15,
             ["a", "b", "flashcards/ml/basics", "extra", "stats"])
        ]  # fmt: skip

    def test_cloze_hint_and_numbers(self) -> None:
        deck = parse_text(
            "#flashcards\n\n{{c1::Paris}} is in {{c2::France::country}}\n", "obsidian"
        )
        assert [c.front for c in deck.cards] == ["[...] is in France", "Paris is in [country]"]
        assert {c.back for c in deck.cards} == {"Paris is in France"}


class TestLogseq:
    def test_page(self, fixture_decks: dict[str, ParsedDeck]) -> None:
        deck = fixture_decks["vae-logseq.md"]
        assert (deck.format, deck.name, deck.warnings) == ("logseq", "VAE", [])
        page_tags = ["deep-learning", "generative models"]
        assert cards_of(deck) == [
            (
                "What does the encoder of a VAE output?",  # card-* properties are no text
                "• The mean and log-variance of q(z|x)\n• one pair per latent dimension",
                5,
                page_tags,
            ),
            (
                "The loss is the [...] term plus the [...] term",
                "The loss is the reconstruction term plus the KL term",
                14,
                [*page_tags, "vae"],
            ),
            (
                "Reparameterization trick",
                "• z = μ + σ ⊙ ϵ\n  • with ϵ ∼ N(0, I)\n• lets gradients flow through the sampling",
                17,
                page_tags,
            ),
        ]
        assert not any("plain note" in c.front + c.back for c in deck.cards)

    def test_untagged_blocks_are_never_cards(self) -> None:
        deck = parse_text("- a note\n\t- child\n- q [[card]]\n\t- ans\n- other\n", "logseq")
        assert cards_of(deck) == [("q", "• ans", 3, [])]
        assert card(deck, "q").flags == []


# -- properties: never crash; what we write reads back the same ------------------------

WORD = st.text(alphabet=string.ascii_letters + string.digits + ",.;()'\"!?", min_size=1, max_size=8)
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
MULTILINE = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
PAIRS = st.lists(st.tuples(MULTILINE, MULTILINE), min_size=1, max_size=8)
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOKENS = [
    "::", ":::", "?", "??", "==", "{{c1::", "{{c2::x::h}}", "}}", "#flashcards", "---", "- ",
    "\t- ", "\t", "#card", "[[card]]", "{{cloze ", "key:: value", "title:: T", '"', '""', ",",
    ";", "Question,Answer", "Front\tBack", "\n", "\n\n", "```", "<!--SR:!2024-01-01,1,250-->",
]  # fmt: skip
NOISE = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=50).map("".join)


@PROFILE
@given(text=NOISE, fmt=st.sampled_from(["csv", "obsidian", "logseq", "auto"]))
def test_new_parsers_never_crash(text: str, fmt: str) -> None:
    check(text, fmt)


@PROFILE
@given(pairs=PAIRS, delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_round_trip(pairs: list[tuple[str, str]], delimiter: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["Question", "Answer"])
    writer.writerows(pairs)
    deck = parse_text(out.getvalue(), "auto", "r.csv")
    assert deck.format == "csv"
    assert [(c.front, c.back) for c in deck.cards] == pairs


@PROFILE
@given(pairs=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8))
def test_obsidian_round_trip(pairs: list[tuple[str, str]]) -> None:
    text = "#flashcards\n\n" + "".join(f"{front}::{back}\n" for front, back in pairs)
    deck = parse_text(text, "auto", "r.md")
    assert deck.format == "obsidian"
    assert [(c.front, c.back) for c in deck.cards] == pairs


@PROFILE
@given(pairs=st.lists(st.tuples(TEXT, st.lists(TEXT, max_size=3)), min_size=1, max_size=8))
def test_logseq_round_trip(pairs: list[tuple[str, list[str]]]) -> None:
    text = "".join(
        f"- {front} #card\n" + "".join(f"\t- {line}\n" for line in answer)
        for front, answer in pairs
    )
    deck = parse_text(text, "auto", "r.md")
    assert deck.format == "logseq"
    expected = [(front, "\n".join(f"• {line}" for line in answer)) for front, answer in pairs]
    assert [(c.front, c.back) for c in deck.cards] == expected
