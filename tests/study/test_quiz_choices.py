"""Multiple choice over the bundled decks: distractors of the answer's kind, never the answer
reworded, every option read whole at 80x24 where the answer is."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import pytest

from studyapp.deckfmt import parse_file
from studyapp.study.quiz import CHOICES, make_quiz
from studyapp.study.quiz_distractors import Candidate, candidates, reworded
from studyapp.study.quiz_glossary import bundled
from studyapp.study.quiz_grading import grade
from studyapp.study.quiz_kinds import FAMILY, LINES, WIDTH, fits, kind, lines, option
from studyapp.study.views import QuizQuestion

DECKS = sorted((Path(__file__).resolve().parents[2] / "decks").glob("*.txt"))
SEEDS = range(3)


@cache
def deck(path: Path) -> tuple[tuple[int, str, str], ...]:
    cards = parse_file(path).cards
    return tuple((i, c.front, c.back) for i, c in enumerate(cards) if c.back.strip())


@cache
def quiz(path: Path, seed: int) -> tuple[QuizQuestion, ...]:
    cards = deck(path)
    return tuple(make_quiz(cards, len(cards), "choice", random.Random(seed), bundled()))


def distinct(found: list[Candidate]) -> list[tuple[str, str]]:
    """Answers that reword each other, counted once."""
    out: list[tuple[str, str]] = []
    for c in found:
        if not any(reworded(d, (c.front, c.back), bundled()) for d in out):
            out.append((c.front, c.back))
    return out


def card_of(path: Path, answer: str) -> tuple[str, str]:
    return next((f, b) for _, f, b in deck(path) if b == answer)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_no_distractor_of_another_kind_where_the_deck_has_enough(path: Path) -> None:
    glossary = bundled()
    asked = mixed = 0
    for seed in SEEDS:
        for question in quiz(path, seed):
            if question.mode != "choice":
                continue
            asked += 1
            right = (question.prompt, question.answer)
            mine = kind(*right, glossary)
            others = [(f, b) for i, f, b in deck(path) if i != question.card_id]
            found = candidates(right, others, glossary)
            if fits(question.answer):  # options that read whole at 80x24 come first
                found = [c for c in found if fits(c.back)]
            same = distinct([c for c in found if c.kind == mine])
            family = distinct([c for c in found if FAMILY[c.kind] == FAMILY[mine]])
            offered = [
                kind(*card_of(path, c), glossary) for c in question.choices if c != question.answer
            ]
            if len(same) >= CHOICES - 1:
                assert set(offered) == {mine}, (question.prompt, mine, offered)
            elif len(family) >= CHOICES - 1:
                assert {FAMILY[k] for k in offered} == {FAMILY[mine]}, (question.prompt, offered)
            else:
                mixed += 1
    print(f"{path.stem}: {asked} questions, {mixed} where the deck lacks answers of the kind")
    assert asked >= len(SEEDS) * len(deck(path)) // 2


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_no_option_is_the_answer_reworded(path: Path) -> None:
    glossary = bundled()
    for question in quiz(path, 0):
        for choice in question.choices:
            if choice != question.answer:
                verdict = grade(question.answer, choice, glossary, question.prompt)
                assert verdict.outcome != "right", (question.prompt, choice)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_options_read_whole_at_80_columns(path: Path) -> None:
    for seed in SEEDS:
        for question in quiz(path, seed):
            if question.mode != "choice":
                continue
            assert len(question.options) == len(question.choices) == CHOICES
            for choice, shown in zip(question.choices, question.options, strict=True):
                said = [w for w in choice.replace("\u2022", " ").split() if w]
                assert " ".join(said) in shown or all(w in shown for w in said)  # nothing cut
            assert question.lines == max(lines(c) for c in question.choices)
            if fits(question.answer):
                assert question.lines <= LINES, (question.prompt, question.options)


def test_the_issues_examples_do_not_recur() -> None:
    dl09 = next(p for p in DECKS if p.stem.startswith("dl09"))
    glossary = bundled()
    for seed in range(10):
        questions = make_quiz(deck(dl09), len(deck(dl09)), "choice", random.Random(seed), glossary)
        short = next(q for q in questions if q.prompt == "What is DCGAN short for?")
        assert "Upscaling of an image" not in short.choices
        assert "Reparameterization." not in short.choices
        assert {kind(*card_of(dl09, c), glossary) for c in short.choices} == {"expansion"}
        vae = next(q for q in questions if q.prompt == "What is VAE short for?")
        assert "A variational autoencoder." not in vae.choices  # the answer reworded
        roles = next(q for q in questions if q.answer.startswith("\u2022 Generator: minimize"))
        assert "steps" not in {kind(*card_of(dl09, c), glossary) for c in roles.choices}


def test_multiple_choice_asks_first_what_reads_whole() -> None:
    notes = next(p for p in DECKS if p.stem.startswith("gan-papers"))
    whole = [c for c in deck(notes) if fits(c[2])]
    assert 3 < len(whole) < len(deck(notes))  # answers too long to read as options, too
    for seed in SEEDS:
        questions = make_quiz(deck(notes), len(whole), "choice", random.Random(seed), bundled())
        assert len(questions) == len(whole) and all(fits(q.answer) for q in questions)
    everything = make_quiz(deck(notes), 99, "choice", random.Random(0), bundled())
    assert len(everything) == len(deck(notes))  # then the rest, when asked for more


def test_an_option_is_its_answer_on_one_paragraph() -> None:
    answer = "\u2022 vanishing gradients\n\u2022 mode collapse\n\u2022 unbalanced updates"
    assert option(answer) == "vanishing gradients \u00b7 mode collapse \u00b7 unbalanced updates"
    assert option("Less vulnerable to:\n\u2022 Vanishing gradient\n\u2022 Mode collapse") == (
        "Less vulnerable to: Vanishing gradient \u00b7 Mode collapse"
    )
    steps = "1) Multiply the input.\n2) Sum up."
    assert option(steps) == "1) Multiply the input. 2) Sum up."
    assert lines("x " * WIDTH) == 2
