"""Quiz: multiple-choice or typed answers that never touch the schedule; score at the end.

A typed answer is graded as a person would (:mod:`studyapp.study.quiz_grading`), shown
beside the expected one with the differing words marked, and ``o`` overrules the grade.
Each answer is logged with ``service.reviews.record(..., kind="quiz")`` (Good when right,
Again when wrong, after any overruling) when the student moves on or leaves; quiz answers
never reschedule a card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Key
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from studyapp.study.views import Rating
from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.screens.quiz_parts import ChoiceList, Numbered, fit, marked
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.quiz_grading import TypedGrade
    from studyapp.study.service import StudyService
    from studyapp.study.views import QuizMode, QuizQuestion

QUESTIONS = 10
CHROME = 9
"""Rows that are not choices: header, status, question (3 and a border), feedback, keys."""


@dataclass
class Answer:
    """One answered question: the grade after any overruling, and whether it is logged."""

    question: QuizQuestion
    correct: bool
    typed: str = ""
    overruled: bool = False
    saved: bool = False


@dataclass
class QuestionsChosen(Loaded):
    """The quiz's questions, chosen on a worker (``service.quiz.make``)."""

    questions: list[QuizQuestion]


@dataclass
class QuizScore:
    """The answers given so far."""

    answers: list[Answer] = field(default_factory=list)

    @property
    def asked(self) -> int:
        return len(self.answers)

    @property
    def right(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def overruled(self) -> int:
        return sum(a.overruled for a in self.answers)

    @property
    def missed(self) -> list[QuizQuestion]:
        return [a.question for a in self.answers if not a.correct]


class QuizScreen(StudyScreen):
    """Ten questions from one deck; 1-4 (or enter) picks a choice, enter submits typing.

    The questions are chosen on a worker once per quiz (a :class:`DataChanged` does not
    reshuffle them); until they arrive no key answers.
    """

    CSS_PATH = "quiz.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", "A", id="quiz.choice1", show=False, tooltip="First choice"),
        Binding("2", "choose(1)", "B", id="quiz.choice2", show=False, tooltip="Second choice"),
        Binding("3", "choose(2)", "C", id="quiz.choice3", show=False, tooltip="Third choice"),
        Binding("4", "choose(3)", "D", id="quiz.choice4", show=False, tooltip="Fourth choice"),
        Binding("space", "next", "Next", id="quiz.next", tooltip="Next question"),
        Binding("o", "overrule", "Overrule", id="quiz.overrule",
                tooltip="Count this typed answer the other way: right if graded wrong, and back"),
        Binding("escape", "back", "Home", id="quiz.back", tooltip="Back to the deck list"),
    ]  # fmt: skip

    def __init__(self, deck_id: int, mode: QuizMode | str = "choice", n: int = QUESTIONS) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.mode: QuizMode = "typed" if mode == "typed" else "choice"
        self.n = n
        self.questions: list[QuizQuestion] = []
        self.index = 0
        self.score = QuizScore()
        self.grade: TypedGrade | None = None
        self.questions_ready = False
        """The questions have arrived (or failed to: then there are none)."""
        self._asked = False

    @property
    def finished(self) -> bool:
        return self.questions_ready and self.index >= len(self.questions)

    @property
    def answered(self) -> bool:
        """The current question has been answered (and not moved on from)."""
        return self.questions_ready and not self.finished and len(self.score.answers) > self.index

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="quiz-status")
        with VerticalScroll(id="quiz-question"):
            yield Static("", id="quiz-prompt", markup=False)
        yield ChoiceList(id="quiz-choices")
        yield Input(placeholder="Type your answer, then enter", id="quiz-typed")
        with VerticalScroll(id="quiz-feedback"):
            yield Static("", id="quiz-verdict", markup=False)
            yield Numbered("Expected", "", label_width=10, id="quiz-expected")
            yield Numbered("Typed", "", label_width=10, id="quiz-given")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#quiz-choices").display = False
        self.query_one("#quiz-typed").display = False
        self.query_one("#quiz-prompt", Static).update(Content("Choosing the questions…"))
        self.query_one("#quiz-feedback").display = False
        super().on_mount()  # reload: the questions load on a worker

    def reload(self) -> None:
        """Choose the questions on a worker, once per quiz."""
        if not self._asked:
            self._asked = True
            service = self.app.service
            self.load(QuestionsChosen, _questions, service, self.deck_id, self.n, self.mode,
                      label="Quiz")  # fmt: skip

    @on(QuestionsChosen)
    def _questions_chosen(self, message: QuestionsChosen) -> None:
        self._start(list(message.questions))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # the one error path: a notification
        if event.worker.group == QuestionsChosen.__name__ and event.state is WorkerState.ERROR:
            self._start([])

    def _start(self, questions: list[QuizQuestion]) -> None:
        self.questions = questions
        self.questions_ready = True
        self.query_one("#quiz-choices").display = self.mode == "choice"
        self.query_one("#quiz-typed").display = self.mode == "typed"
        self.show_question()

    def on_unmount(self) -> None:
        self._save()  # an answer given just before leaving still counts

    # -- display -------------------------------------------------------------------------

    def _choice_size(self) -> tuple[int, int]:
        """Columns and lines each option may take so that all four fit on the screen."""
        width, height = self.app.size
        return width - 8, max(1, (height - CHROME) // 4)

    def show_question(self) -> None:
        self.grade = None
        self._show_feedback()
        if self.finished:
            self._show_summary()
            return
        question = self.questions[self.index]
        self.query_one("#quiz-prompt", Static).update(Content(question.prompt))
        self.query_one("#quiz-question", VerticalScroll).scroll_home(animate=False)
        self._show_status()
        if self.mode == "choice":
            choices = self.query_one(ChoiceList)
            choices.show(question.choices, *self._choice_size())
            choices.focus()
        else:
            typed = self.query_one("#quiz-typed", Input)
            typed.value = ""
            typed.disabled = False
            typed.focus()
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self.mode == "choice" and self.questions_ready and not self.finished and self.questions:
            self.query_one(ChoiceList).redraw(*self._choice_size())

    def _show_status(self) -> None:
        mode = "multiple choice" if self.mode == "choice" else "typed answers"
        total = len(self.questions)
        position = min(self.index + 1, total)
        self.query_one("#quiz-status", Static).update(
            Content.assemble(
                (f"Quiz {position}/{total}", "bold"),
                f" · score {self.score.right}/{self.score.asked}",
                (f" · {mode}, schedule untouched", "dim"),
            )
        )

    def _show_feedback(self) -> None:
        """The verdict on the current answer; for typed answers both answers, marked."""
        box = self.query_one("#quiz-feedback", VerticalScroll)
        box.remove_class("correct", "wrong")
        typed = self.mode == "typed" and self.grade is not None
        self.query_one("#quiz-expected").display = typed
        self.query_one("#quiz-given").display = typed
        verdict = self.query_one("#quiz-verdict", Static)
        if not self.answered:
            verdict.update(Content(""))
            box.display = False
            return
        box.display = True
        answer = self.score.answers[self.index]
        box.add_class("correct" if answer.correct else "wrong")
        word = ("Right!" if answer.correct else "Missed.", "bold")
        if self.mode == "choice":
            right = answer.question.correct_index
            which = "" if answer.correct or right is None else f" The answer is {right + 1}."
            verdict.update(Content.assemble(word, which, ("  space or enter: next", "dim")))
            return
        assert self.grade is not None
        why = "overruled by you" if answer.overruled else self.grade.reason
        verdict.update(
            Content.assemble(word, (f" ({why})", "dim"), ("  enter: next · o: overrule", "dim"))
        )
        self.query_one("#quiz-expected", Numbered).update(marked(self.grade.expected))
        self.query_one("#quiz-given", Numbered).update(marked(self.grade.typed))

    def _show_summary(self) -> None:
        self.query_one("#quiz-choices").display = False
        self.query_one("#quiz-typed").display = False
        score = self.score
        prompt = self.query_one("#quiz-prompt", Static)
        box = self.query_one("#quiz-question", VerticalScroll)
        if not self.questions:
            prompt.update(
                Content("This deck has no cards with answers to quiz on. Escape goes home.")
            )
            return
        overruled = f", {score.overruled} overruled by you" if score.overruled else ""
        prompt.update(
            Content.assemble(
                (f"Score: {score.right}/{score.asked}", "bold"),
                f" ({100 * score.right // max(score.asked, 1)}%{overruled})",
            )
        )
        rows: list[Static | Numbered] = []
        missed = [a for a in score.answers if not a.correct]
        if missed:
            rows.append(Static(Content.styled("Missed:", "bold $text-error"), classes="heading"))
            for number, answer in enumerate(missed, 1):
                question = answer.question
                rows.append(Numbered(f"{number}.", question.prompt, label_width=4,
                                     classes="missed"))  # fmt: skip
                rows.append(Numbered("→", fit(question.answer, 1000, None), label_width=2,
                                     classes="missed-answer"))  # fmt: skip
                if answer.typed:
                    rows.append(Numbered("typed", answer.typed, label_width=6,
                                         classes="missed-answer typed"))  # fmt: skip
        else:
            rows.append(Static(Content("No card missed."), classes="heading"))
        rows.append(Static(Content.styled("Escape goes home.", "dim"), classes="heading"))
        box.mount_all(rows)
        self._show_status()
        self.refresh_bindings()

    # -- answering -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "next", "overrule") and not self.questions_ready:
            return False
        if action == "choose":
            return self.mode == "choice" and not self.finished and not self.answered
        if action == "next":
            return True if self.answered else (False if self.finished else None)
        if action == "overrule":
            if self.mode != "typed" or self.finished:
                return False
            return True if self.answered else None
        return True

    def action_choose(self, index: int) -> None:
        if not self.questions_ready or self.finished or self.answered or self.mode != "choice":
            return
        question = self.questions[self.index]
        if index >= len(question.choices) or question.correct_index is None:
            return
        self._answer(Answer(question, index == question.correct_index))
        self.query_one(ChoiceList).reveal(question.correct_index, index, *self._choice_size())

    def on_choice_list_picked(self, event: ChoiceList.Picked) -> None:
        event.stop()
        self.action_choose(event.index)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.questions_ready or self.finished or self.answered:
            return
        question = self.questions[self.index]
        given = event.value.strip()
        if not given:
            return
        grade = self.app.attempt("Grading", self.app.service.quiz.grade, question, given)
        if grade is None:
            return
        self.grade = grade
        self._answer(Answer(question, grade.accepted, typed=given))
        typed = self.query_one("#quiz-typed", Input)
        typed.disabled = True  # keys now go to the screen: enter, space, o
        self.query_one("#quiz-question", VerticalScroll).focus()

    def _answer(self, answer: Answer) -> None:
        self.score.answers.append(answer)
        self._show_feedback()
        self._show_status()
        self.refresh_bindings()

    def action_overrule(self) -> None:
        if not self.answered or self.mode != "typed":
            return
        answer = self.score.answers[self.index]
        answer.correct = not answer.correct
        answer.overruled = not answer.overruled
        self._show_feedback()
        self._show_status()

    def _save(self) -> None:
        """Log every answer not logged yet (the current one may still be overruled)."""
        for answer in self.score.answers:
            if answer.saved:
                continue
            rating = Rating.GOOD if answer.correct else Rating.AGAIN
            saved = self.app.attempt(
                "Saving the quiz answer",
                self.app.service.reviews.record,
                answer.question.card_id,
                rating,
                now=self.app.now(),
                kind="quiz",
            )
            answer.saved = saved is not None

    def action_next(self) -> None:
        if not self.answered:
            return
        self._save()
        self.index += 1
        self.show_question()

    def on_key(self, event: Key) -> None:
        """Enter on an answered question moves on."""
        if event.key == "enter" and self.answered:
            event.stop()
            event.prevent_default()
            self.action_next()

    def action_back(self) -> None:
        self._save()
        self.app.pop_screen()


def _questions(service: StudyService, deck_id: int, n: int, mode: QuizMode) -> list[QuizQuestion]:
    """The quiz's questions (on a worker: ``service.quiz`` loads its grading modules)."""
    return service.quiz(deck_id, n, mode)
