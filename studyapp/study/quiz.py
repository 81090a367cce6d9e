"""Quiz mode: multiple-choice questions and typed answers graded right, wrong or unsure.

No scheduling here: the screen records each answer with ``reviews.record(..., kind="quiz")``.
Grading: :mod:`studyapp.study.quiz_grading`; distractors: :mod:`studyapp.study.quiz_distractors`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studyapp.study.errors import StudyError
from studyapp.study.quiz_distractors import distractors
from studyapp.study.quiz_glossary import Glossary, bundled
from studyapp.study.quiz_grading import TypedGrade, grade, lenient_match, prepare
from studyapp.study.quiz_kinds import fits, lines, option
from studyapp.study.views import QuizMode, QuizQuestion

if TYPE_CHECKING:
    from studyapp.study.context import Context

CHOICES = 4


def make_quiz(
    cards: Sequence[tuple[int, str, str]],
    n: int,
    mode: QuizMode,
    rng: random.Random,
    glossary: Glossary | None = None,
) -> list[QuizQuestion]:
    """Up to ``n`` questions from (id, front, back) cards. Multiple choice asks first the
    cards whose answers read whole at 80x24, with distractors of the answer's kind
    (:mod:`studyapp.study.quiz_distractors`); ``glossary`` (default: the bundled one) reads
    the answers."""
    everyone = list(cards)
    count = min(max(0, n), len(everyone))
    if mode == "choice":
        glossary = glossary or bundled()
        whole = [c for c in everyone if fits(c[2])]
        rest = [c for c in everyone if not fits(c[2])]
        picked = rng.sample(whole, min(count, len(whole)))
        picked += rng.sample(rest, count - len(picked))
    else:
        picked = rng.sample(everyone, count)
    questions = []
    for card_id, front, back in picked:
        if mode == "typed":
            questions.append(QuizQuestion(card_id, front, back, "typed"))
            continue
        others = [(f, b) for i, f, b in everyone if i != card_id]
        assert glossary is not None
        wrong = distractors((front, back), others, CHOICES - 1, rng, glossary)
        if not wrong:  # a deck of one answer: nothing to choose between
            questions.append(QuizQuestion(card_id, front, back, "typed"))
            continue
        choices = [*wrong, back]
        rng.shuffle(choices)
        shown = tuple(option(c) for c in choices)
        questions.append(
            QuizQuestion(
                card_id,
                front,
                back,
                "choice",
                tuple(choices),
                choices.index(back),
                shown,
                max(lines(c) for c in choices),
            )
        )
    return questions


class QuizPart:
    """``service.quiz``: questions from a deck's cards; grading typed answers."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._glossary: Glossary | None = None

    def __call__(
        self, deck_id: int, n: int = 10, mode: QuizMode = "choice", *, seed: int | None = None
    ) -> list[QuizQuestion]:
        """``service.quiz(deck_id)``: the same as :meth:`make`."""
        return self.make(deck_id, n, mode, seed=seed)

    def make(
        self, deck_id: int, n: int = 10, mode: QuizMode = "choice", *, seed: int | None = None
    ) -> list[QuizQuestion]:
        """Up to ``n`` questions from the deck's cards that have an answer (call it on a
        worker: it reads every deck's cards once for the glossary).

        ``choice``: four ``choices`` (other cards' answers of the answer's kind, none of them
        the answer reworded), ``options`` (each on one paragraph, as shown) and ``lines``
        (the most lines an option takes at 80 columns); cards whose options read whole at
        80x24 come first. ``typed``: grade with :meth:`grade`. Record results with
        ``reviews.record(card_id, Rating.GOOD or Rating.AGAIN, kind="quiz")``.
        """
        from studyapp.store import cards, decks
        from studyapp.study.cards import needs_text

        if mode not in ("choice", "typed"):
            raise StudyError(f"quiz mode must be choice or typed, got {mode!r}")
        with self.ctx.read() as q:
            if decks.get(q, deck_id) is None:
                raise StudyError(f"no deck with id {deck_id}")
            rows = cards.answerable(q, deck_id)
        usable = [
            (card_id, front, back)
            for card_id, front, back, flags in rows
            if back.strip() and not needs_text(flags)
        ]
        self._glossary = None  # cards may have changed since the last quiz
        glossary = self.glossary()
        prepare(glossary)  # here on the worker, not on the first key press
        return make_quiz(usable, n, mode, random.Random(seed), glossary)

    def glossary(self) -> Glossary:
        """Built-in abbreviations and those spelt out in any deck's cards (cached per quiz)."""
        if self._glossary is None:
            from studyapp.store import cards, decks

            with self.ctx.read() as q:
                texts = [
                    (front, back)
                    for deck in decks.all_decks(q)
                    for _id, front, back, _flags in cards.answerable(q, deck.id)
                ]
            self._glossary = Glossary.from_cards(texts)
        return self._glossary

    def grade(self, question: QuizQuestion, given: str) -> TypedGrade:
        """Grade a typed answer to ``question`` (one key press: milliseconds): ``outcome`` is
        "right", "wrong" or "unsure" (the student's call), with ``reason``, ``basis``, the
        answer's key ``terms`` found and missing, the ``conflict`` of a contradiction, and
        both answers marked word by word. Words of the question are not asked for again."""
        return grade(question.answer, given, self.glossary(), question.prompt)

    @staticmethod
    def grade_typed(expected: str, given: str) -> bool:
        """Whether ``given`` is graded right for ``expected`` (the bundled glossary)."""
        return lenient_match(expected, given)
