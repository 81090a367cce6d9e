"""Quiz mode: multiple-choice questions and a lenient typed-answer check. No scheduling here."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from studyapp.study.errors import StudyError
from studyapp.study.views import QuizMode, QuizQuestion

if TYPE_CHECKING:
    from studyapp.study.context import Context

CHOICES = 4
_NON_WORD = re.compile(r"[^\w]+")
_CLAUSE = re.compile(r"[.;:\n!?]|\s[-\u2013\u2014]\s")
ARTICLES = frozenset({"a", "an", "the"})
STOPWORDS = ARTICLES | frozenset(
    [
        "of",
        "to",
        "in",
        "and",
        "or",
        "is",
        "are",
        "be",
        "it",
        "its",
        "for",
        "on",
        "with",
        "as",
        "by",
        "that",
        "this",
        "these",
        "those",
        "from",
        "at",
        "which",
        "can",
        "into",
        "we",
        "our",
        "their",
        "than",
    ]
)
SIMILAR = 0.85
"""Similarity (difflib ratio) above which two normalised answers are the same answer."""
COVERAGE = 0.75
"""Share of an answer's content words a typed answer must contain when it is long."""


def normalise(text: str) -> str:
    """Casefolded words without accents, punctuation or articles, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = [w for w in _NON_WORD.sub(" ", plain).replace("_", " ").split() if w not in ARTICLES]
    return " ".join(words)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False
    # one typo per ~6 characters is forgiven
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


def _content_words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOPWORDS]


def lenient_match(expected: str, given: str) -> bool:
    """True when ``given`` says ``expected`` up to case, accents, punctuation and small typos.

    A long answer is also matched by its first clause ("The encoder and the decoder. The
    encoder ...") or when the typed answer contains most of its content words.
    """
    want, got = normalise(expected), normalise(given)
    if not got:
        return False
    if _similar(want, got):
        return True
    first = normalise(_CLAUSE.split(expected.strip(), maxsplit=1)[0])
    if first and first != want and len(first.split()) >= 1 and _similar(first, got):
        return True
    words = _content_words(expected)
    if len(words) < 2:
        return False
    typed = _content_words(given)
    hits = sum(1 for w in words if any(_similar(w, t) for t in typed))
    return hits / len(words) >= COVERAGE


def make_quiz(
    cards: Sequence[tuple[int, str, str]], n: int, mode: QuizMode, rng: random.Random
) -> list[QuizQuestion]:
    """Questions from (id, front, back) cards; distractors are other cards' answers."""
    picked = rng.sample(list(cards), min(max(0, n), len(cards)))
    questions = []
    for card_id, front, back in picked:
        if mode == "typed":
            questions.append(QuizQuestion(card_id, front, back, "typed"))
            continue
        mine = normalise(back)
        seen = {mine}
        others = []
        for _id, _front, other in rng.sample(list(cards), len(cards)):
            key = normalise(other)
            if key not in seen:
                seen.add(key)
                others.append(other)
            if len(others) == CHOICES - 1:
                break
        if not others:  # a deck of one answer: nothing to choose between
            questions.append(QuizQuestion(card_id, front, back, "typed"))
            continue
        choices = [*others, back]
        rng.shuffle(choices)
        questions.append(
            QuizQuestion(card_id, front, back, "choice", tuple(choices), choices.index(back))
        )
    return questions


class QuizPart:
    """``service.quiz``: questions from a deck's cards; grading typed answers."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __call__(
        self, deck_id: int, n: int = 10, mode: QuizMode = "choice", *, seed: int | None = None
    ) -> list[QuizQuestion]:
        """``service.quiz(deck_id)``: the same as :meth:`make`."""
        return self.make(deck_id, n, mode, seed=seed)

    def make(
        self, deck_id: int, n: int = 10, mode: QuizMode = "choice", *, seed: int | None = None
    ) -> list[QuizQuestion]:
        """Up to ``n`` questions from the deck's cards that have an answer.

        ``choice``: four options, distractors are other cards' answers from the same deck.
        ``typed``: grade with :meth:`grade_typed`. Record results with
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
        return make_quiz(usable, n, mode, random.Random(seed))

    @staticmethod
    def grade_typed(expected: str, given: str) -> bool:
        """Lenient comparison: case, accents, punctuation, articles and small typos forgiven."""
        return lenient_match(expected, given)
