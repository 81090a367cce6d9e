"""Quiz: multiple-choice or typed answers that never touch the schedule; score at the end.

A typed answer is graded right, wrong or unsure (:mod:`studyapp.study.quiz_grading`) and
shown beside the expected one with the key terms found and missing marked. A decided grade
says why, and ``o`` overrules it; an unsure one is the student's call, made with one key
(``y`` had it, ``n`` missed it), as Anki does for typed answers. Each decided answer is
logged with ``service.reviews.record(..., kind="quiz")`` (Good when right, Again when
wrong) when the student moves on or leaves; an answer left without a call is not logged.
Quiz answers never reschedule a card.
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
from textual.reactive import var
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from studyapp.study.views import Rating
from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.screens.quiz_feedback import Answer, Feedback, typed_answer
from studyapp.ui.screens.quiz_parts import ChoiceList, Numbered
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.service import StudyService
    from studyapp.study.views import QuizMode, QuizQuestion

QUESTIONS = 10


@dataclass
class QuestionsChosen(Loaded):
    """The quiz's questions, chosen on a worker (``service.quiz.make``)."""

    questions: list[QuizQuestion]


@dataclass
class QuizScore:
    """The answers given so far, one per question asked, in order."""

    answers: list[Answer] = field(default_factory=list)

    @property
    def asked(self) -> int:
        """Answers graded (by the grader or the student)."""
        return sum(a.decided for a in self.answers)

    @property
    def right(self) -> int:
        return sum(a.correct is True for a in self.answers)

    @property
    def overruled(self) -> int:
        return sum(a.overruled for a in self.answers)

    @property
    def called(self) -> int:
        """Answers the grader was unsure of, graded by the student."""
        return sum(a.by == "you" for a in self.answers)

    @property
    def missed(self) -> list[QuizQuestion]:
        return [a.question for a in self.answers if a.correct is False]


class QuizScreen(StudyScreen):
    """Ten questions from one deck; 1-4 (or enter) picks a choice, enter submits typing.

    View state is three reactives: :attr:`questions` (``None`` until chosen on a worker,
    once per quiz: a :class:`DataChanged` does not reshuffle them), :attr:`index` (the
    question shown) and :attr:`answer` (the answer to it, ``None`` before one is given).
    """

    CSS_PATH = "quiz.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", "A", id="quiz.choice1", show=False, tooltip="First choice"),
        Binding("2", "choose(1)", "B", id="quiz.choice2", show=False, tooltip="Second choice"),
        Binding("3", "choose(2)", "C", id="quiz.choice3", show=False, tooltip="Third choice"),
        Binding("4", "choose(3)", "D", id="quiz.choice4", show=False, tooltip="Fourth choice"),
        Binding("y", "call(True)", "I had it", id="quiz.had-it",
                tooltip="The grader is unsure: count your answer right (logged Good) and go on"),
        Binding("n", "call(False)", "I missed it", id="quiz.missed-it",
                tooltip="The grader is unsure: count your answer wrong (logged Again) and go on"),
        Binding("space", "next", "Next", id="quiz.next", tooltip="Next question"),
        Binding("o", "overrule", "Overrule", id="quiz.overrule",
                tooltip="Count this typed answer the other way: right if graded wrong, and back"),
        Binding("escape", "back", "Home", id="quiz.back", tooltip="Back to the deck list"),
    ]  # fmt: skip

    questions: var[tuple[QuizQuestion, ...] | None] = var(None, init=False)
    """The quiz's questions; ``None`` until they arrive (none if choosing them failed)."""
    index: var[int] = var(0, init=False)
    """The question shown (``len(questions)``: the summary)."""
    answer: var[Answer | None] = var(None, init=False)
    """The answer to the question shown."""

    def __init__(self, deck_id: int, mode: QuizMode | str = "choice", n: int = QUESTIONS,
                 seed: int | None = None) -> None:  # fmt: skip
        super().__init__()
        self.deck_id = deck_id
        self.mode: QuizMode = "typed" if mode == "typed" else "choice"
        self.n = n
        self.seed = seed
        self.score = QuizScore()
        self._logged: set[int] = set()
        """Indexes of the answers already in the review log."""
        self._asked = False

    @property
    def questions_ready(self) -> bool:
        return self.questions is not None

    @property
    def finished(self) -> bool:
        return self.questions is not None and self.index >= len(self.questions)

    @property
    def answered(self) -> bool:
        """The current question has been answered (and not moved on from)."""
        return self.answer is not None and not self.finished

    @property
    def decided(self) -> bool:
        """The current question's answer is graded (not waiting for the student's call)."""
        return self.answered and self.answer is not None and self.answer.decided

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="quiz-body"):
            yield Static(Content("Choosing the questions…"), id="quiz-prompt", markup=False)
            yield ChoiceList(id="quiz-choices")
            yield Input(placeholder="Type your answer, then enter", id="quiz-typed")
            yield Feedback(id="quiz-feedback")
        yield VerticalScroll(id="quiz-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        for part in ("#quiz-choices", "#quiz-typed", "#quiz-summary"):
            self.query_one(part).display = False

    def reload(self) -> None:
        """Choose the questions on a worker, once per quiz."""
        if not self._asked:
            self._asked = True
            service = self.app.service
            self.load(QuestionsChosen, _questions, service, self.deck_id, self.n, self.mode,
                      self.seed, label="Quiz")  # fmt: skip

    @on(QuestionsChosen)
    def _questions_chosen(self, message: QuestionsChosen) -> None:
        self.questions = tuple(message.questions)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # StudyScreen's handler (the one error path: a notification) runs after this one.
        if event.worker.group == QuestionsChosen.__name__ and event.state is WorkerState.ERROR:
            self.questions = ()

    def on_unmount(self) -> None:
        self._save()  # an answer given just before leaving still counts

    # -- watchers: the view follows the state ---------------------------------------------

    def watch_questions(self) -> None:
        self.query_one("#quiz-choices").display = self.mode == "choice"
        self.query_one("#quiz-typed").display = self.mode == "typed"
        self._show_question()

    def watch_index(self) -> None:
        self._show_question()

    def watch_answer(self, answer: Answer | None) -> None:
        self.query_one(Feedback).answer = answer
        typed = self.query_one("#quiz-typed", Input)
        typed.display = self.mode == "typed" and answer is None and not self.finished
        if answer is not None:
            if self.mode == "typed":  # keys now go to the screen: enter, y/n, o
                self.query_one("#quiz-body", VerticalScroll).focus()
            elif answer.picked is not None and answer.question.correct_index is not None:
                self.query_one(ChoiceList).reveal(answer.question.correct_index, answer.picked)
        self._show_status()
        self.refresh_bindings()

    def _show_question(self) -> None:
        if self.questions is None:
            return
        if self.finished:
            self.answer = None
            self._show_summary()
            return
        question = self.questions[self.index]
        self.query_one("#quiz-prompt", Static).update(Content(question.prompt))
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.answer = None
        if self.mode == "choice":
            choices = self.query_one(ChoiceList)
            choices.show(question.options or question.choices)
            choices.focus()
        else:
            typed = self.query_one("#quiz-typed", Input)
            typed.value = ""
            typed.display = True
            typed.focus()
        self._show_status()

    def _show_status(self) -> None:
        """Where the quiz stands, in the header (a row more for the question and answers)."""
        mode = "multiple choice" if self.mode == "choice" else "typed answers"
        total = len(self.questions or ())
        self.title = f"Quiz {min(self.index + 1, total)}/{total}"
        self.sub_title = f"score {self.score.right}/{self.score.asked} · {mode}, schedule untouched"

    def _show_summary(self) -> None:
        self.query_one("#quiz-body").display = False
        box = self.query_one("#quiz-summary", VerticalScroll)
        box.display = True
        score = self.score
        if not self.questions:
            box.mount(Static(Content("This deck has no cards with answers to quiz on. "
                                     "Escape goes home."), classes="heading"))  # fmt: skip
            self._show_status()
            return
        called = f", {score.called} your call" if score.called else ""
        overruled = f", {score.overruled} overruled by you" if score.overruled else ""
        rows: list[Static | Numbered] = [
            Static(
                Content.assemble(
                    (f"Score: {score.right}/{score.asked}", "bold"),
                    f" ({100 * score.right // max(score.asked, 1)}%{called}{overruled})",
                )
            )
        ]
        missed = [a for a in score.answers if a.correct is False]
        if missed:
            rows.append(Static(Content.styled("Missed:", "bold $text-error"), classes="heading"))
            for number, answer in enumerate(missed, 1):
                question = answer.question
                rows.append(Numbered(f"{number}.", question.prompt, label_width=4,
                                     classes="missed"))  # fmt: skip
                rows.append(Numbered("→", question.answer.strip(), label_width=2,
                                     classes="missed-answer"))  # fmt: skip
                if answer.typed:
                    rows.append(Numbered("typed", answer.typed, label_width=6,
                                         classes="missed-answer typed"))  # fmt: skip
        else:
            rows.append(Static(Content("No card missed."), classes="heading"))
        rows.append(Static(Content.styled("Escape goes home.", "dim"), classes="heading"))
        box.mount_all(rows)
        box.focus()
        self._show_status()

    # -- answering -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "next", "overrule", "call") and self.questions is None:
            return False
        if action == "choose":
            return self.mode == "choice" and not self.finished and not self.answered
        if action == "next":
            return True if self.decided else (False if self.finished else None)
        if action == "call":
            return self.answered and not self.decided
        if action == "overrule":
            if self.mode != "typed" or self.finished or (self.answered and not self.decided):
                return False
            return True if self.decided else None
        return True

    def action_choose(self, index: int) -> None:
        if self.questions is None or self.finished or self.answered or self.mode != "choice":
            return
        question = self.questions[self.index]
        if index >= len(question.choices) or question.correct_index is None:
            return
        self._answer(Answer(question, index == question.correct_index, picked=index))

    def on_choice_list_picked(self, event: ChoiceList.Picked) -> None:
        event.stop()
        self.action_choose(event.index)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.questions is None or self.finished or self.answered:
            return
        question = self.questions[self.index]
        given = event.value.strip()
        if not given:
            return
        grade = self.app.attempt("Grading", self.app.service.quiz.grade, question, given)
        if grade is not None:
            self._answer(typed_answer(question, given, grade))

    def _answer(self, answer: Answer) -> None:
        """Keep ``answer`` as the current question's (replacing an earlier grade of it)."""
        del self.score.answers[self.index :]
        self.score.answers.append(answer)
        self.answer = answer

    def action_overrule(self) -> None:
        if self.decided and self.mode == "typed" and self.answer is not None:
            self._answer(self.answer.overrule())

    def action_call(self, right: bool) -> None:
        """The student's grade for an answer the grader was unsure of; then the next one."""
        if self.answer is not None and self.answered and not self.decided:
            self._answer(self.answer.call(right))
            self.action_next()

    def _save(self) -> None:
        """Log every graded answer not logged yet (the current one may still be overruled)."""
        for index, answer in enumerate(self.score.answers):
            if index in self._logged or answer.correct is None:
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
            if saved is not None:
                self._logged.add(index)

    def action_next(self) -> None:
        if not self.decided:
            return
        self._save()
        self.index += 1

    def on_key(self, event: Key) -> None:
        """Enter on a graded question moves on."""
        if event.key == "enter" and self.decided:
            event.stop()
            event.prevent_default()
            self.action_next()

    def action_back(self) -> None:
        self._save()
        self.app.pop_screen()


def _questions(service: StudyService, deck_id: int, n: int, mode: QuizMode,
               seed: int | None) -> list[QuizQuestion]:  # fmt: skip
    """The quiz's questions (on a worker: ``service.quiz`` loads its grading modules)."""
    return service.quiz(deck_id, n, mode, seed=seed)
