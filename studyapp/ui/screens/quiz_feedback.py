"""What the quiz says about one answer: the verdict and why; for a typed answer both answers,
the key terms found and missing marked, and the student's call when the grader is unsure.

Card text is data: everything here builds :class:`Content` from plain strings and styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from studyapp.ui.screens.quiz_parts import Numbered

if TYPE_CHECKING:
    from studyapp.study.quiz_grading import Mark, MarkStatus, TypedGrade
    from studyapp.study.views import QuizQuestion

Decider = Literal["grader", "you", "overruled"]
"""Who decided an answer: the grader, the student (the grader was unsure), or the student
against the grader (``o``)."""

RIGHT = "Right!"
MISSED = "Missed."
YOUR_CALL = "Your call"
NEXT_CHOICE = "space or enter: next"
NEXT_TYPED = "enter: next · o: overrule"
CALL_KEYS = "y: I had it · n: I missed it"
NAMED = 4
"""Most missing key terms named on the "Key terms" line (more: the count only)."""
LABEL = 10
"""Columns of the labels "Expected", "Typed", "Key terms"."""
MARK_STYLES: dict[MarkStatus, str] = {
    "same": "bold $text-success",
    "close": "bold underline $text-success",
    "missing": "bold reverse $text-warning",
    "extra": "strike $text-error",
    "plain": "",
}
"""How a word of the expected or typed answer shows: key terms given (green; underlined when
given in other words), key terms missing (reversed), typed words the answer lacks (struck)."""


@dataclass(frozen=True)
class Answer:
    """One answer: right, wrong, or ``None`` while the student's call is still to make."""

    question: QuizQuestion
    correct: bool | None
    typed: str = ""
    grade: TypedGrade | None = None
    picked: int | None = None
    by: Decider = "grader"

    @property
    def decided(self) -> bool:
        return self.correct is not None

    @property
    def overruled(self) -> bool:
        return self.by == "overruled"

    def overrule(self) -> Answer:
        """The other grade, or back to the grader's (``o`` again)."""
        if self.correct is None:
            return self
        by: Decider = "grader" if self.overruled else "overruled"
        return replace(self, correct=not self.correct, by=by)

    def call(self, right: bool) -> Answer:
        """The student's grade for an answer the grader was unsure of."""
        return replace(self, correct=right, by="you") if self.correct is None else self


def typed_answer(question: QuizQuestion, typed: str, grade: TypedGrade) -> Answer:
    """A typed answer as graded: decided when the grader is sure, else the student's call."""
    correct = None if grade.outcome == "unsure" else grade.outcome == "right"
    return Answer(question, correct, typed, grade)


def marked(marks: Sequence[Mark]) -> Content:
    """The pieces of an answer, each styled by how it compares."""
    return Content.assemble(*((m.text, MARK_STYLES[m.status]) for m in marks))


def key_terms(grade: TypedGrade) -> Content:
    """How many of the answer's key terms were given; for a near miss (some given, a few
    missing) which ones are missing. The expected answer marks every one of them."""
    total, missing = len(grade.terms), grade.missing
    given = total - len(missing)
    if not missing:
        return Content(f"all {total} given" if total > 1 else "1 of 1 given")
    if not given or len(missing) > NAMED:
        return Content(f"{given or 'none'} of {total} given")
    parts: list[tuple[str, str] | str] = [f"{given} of {total} given · missing: "]
    for i, term in enumerate(missing):
        parts += [", "] if i else []
        parts.append((term, MARK_STYLES["missing"]))
    return Content.assemble(*parts)


def verdict(answer: Answer) -> Content:
    """The verdict: what the grade is, and why."""
    if answer.grade is None:  # multiple choice
        right = answer.question.correct_index
        which = "" if answer.correct or right is None else f" The answer is {right + 1}."
        return Content.assemble((RIGHT if answer.correct else MISSED, "bold"), which)
    if answer.correct is None:
        return Content.assemble((YOUR_CALL, "bold"), f" ({answer.grade.reason}).")
    why = "overruled by you" if answer.overruled else answer.grade.reason
    word = RIGHT if answer.correct else MISSED
    return Content.assemble((word, "bold"), (f" ({why})", "dim"))


def keys(answer: Answer) -> str:
    """The keys that go on from the verdict."""
    if answer.grade is None:
        return NEXT_CHOICE
    return CALL_KEYS if answer.correct is None else NEXT_TYPED


class Feedback(Vertical):
    """The verdict on the current answer; for a typed one, both answers marked and the key
    terms. Shows :attr:`answer` (``None``: hidden)."""

    answer: var[Answer | None] = var(None, init=False)

    def compose(self) -> ComposeResult:
        with Horizontal(id="quiz-verdict-row"):
            yield Static("", id="quiz-verdict", markup=False)
            yield Static("", id="quiz-keys", markup=False)
        yield Numbered("Expected", "", label_width=LABEL, id="quiz-expected")
        yield Numbered("Typed", "", label_width=LABEL, id="quiz-given")
        yield Numbered("Key terms", "", label_width=LABEL, id="quiz-terms")

    def on_mount(self) -> None:
        self.watch_answer(self.answer)

    def watch_answer(self, answer: Answer | None) -> None:
        self.display = answer is not None
        outcome = (
            "" if answer is None else "unsure" if answer.correct is None
            else "right" if answer.correct else "wrong"
        )  # fmt: skip
        for name in ("right", "wrong", "unsure"):
            self.set_class(name == outcome, f"-{name}")
        grade = answer.grade if answer is not None else None
        for part in ("#quiz-expected", "#quiz-given"):
            self.query_one(part).display = grade is not None
        self.query_one("#quiz-terms").display = grade is not None and bool(grade.terms)
        self.query_one("#quiz-verdict", Static).update(
            verdict(answer) if answer is not None else Content("")
        )
        self.query_one("#quiz-keys", Static).update(Content(keys(answer) if answer else ""))
        if grade is not None:
            self.query_one("#quiz-expected", Numbered).update(marked(grade.expected))
            self.query_one("#quiz-given", Numbered).update(marked(grade.typed))
            self.query_one("#quiz-terms", Numbered).update(key_terms(grade))
