"""Card-to-experiment links: the matching rules, and every card of the five lecture decks.

The deck pins below were checked by hand, card by card: a card about a concept an
experiment demonstrates links to it (best match first), and no other card links anything.
Experiments that are not in ``models`` yet are dropped from the expectations, so the pins
tighten as experiments land.
"""

from __future__ import annotations

import pytest

import models
from models.base import ExperimentSpec
from studyapp.deckfmt import parse_file
from studyapp.experiments.links import UnknownExperimentError, experiments_for, normalise
from studyapp.paths import bundled_decks_dir

KNOWN = {spec.id for spec in models.all_specs()}


def spec(id: str, *concepts: str) -> ExperimentSpec:
    return ExperimentSpec(
        id=id,
        title=id,
        concepts=concepts,
        summary="",
        explanation="",
        params=(),
        default_steps=1,
        cost_seconds=0.0,
    )


SPECS = (
    spec("gan-basics", "gan"),
    spec("em", "earth mover's distance", "wasserstein"),
    spec("vanish", "vanishing gradient", "log(1 - D(G(z)))"),
    spec("kl", "kl divergence", "!kl loss function in gans", "prior @ vae, variational"),
    spec("conv", "deconvolution @ upsampling, decoder"),
)


def links(front: str, back: str = "", explicit: tuple[str, ...] = ()) -> list[str]:
    return experiments_for(front, back, explicit, specs=SPECS)


# -- the rules ---------------------------------------------------------------------------


def test_whole_words_case_insensitive_with_plurals() -> None:
    assert links("What is a GAN?") == ["gan-basics"]
    assert links("Two GANs compete") == ["gan-basics"]
    assert links("What is a WGAN?") == []  # no match inside a word
    assert links("the gang of four") == []
    assert links("VANISHING GRADIENTS in deep nets") == ["vanish"]


def test_punctuation_apostrophes_and_hyphens_do_not_matter() -> None:
    assert links("earth movers distance") == ["em"]
    assert links("Earth mover’s distance (EMD)") == ["em"]
    assert links("", "minimise log(1-D(G(z))) early on") == ["vanish"]
    assert normalise("Mode-collapse; re-parameterisation") == " mode collapse re parameterization "


def test_image_placeholder_is_not_text() -> None:
    assert normalise("(See image)") == "  "
    assert links("What formula is this? (See image)", "(see image)") == []


def test_veto_and_context() -> None:
    assert links("What is KL divergence?") == ["kl"]
    assert links("Problem of the KL loss function in GANs: KL divergence") == ["gan-basics"]
    assert links("Which prior does a VAE use?") == ["kl"]
    assert links("prior over input noise in a GAN") == ["gan-basics"]  # no VAE context
    assert links("Visualise filters with deconvolution") == []
    assert links("deconvolution as upsampling in a decoder") == ["conv"]


def test_question_counts_twice_and_longer_phrases_win() -> None:
    assert links("Why WGAN: the earth mover's distance", "a GAN") == ["em", "gan-basics"]
    assert links("What is a GAN?", "It can suffer from a vanishing gradient") == [
        "vanish",
        "gan-basics",
    ]


def test_explicit_links_override_and_are_checked() -> None:
    assert links("What is a GAN?", explicit=("vanish", "em", "vanish")) == ["vanish", "em"]
    assert links("What is a GAN?", explicit=("none",)) == []
    with pytest.raises(UnknownExperimentError, match="valid: gan-basics, em"):
        links("What is a GAN?", explicit=("mode-colapse",))


def test_default_specs_are_the_models_and_stay_torch_free() -> None:
    assert set(experiments_for("What is a transposed convolution?", "")) <= KNOWN
    assert experiments_for("What is a transposed convolution?", "") == ["checkerboard"]


# -- the five lecture decks, checked by hand -----------------------------------------------

EXPECTED: dict[str, dict[int, list[str]]] = {
    "dl09-generative-models.txt": {
        78: ["latent-dim"],  # dimensionality of the latent space
        97: ["latent-dim"],
        116: ["super-resolution", "checkerboard"],  # interpolation or transposed conv
        134: ["checkerboard"],
        153: ["checkerboard"],
        172: ["checkerboard"],  # multiply, place, sum
        251: ["latent-traversal"],  # latent attributes as distributions
        289: ["latent-dim"],  # a compressed representation
        313: ["latent-traversal"],
        332: ["latent-traversal"],
        351: ["prior-samples", "latent-traversal"],  # generate new data with a VAE
        373: ["latent-traversal"],  # close in latent space, similar reconstructions
        392: ["latent-traversal"],  # perturb one latent variable
        430: ["disentanglement"],  # why uncorrelated features
        449: ["disentanglement"],  # we want features to be uncorrelated
        468: ["kl-term"],  # VAE loss = reconstruction + KL
        488: ["kl-term"],
        507: ["kl-term"],
        526: ["kl-term"],
        547: ["kl-term"],
        577: ["kl-term"],  # the N(0, 1) prior the KL term pulls towards
        588: ["kl-term"],
        599: ["reparameterization"],
        610: ["reparameterization"],
        623: ["reparameterization"],
        656: ["denoising-ae"],
        667: ["anomaly-detection"],
        777: ["k-steps"],  # D and G trained in alternating periods
        790: ["wasserstein-vs-js"],  # min-max loss and Wasserstein
        829: ["vanishing-gradients", "k-steps", "mode-collapse"],  # issues with min-max loss
        841: ["vanishing-gradients"],
        852: ["mode-collapse"],
        863: ["k-steps"],  # unbalanced updates
        874: ["mode-collapse"],
        885: ["k-steps"],
        896: ["gan-convergence"],  # the problem of convergence in min-max loss
        907: ["wasserstein-vs-js"],
        918: ["wasserstein-vs-js", "clipping-vs-gp"],  # critic network
        929: ["wasserstein-vs-js", "clipping-vs-gp"],
        939: ["clipping-vs-gp", "wasserstein-vs-js"],  # critic loss
        949: ["clipping-vs-gp", "wasserstein-vs-js"],
        964: ["wasserstein-vs-js"],
        975: ["vanishing-gradients", "mode-collapse", "wasserstein-vs-js"],  # WGAN benefits
        1031: ["cycle-consistency"],  # CycleGAN (B2)
        1042: ["super-resolution"],  # super-resolution GAN (B2)
    },
    "gan-papers-outline.txt": {
        4: ["optimal-discriminator"],  # D outputs 1/2 everywhere at the optimum
        12: ["vanishing-gradients"],  # log(1 - D(G(z))) vs better gradients
        23: ["k-steps", "optimal-discriminator", "vanishing-gradients"],  # k steps of D; V(G, D)
        30: ["optimal-discriminator"],  # D* = p_data / (p_data + p_g)
        37: ["gan-convergence"],  # convergence to a stable solution is tough
        50: ["checkerboard"],  # fractional-strided convolutions in G
    },
    "goodfellow-ch20-notes.txt": {
        26: ["blur-vs-sharp"],  # VAE images tend to be blurry
    },
    "lecture13-gan-flashcards.txt": {
        5: ["prior-samples"],  # VAE vs basic autoencoder
        7: ["kl-term"],  # L2 loss and KL divergence
        9: ["prior-samples", "latent-dim"],  # compression, generation
        15: ["wasserstein-vs-js"],  # KL in GANs -> WGAN, earth mover's distance
        18: ["cycle-consistency"],  # CycleGAN (B2)
    },
    "quiz5-module4-gans-vaes.txt": {
        27: ["vanishing-gradients"],  # the generator part lacks good gradient properties
        31: ["vanishing-gradients"],  # the alternate (non-saturating) objective
        32: ["gan-convergence"],  # training can be unstable
        53: ["kl-term"],  # KL divergence and ELBO
        59: ["reparameterization"],
        63: ["kl-term"],  # VAE reconstruction loss
        64: ["kl-term"],  # VAE distribution loss
        66: ["optimal-discriminator", "vanishing-gradients"],  # D maximises V
        70: ["optimal-discriminator", "vanishing-gradients"],  # G minimises V
        75: ["vanishing-gradients"],
    },
}


@pytest.mark.parametrize("deck", sorted(EXPECTED))
def test_lecture_deck_links(deck: str) -> None:
    parsed = parse_file(bundled_decks_dir() / deck)
    wrong = []
    for card in parsed.cards:
        want = [e for e in EXPECTED[deck].get(card.line, []) if e in KNOWN]
        got = experiments_for(card.front, card.back, tuple(card.experiments))
        if got != want:
            wrong.append(f"{deck}:{card.line} {card.front[:60]!r}: got {got}, want {want}")
    assert not wrong, "\n".join(wrong)
    lines = {card.line for card in parsed.cards}
    assert set(EXPECTED[deck]) <= lines, "a pinned card is gone from the parsed deck"


def test_the_five_decks_are_all_pinned() -> None:
    assert {p.name for p in bundled_decks_dir().iterdir() if p.is_file()} == set(EXPECTED)


# -- the CLI lists the links ---------------------------------------------------------------


def test_deck_parse_json_lists_links_explicit_ones_override(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from studyapp.cli import main

    deck = tmp_path / "mine.txt"
    deck.write_text(
        "deck: Mine\n\n"
        "Q: How do you perform a transposed convolution?\nA: Multiply, place, sum.\n\n"
        "Q: What is a transposed convolution?\nA: Upsampling.\nexperiments: none\n\n"
        "Q: Why do GANs need care?\nA: Training is unstable.\nexperiments: checkerboard\n\n"
        "Q: What is a GAN?\nA: Two networks.\nexperiments: no-such-experiment\n",
        encoding="utf-8",
    )
    assert main(["deck", "parse", str(deck), "--format", "deck", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["experiments"] for c in out["cards"]] == [
        ["checkerboard"],
        [],
        ["checkerboard"],
        [],
    ]
    assert any("no-such-experiment" in w["message"] for w in out["warnings"])


def test_links_and_run_backends_load_no_ui_no_sql_no_torch() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "from studyapp.experiments.links import experiments_for\n"
        "import studyapp.experiments.run_backends\n"
        "experiments_for('What is mode collapse?', 'few modes')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    assert not loaded & {"textual", "sqlmodel", "sqlalchemy", "torch", "numpy"}
