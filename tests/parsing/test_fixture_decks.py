"""Exports of the same kinds from other topics (tests/fixtures/decks) parse as well."""

from __future__ import annotations

from studyapp.deckfmt import ANSWER_MISSING, IMAGE_MISSING, ParsedDeck
from studyapp.deckfmt.model import QUESTION_IMAGE_MISSING
from tests.parsing.conftest import card

EXPECTED = {
    "transformers-brainscape.txt": ("brainscape", "Transformers 101", 7),
    "rl-quizlet.txt": ("quizlet", "Reinforcement Learning Basics", 11),
    "statistics-qa.txt": ("qa", "Statistics (Week 3)", 7),
    "transformers-outline.txt": ("outline", "transformers-outline", 7),
    "statistics-notes.txt": ("notes", "Statistics lecture notes - week 5", 6),
    "rl-anki.txt": ("anki-text", "RL from Anki", 6),
    "stats-anki.csv": ("anki-text", "stats-anki", 3),
    "transformers.deck.txt": ("deck", "Transformers (hand-written)", 5),
    "gan-quiz.csv": ("csv", "gan-quiz", 5),
    "vae-terms.tsv": ("csv", "vae-terms", 2),
    "gan-obsidian.md": ("obsidian", "gan", 9),
    "vae-logseq.md": ("logseq", "VAE", 3),
}


def test_every_format_detected_and_counted(fixture_decks: dict[str, ParsedDeck]) -> None:
    assert set(fixture_decks) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        deck = fixture_decks[name]
        assert (deck.format, deck.name, len(deck.cards)) == expected, name


def test_brainscape(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["transformers-brainscape.txt"]
    formula = card(deck, "Complete the attention formula")
    assert formula.front == (
        "Complete the attention formula\nAttention(Q,K,V) = softmax(QKᵀ / √dₖ) V"
    )
    assert formula.back == "the scaled dot-product attention"
    assert card(deck, "What does the attention map").flags == [ANSWER_MISSING, IMAGE_MISSING]
    nested = card(deck, "Why divide by √dₖ before the softmax?")
    assert nested.back == (
        "Large dot products push the softmax into saturation.\n\n"
        "Dividing keeps the variance near 1:\n"
        "• gradients stay useful\n  • especially early in training\n• training is stable"
    )
    assert card(deck, "Name the positional encoding").back == "sinusoidal"
    assert card(deck, "What is multi-head attention").flags == [ANSWER_MISSING]
    last = deck.cards[-1]
    assert (last.front, last.back, last.flags) == (
        "What does layer normalisation normalise over?",
        "The features of each token.",
        [IMAGE_MISSING, QUESTION_IMAGE_MISSING],  # its question shows the missing image
    )


def test_quizlet(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["rl-quizlet.txt"]
    assert card(deck, "Policy").back == (
        "• mapping from states to actions\n  • deterministic: a = pi(s)\n  • stochastic: pi(a|s)"
    )
    missing = [c.front for c in deck.cards if ANSWER_MISSING in c.flags]
    assert missing == ["Value function", "Q function", "Reward shaping diagram"]
    bellman = card(deck, "Bellman equation")
    assert bellman.back == "V(s) = max_a [r + g V(s')]\n• recursive decomposition of the value"
    assert card(deck, "The discount factor").back == "[0, 1]"
    assert card(deck, "Exploration strategy").back.startswith("epsilon\n•")
    assert card(deck, "T/F: Q-learning").back.startswith("False\n•")
    assert card(deck, "Return").back.endswith("Gₜ = ∑ₖ γᵏ rₜ₊ₖ₊₁")
    assert card(deck, "Off-policy algorithm example").back == "q-learning"


def test_qa(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["statistics-qa.txt"]
    assert card(deck, "Define a p-value").back.count("\n") == 1
    normal = card(deck, "Which distribution")
    assert normal.back == "X̅ ∼ 𝒩(μ, σ² / n)\napproximately, by the central limit theorem"
    estimator = card(deck, "What is the estimator below called?")
    assert estimator.front.endswith("\nσ̂² = 1/(n−1)∑ᵢ (xᵢ − x̅)²")
    assert estimator.back == "unbiased"
    assert card(deck, "What does the box plot").flags == [ANSWER_MISSING]
    assert card(deck, "Name the test").back == "t-test"
    assert card(deck, "Explain why we divide by n-1").back.endswith("underestimate the variance.")


def test_outline(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["transformers-outline.txt"]
    assert [c.front for c in deck.cards] == [
        "Attention › Idea",
        "Attention › Formula",
        "Attention › Cost",
        "Positional encoding › Why",
        "Positional encoding › Sinusoidal",
        "Positional encoding › Learned",
        "Positional encoding › Relative positions",
    ]  # "Reading list" is a to-do list: not a card
    assert card(deck, "Attention › Formula").back == "scaled dot product\n  • softmax(QKᵀ/√dₖ)V"
    assert card(deck, "Attention › Cost").back == "• quadratic in sequence length, O(n² d)"
    assert [w.message for w in deck.warnings] == ["heading 'Diagram' has no content; no card"]


def test_notes(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["statistics-notes.txt"]
    assert [c.front for c in deck.cards] == [
        "Bias",
        "Maximum likelihood: main drawback",
        "Consistency",
        "Type I error",
        "Test statistic",
        "Assumptions of the t-test",
    ]
    assert card(deck, "Type I error").back == (
        "rejecting a true null hypothesis\n↳ its rate is the significance level"
    )
    assert card(deck, "Test statistic").back == "t = (x̅ − μ₀)/(s / √n)"


def test_anki(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["rl-anki.txt"]
    policy = deck.cards[0]
    assert (policy.front, policy.back, policy.line) == (
        "What is a policy?",
        "A mapping from states to actions\ncan be stochastic",
        7,
    )
    assert policy.tags == ["rl", "course", "basics"]
    image = card(deck, "Draw the agent-environment loop")
    assert image.flags == [ANSWER_MISSING, IMAGE_MISSING]
    quoted = card(deck, "A field with a\nline break")
    assert quoted.back == 'an answer with "quotes" and a tab\there'
    cloze = card(deck, "The [...] equation")
    assert cloze.front == "The [...] equation relates a value to its [what?]"
    assert cloze.back == "The Bellman equation relates a value to its successors"
    assert card(deck, "TD error formula").back == "δ = r + γ V(s') − V(s)"
    assert card(deck, "What does & mean").back == "an escaped <ampersand> sign"
    plain = fixture_decks["stats-anki.csv"]
    assert plain.cards[0].back == "The default claim, tested against the data"
    assert plain.cards[1].back.endswith("<not HTML>")  # #html:false keeps angle brackets
    assert plain.cards[2].flags == [ANSWER_MISSING]


def test_native(fixture_decks: dict[str, ParsedDeck]) -> None:
    deck = fixture_decks["transformers.deck.txt"]
    first = deck.cards[0]
    assert first.front == "What does the softmax temperature τ control?"
    assert (
        first.back
        == "How peaked the distribution is.\n• low τ: nearly one-hot\n• high τ: nearly uniform"
    )
    assert first.tags == ["nlp", "softmax", "sampling"]
    positions = deck.cards[1]
    assert positions.experiments == ["latent-dim", "checkerboard"]
    assert "\n\nWithout positions" in positions.back
    assert deck.cards[2].front == "Name the\nthree attention projections"
    assert deck.cards[3].flags == [ANSWER_MISSING, IMAGE_MISSING]
    literal = deck.cards[4]
    assert literal.front == "What literal text is this: [bold]not markup[/] and [/]?"
    assert literal.flags == ["tricky"]


def test_readme_example_parses() -> None:
    from studyapp.deckfmt import parse_text
    from tests.parsing.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing your own deck", 1)[1]
    example = section.split("```text\n", 1)[1].split("```", 1)[0]
    deck = parse_text(example, source="README.md")
    assert (deck.format, deck.name, len(deck.cards)) == ("deck", "Transformers", 2)
    assert deck.cards[0].back == (
        "How peaked the distribution is.\n• low τ: nearly one-hot\n• high τ: nearly uniform"
    )
    assert deck.cards[0].experiments == ["reparameterization"]
    assert deck.cards[0].tags == ["nlp", "softmax"]
    assert deck.cards[1].flags == [ANSWER_MISSING, IMAGE_MISSING]
