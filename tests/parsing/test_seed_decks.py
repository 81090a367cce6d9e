"""The five lecture exports parse to the cards a careful student would write."""

from __future__ import annotations

import pickle

from studyapp.deckfmt import ANSWER_MISSING, IMAGE_MISSING, ParsedDeck
from studyapp.deckfmt.model import QUESTION_IMAGE_MISSING
from tests.parsing.conftest import card

EXPECTED = {
    # deck file stem: (format, name, cards, answer-missing cards)
    "dl09-generative-models": ("brainscape", "DL-09 - Generative models", 74, 13),
    "quiz5-module4-gans-vaes": ("quizlet", "Quiz 5 - Module 4", 22, 5),
    "lecture13-gan-flashcards": ("qa", "Generative Adversarial Network (Lecture 13)", 8, 0),
    "gan-papers-outline": ("outline", "gan-papers-outline", 12, 0),
    "goodfellow-ch20-notes": ("notes", "CH20 - Deep Generative Models - I. Goodfellow", 8, 0),
}


def test_counts_formats_and_names(seed: dict[str, ParsedDeck]) -> None:
    assert set(seed) == set(EXPECTED)
    for stem, (fmt, name, count, missing) in EXPECTED.items():
        deck = seed[stem]
        got = (deck.format, deck.name, len(deck.cards))
        assert got == (fmt, name, count), stem
        assert sum(ANSWER_MISSING in c.flags for c in deck.cards) == missing, stem


def test_no_card_ever_shows_see_image(seed: dict[str, ParsedDeck]) -> None:
    for deck in seed.values():
        for c in deck.cards:
            assert "see image" not in (c.front + c.back).lower(), c
            assert c.front.strip(), c
            assert (c.back == "") == (ANSWER_MISSING in c.flags), c


def test_decks_pickle(seed: dict[str, ParsedDeck]) -> None:
    deck = seed["dl09-generative-models"]
    assert pickle.loads(pickle.dumps(deck)) == deck


class TestBrainscape:
    def test_subject_line_and_footer_are_not_card_text(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["dl09-generative-models"]
        for c in deck.cards:
            assert "DL-09" not in c.front
            assert "How well did you know" not in c.back
            assert "Perfectly" not in c.back and "Not at all" not in c.back

    def test_bullet_answer_and_line(self, seed: dict[str, ParsedDeck]) -> None:
        c = seed["dl09-generative-models"].cards[0]
        assert (
            c.front
            == "What are the types of generative models mentioned in the lecture slides? (2)"
        )
        assert c.back == "• Variational autoencoders\n• Generative adversarial networks"
        assert c.line == 3  # the card number line

    def test_one_word_answer_and_missing_question_mark(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "What is a loss function you might use")
        assert c.back == "MSE" and not c.flags

    def test_image_only_answer_is_missing(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "What is the architecture for a VAE?")
        assert c.back == ""
        assert c.flags == [ANSWER_MISSING, IMAGE_MISSING]
        lower = card(seed["dl09-generative-models"], "How can VAEs be used to uncover bias")
        assert ANSWER_MISSING in lower.flags  # "(see image)" in lower case

    def test_empty_answer_is_missing_without_image(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "In min-max loss, what are the different terms?")
        assert c.flags == [ANSWER_MISSING]

    def test_partial_image_keeps_text(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "How do you perform a transposed convolution?")
        assert c.back == (
            "1) Multiply the input by the kernel.\n"
            "2) Position the intermediate value inside a larger tensor.\n"
            "3) Sum up all the values."
        )
        assert c.flags == [IMAGE_MISSING]
        generate = card(seed["dl09-generative-models"], "Describe how we generate new data")
        assert generate.back == (
            "• Sample latent attributes.\n• Send to decoder.\n• Decoder generates output."
        )

    def test_question_image_is_flagged(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "What model is in the image?")
        assert c.front == "What model is in the image?"
        assert c.back == "A variational autoencoder."
        # the question needs the picture: suspended until edited (issue 11, item 6)
        assert c.flags == [IMAGE_MISSING, QUESTION_IMAGE_MISSING]

    def test_blank_lines_inside_answer(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "What’s the formula for WGAN’s critic loss?")
        assert c.back == (
            "D(x) - D(G(z))\nDisciminator tries to maximize this.\n\n"
            "D(x) - critic loss for a real instance\nD(G(z)) - Critic’s eval of a fake instance"
        )
        learns = card(seed["dl09-generative-models"], "What does an ideal autoencoder learn?")
        assert learns.back.endswith("\n\nE.g. from a face:\n• Smile\n• Gender\n• Beard")

    def test_cards_without_footer_and_last_card(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["dl09-generative-models"]
        formula = card(deck, "What formula is this?")
        prior = card(deck, "What prior distribution")
        assert formula.flags == [ANSWER_MISSING, IMAGE_MISSING]
        assert prior.back == "A normal gaussian with mean=0 and sd=1."
        last = deck.cards[-1]
        assert last.front == "What is Face inpainting?" and ANSWER_MISSING in last.flags

    def test_lower_case_answer(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["dl09-generative-models"], "In min-max loss, what is mode collapse?")
        assert c.back.startswith("a situation when the discriminator is too effective")


class TestQuizlet:
    def test_one_word_lower_case_answer_with_bullet(self, seed: dict[str, ParsedDeck]) -> None:
        c = seed["quiz5-module4-gans-vaes"].cards[0]
        assert (c.front, c.line) == ("GANs involve __ density modeling", 2)
        assert c.back == "implicit\n• generate samples from the model p(x)"
        assert card(seed["quiz5-module4-gans-vaes"], "VAE involve").back == "explicit"

    def test_multi_line_bullets(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["quiz5-module4-gans-vaes"], "GAN input")
        assert c.back.split("\n") == [
            "• Generator",
            "• Vector of random numbers, normal (mu, sigma)",
            "• Discriminator",
            "• minibatch",
            "• p(x) fake image",
            "• real image",
            "• minibatch",
        ]

    def test_terms_without_answer_followed_by_next_term(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["quiz5-module4-gans-vaes"]
        missing = [c.front for c in deck.cards if ANSWER_MISSING in c.flags]
        assert missing == [
            "GAN Objective",
            "GAN Generator Objective",
            "GAN Discriminator Objective",
            "Alternate Objective for GAN Max-Max Game",
            "VAE Reconstruction Loss",
        ]

    def test_blank_prompt_with_capitalised_answer(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["quiz5-module4-gans-vaes"], "The ___ part of the GAN objective")
        assert c.back.startswith("Generator\n• High gradient when D(G(z)) is high")

    def test_formula_line_continues_question(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["quiz5-module4-gans-vaes"], "Gan Discriminator wants")
        assert c.front == (
            "Gan Discriminator wants ___ (minimize/maximize)\nE[log D(x)] + E[log (1 - D(G(z)))]"
        )
        assert c.back.split("\n")[0] == "maximize"
        generator = card(seed["quiz5-module4-gans-vaes"], "Gan Generator wants")
        assert generator.back.split("\n")[0] == "minimize"

    def test_true_false_and_sentence_answers(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["quiz5-module4-gans-vaes"]
        assert card(deck, "T/F:").back.startswith("True - with caveat\n• Sampling action")
        assert card(deck, "VAE Distribution Loss").back.startswith("The loss associated")


class TestQA:
    def test_title_subtitle_and_questions(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["lecture13-gan-flashcards"]
        assert [c.line for c in deck.cards] == [3, 5, 7, 9, 11, 13, 15, 18]

    def test_questions_without_question_mark(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["lecture13-gan-flashcards"]
        assert card(deck, "Explain the intuition behind a GAN").back.startswith("Two networks")
        assert card(deck, "Briefly explain the CycleGAN").back.startswith("Create two")
        difference = card(deck, "What is the difference between a variational")
        assert difference.back.startswith("Instead of only learning")

    def test_multi_line_answer(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["lecture13-gan-flashcards"], "What is the problem of using KL loss")
        first, second = c.back.split("\n")
        assert first.startswith("The KL loss function measures")
        assert second.startswith("The solution is using WGAN")

    def test_short_answer(self, seed: dict[str, ParsedDeck]) -> None:
        c = card(seed["lecture13-gan-flashcards"], "What can you use a variational")
        assert c.back == "Compression, generation,"


class TestOutline:
    def test_cards_per_topic_and_heading(self, seed: dict[str, ParsedDeck]) -> None:
        fronts = [c.front for c in seed["gan-papers-outline"].cards]
        assert fronts == [
            "GAN › Concept (One Line)",
            "GAN › Analogy",
            "GAN › Model",
            "GAN › Generator",
            "GAN › Discriminator",
            "GAN › Overall Objective",
            "GAN › Theory",
            "GAN › Problems",
            "DCGAN › Concept",
            "DCGAN › Representation Learning from Unsupervised Data",
            "DCGAN › Image generation",
            "DCGAN › improvements to CNN",
        ]  # "Models To Add Here" and "Papers To Read" are to-do lists: no cards

    def test_analogy_and_empty_headings(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["gan-papers-outline"]
        assert card(deck, "GAN › Analogy").back.startswith("• Discriminator is police")
        # Paper, Algorithm, paper, Previous Work, Model group the next heading: no warning.
        assert deck.warnings == []


def test_no_bundled_deck_warns(seed: dict[str, ParsedDeck]) -> None:
    assert {stem: deck.warnings for stem, deck in seed.items() if deck.warnings} == {}

    def test_latex_reads_well(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["gan-papers-outline"]
        objective = card(deck, "GAN › Overall Objective")
        assert objective.back.split("\n")[:2] == [
            "Min-Max game with Value function V(G,D)",
            "• min_G max_D V(G,D)=𝔼_(x ∼ p_data(x))[log D(x)]+𝔼_(z ∼ p_z(z))[log(1−D(G(z)))]",
        ]
        generator = card(deck, "GAN › Generator")
        assert "• prior over input noise = p_z(z)" in generator.back
        assert "• mapping to data space = G(𝕫;θ_g), G is MLP with parameters θ_g" in generator.back
        theory = card(deck, "GAN › Theory")
        assert "optimal D = (p_data(x))/(p_data(x)+p_g(x))" in theory.back
        for c in deck.cards:
            assert "$" not in c.back and "\\" not in c.back, c.back


class TestNotes:
    def test_few_good_cards(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["goodfellow-ch20-notes"]
        assert [(c.front, c.line) for c in deck.cards] == [
            ("VAE", 11),
            ("Variational Autoencoders: main drawback", 26),
            ("One nice property of VAEs", 30),
            ("GANS", 38),
            ("Generator produces samples", 42),
            ("Adversary/discriminator network", 44),
            ("Convergence", 54),
            ("Motivation for GANs", 60),
        ]

    def test_definition_absorbs_its_list(self, seed: dict[str, ParsedDeck]) -> None:
        vae = seed["goodfellow-ch20-notes"].cards[0]
        assert vae.back.split("\n") == [
            "Directed model that uses learned approx inference & can be trained w/ gradient "
            "based methods",
            "• VAE draws sample z from code dist p_model(z)",
            " ↙ goes through Autoencoder",
            "• z run through gen network g(z)",
            "• x sampled from p_model(x : g(z)) = P_M(x | z)",
        ]

    def test_drawback_formula_and_strike_through(self, seed: dict[str, ParsedDeck]) -> None:
        deck = seed["goodfellow-ch20-notes"]
        assert card(deck, "Variational Autoencoders: main").back == "images tend to be blurry"
        assert card(deck, "Generator produces samples").back == "x = g(z; θᵍ)"
        convergence = card(deck, "Convergence").back.split("\n")
        assert convergence[0] == "d̶i̶s̶c̶r̶i̶m̶ generator output is indistinguishable"
        assert convergence[2] == "→ generator is the trained model"
        assert "~~" not in "".join(c.back for c in deck.cards)

    def test_headed_block_takes_two_paragraphs(self, seed: dict[str, ParsedDeck]) -> None:
        back = card(seed["goodfellow-ch20-notes"], "Adversary/discriminator network").back
        assert back.split("\n") == [
            "Attempts to distinguish between samples drawn from the train data & samples "
            "from generator",
            "Discrim gives probability value given by d(x, θᵈ) indic whether x is a real "
            "training sample",
        ]
