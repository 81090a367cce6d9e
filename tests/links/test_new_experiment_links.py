"""Cards of the real lecture decks link to the new experiments (issue 8): pinned by card text."""

from __future__ import annotations

import pytest

import models
from studyapp.deckfmt import parse_file
from studyapp.experiments.links import experiments_for
from studyapp.paths import bundled_decks_dir

PINS = [
    ("dl09-generative-models.txt", "What is the problem of convergence", "gan-convergence"),
    ("gan-papers-outline.txt", "convergence to stable solution is tough", "gan-convergence"),
    ("quiz5-module4-gans-vaes.txt", "training can be unstable", "gan-convergence"),
    ("dl09-generative-models.txt", "Describe how we generate new data with a VAE", "prior-samples"),
    ("lecture13-gan-flashcards.txt", "variational autoencoder and a basic", "prior-samples"),
    ("lecture13-gan-flashcards.txt", "What can you use a variational autoencoder", "prior-samples"),
    ("goodfellow-ch20-notes.txt", "images tend to be blurry", "blur-vs-sharp"),
    ("dl09-generative-models.txt", "Why do we want features to be uncorrelated", "disentanglement"),
    ("dl09-generative-models.txt", "If your representations are rich", "disentanglement"),
]


@pytest.mark.parametrize(("deck", "text", "experiment"), PINS)
def test_card_links_to_new_experiment(deck: str, text: str, experiment: str) -> None:
    assert experiment in {s.id for s in models.all_specs()}
    cards = [
        c
        for c in parse_file(bundled_decks_dir() / deck).cards
        if text.lower() in (c.front + " " + c.back).lower()
    ]
    assert len(cards) == 1, f"{deck}: {len(cards)} cards contain {text!r}"
    card = cards[0]
    assert experiment in experiments_for(card.front, card.back, tuple(card.experiments))


def test_posterior_collapse_links_by_its_concept() -> None:
    # No bundled card names posterior collapse; a card that does links here first.
    got = experiments_for("What is posterior collapse?", "The decoder ignores the latent code.")
    assert got[0] == "posterior-collapse"


def test_new_experiments_link_by_their_concepts() -> None:
    # Phrases no bundled card uses yet: a card that does links to the experiment first.
    got = experiments_for("What do precision and recall measure for a GAN?", "")
    assert got[:1] == ["precision-recall"]
    got = experiments_for("What is disentanglement?", "Each latent unit follows one factor.")
    assert got[:1] == ["disentanglement"]
    got = experiments_for("Why are VAE samples blurry?", "")
    assert got[:1] == ["blur-vs-sharp"]
