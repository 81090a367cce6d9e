"""Typed quiz answers graded as a person grades them: a labelled set drawn from the decks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from studyapp.deckfmt import parse_file
from studyapp.study.quiz_glossary import DEFAULT, Glossary, long_form_matches, mine
from studyapp.study.quiz_grading import grade
from studyapp.study.service import StudyService
from tests.study.conftest import make_deck

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "fixtures" / "typed_answers.csv"
AGREEMENT = 0.9
ROLES = "• Generator: minimize\n• Discriminator: maximize"


def deck_cards() -> list[tuple[str, str]]:
    return [(c.front, c.back) for f in sorted((ROOT / "studyapp" / "decks").glob("*.txt"))
            for c in parse_file(f).cards]  # fmt: skip


def labelled() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_labelled_set_is_drawn_from_the_decks() -> None:
    rows, cards = labelled(), set(deck_cards())
    assert len(rows) >= 40
    assert {r["human"] for r in rows} == {"0", "1"}
    for row in rows:
        assert (row["prompt"], row["expected"]) in cards, row["prompt"]
    assert sum(r["note"].startswith("issue 11") for r in rows) == 10


def test_agreement_with_a_person_on_the_labelled_set() -> None:
    glossary = Glossary.from_cards(deck_cards())
    rows = labelled()
    wrong = [
        (r["typed"], r["expected"][:60], r["human"])
        for r in rows
        if grade(r["expected"], r["typed"], glossary, r["prompt"]).accepted != (r["human"] == "1")
    ]
    agreement = 1 - len(wrong) / len(rows)
    print(f"typed-answer agreement {agreement:.1%} ({len(rows) - len(wrong)}/{len(rows)})")
    assert agreement >= AGREEMENT, wrong
    issue = [r for r in rows if r["note"].startswith("issue 11")]
    assert all(
        grade(r["expected"], r["typed"], glossary, r["prompt"]).accepted == (r["human"] == "1")
        for r in issue
    )


def test_opposites_in_the_labelled_set_are_rejected() -> None:
    glossary = Glossary.from_cards(deck_cards())
    opposites = [r for r in labelled() if r["human"] == "0" and r["note"]]
    assert len(opposites) >= 8
    for row in opposites:
        verdict = grade(row["expected"], row["typed"], glossary, row["prompt"])
        assert not verdict.accepted, (row["typed"], verdict.reason)


@pytest.mark.parametrize(
    ("expected", "typed"),
    [
        ("implicit", "explicit"),
        ("minimize", "maximise"),
        ("The learning rate should increase", "the learning rate should decrease"),
        ("We want features to be uncorrelated.", "correlated features"),
        ("Sampling is differentiable", "sampling is not differentiable"),
        (ROLES, "generator maximize, discriminator minimize"),
        ("Produces few outputs instead of a diverse range", "a diverse range"),
        ("higher resolution outputs", "lower resolution outputs"),
    ],
)  # fmt: skip
def test_opposites_are_rejected(expected: str, typed: str) -> None:
    verdict = grade(expected, typed)
    assert not verdict.accepted and verdict.reason.startswith("opposite"), verdict.reason


@pytest.mark.parametrize(
    ("expected", "typed"),
    [
        ("Kullback-Leibler divergence", "KL divergence"),
        ("KL divergence", "kullback leibler divergence"),
        ("MSE", "mean squared error"),
        ("mean squared error", "MSE"),
        ("Variational autoencoders", "VAEs"),
        ("Randomly sampled noise.", "random noise"),
        ("Optimisation", "optimization"),
        ("Mini-max Two Player Game", "two player minimax game"),
    ],
)
def test_what_a_person_accepts(expected: str, typed: str) -> None:
    assert grade(expected, typed).accepted


def test_abbreviations_are_mined_from_the_decks() -> None:
    found = mine(deck_cards())
    assert "Kullback-Leibler" in found["KL"]
    assert "independent component analysis" in found["ICA"]  # Long Form (LF)
    assert "Multi Layer Perceptron" in found["MLP"]  # LF (Long Form)
    assert "Deep Convolutional GAN" in found["DCGAN"]  # "What is DCGAN short for?"
    assert "Wasserstein GANs" in found["WGAN"]
    assert not mine([("Which two compete?", "The generator (forger) and the discriminator.")])
    assert long_form_matches("KL", "Kullback-Leibler")
    assert not long_form_matches("KL", "divergence of Leibler")


def test_marks_show_what_differs_word_by_word() -> None:
    verdict = grade("Randomly sampled noise.", "random gaussian noise")
    expected = {m.text: m.status for m in verdict.expected if not m.text.isspace()}
    typed = {m.text: m.status for m in verdict.typed if not m.text.isspace()}
    assert expected == {"Randomly": "same", "sampled": "missing", "noise.": "same"}
    assert typed == {"random": "same", "gaussian": "extra", "noise": "same"}
    kl = grade("Kullback-Leibler divergence", "KL divergance")
    assert [m.status for m in kl.expected] == ["same", "plain", "close"]
    assert "".join(m.text for m in kl.typed) == "KL divergance"  # the text as typed


def test_service_grades_with_the_decks_abbreviations(service: StudyService) -> None:
    parsed = make_deck(2)
    parsed.cards[0].front, parsed.cards[0].back = (
        "What is FID short for?",
        "Frechet Inception Distance",
    )
    parsed.cards[1].back = "FID"
    deck = service.imports.parsed(parsed)
    question = next(q for q in service.quiz(deck.deck_id, 2, "typed") if q.answer == "FID")
    assert not grade("FID", "frechet inception distance", DEFAULT).accepted
    verdict = service.quiz.grade(question, "Fréchet inception distance")
    assert verdict.accepted, verdict.reason


def test_case_never_matters() -> None:
    """Capitals are forgiven everywhere, possessives and contractions included."""
    for expected in ("Earth mover's distance", "We can't invert G", "Kullback-Leibler divergence"):
        assert grade(expected, expected.upper()).accepted, expected
