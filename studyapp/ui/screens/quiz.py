"""Quiz: multiple-choice or typed answers that never touch the schedule; score at the end.

Results are logged with ``service.reviews.record(..., kind="quiz")`` (Good when right, Again when
wrong), which the service records without rescheduling the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from studyapp.study.views import Rating
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.views import QuizMode, QuizQuestion
    from studyapp.ui.app import StudyApp

QUESTIONS = 10


@dataclass
class QuizScore:
    """Right answers so far and the questions missed."""

    right: int = 0
    asked: int = 0
    missed: list[QuizQuestion] = field(default_factory=list)


class QuizScreen(Screen[None]):
    """Ten questions from one deck; 1-4 (or enter) picks a choice, enter submits typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", "A", id="quiz.choice1", show=False, tooltip="First choice"),
        Binding("2", "choose(1)", "B", id="quiz.choice2", show=False, tooltip="Second choice"),
        Binding("3", "choose(2)", "C", id="quiz.choice3", show=False, tooltip="Third choice"),
        Binding("4", "choose(3)", "D", id="quiz.choice4", show=False, tooltip="Fourth choice"),
        Binding("space", "next", "Next", id="quiz.next", tooltip="Next question"),
        Binding("escape", "back", "Home", id="quiz.back", tooltip="Back to the deck list"),
    ]

    def __init__(self, deck_id: int, mode: QuizMode | str = "choice", n: int = QUESTIONS) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.mode: QuizMode = "typed" if mode == "typed" else "choice"
        self.n = n
        self.questions: list[QuizQuestion] = []
        self.index = 0
        self.answered = False
        self.score = QuizScore()

    @property
    def study(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="quiz-status")
        with VerticalScroll(id="quiz-question"):
            yield Static("", id="quiz-prompt", markup=False)
        yield OptionList(id="quiz-choices", compact=True)  # no border: room for the question
        yield Input(placeholder="Type your answer, then enter", id="quiz-typed")
        yield Static("", id="quiz-feedback")
        yield KeyBar()

    def on_mount(self) -> None:
        questions = self.study.attempt(
            "Quiz", self.study.service.quiz, self.deck_id, self.n, self.mode
        )
        self.questions = list(questions or [])
        self.query_one("#quiz-choices").display = self.mode == "choice"
        self.query_one("#quiz-typed").display = self.mode == "typed"
        self.show_question()

    # -- display -------------------------------------------------------------------------

    def show_question(self) -> None:
        self.answered = False
        feedback = self.query_one("#quiz-feedback", Static)
        feedback.update(Content(""))
        feedback.remove_class("correct", "wrong")
        if self.finished:
            self._show_summary()
            return
        question = self.questions[self.index]
        self.query_one("#quiz-prompt", Static).update(Content(question.prompt))
        self._show_status()
        if self.mode == "choice":
            choices = self.query_one("#quiz-choices", OptionList)
            choices.clear_options()
            choices.add_options(
                Option(Content(f"{i + 1}. {choice}"), id=str(i))
                for i, choice in enumerate(question.choices)
            )
            choices.highlighted = 0
            choices.focus()
        else:
            typed = self.query_one("#quiz-typed", Input)
            typed.value = ""
            typed.disabled = False
            typed.focus()
        self.refresh_bindings()

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

    def _show_summary(self) -> None:
        self.query_one("#quiz-choices").display = False
        self.query_one("#quiz-typed").display = False
        score = self.score
        if not self.questions:
            text = Content("This deck has no cards with answers to quiz on. Escape goes home.")
        else:
            parts: list[str | tuple[str, str]] = [
                (f"Score: {score.right}/{score.asked}", "bold"),
                f" ({100 * score.right // max(score.asked, 1)}%)\n",
            ]
            if score.missed:
                parts.append(("\nMissed:\n", "bold $error"))
                for question in score.missed:
                    parts += ["• ", question.prompt, ("\n  → ", "dim"), question.answer, "\n"]
            else:
                parts.append("\nNo card missed.")
            parts.append(("\nEscape goes home.", "dim"))
            text = Content.assemble(*parts)
        self.query_one("#quiz-prompt", Static).update(text)
        self._show_status()
        self.refresh_bindings()

    # -- answering -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return self.mode == "choice" and not self.finished and not self.answered
        if action == "next":
            return True if self.answered and not self.finished else None
        return True

    def action_choose(self, index: int) -> None:
        if self.finished or self.answered or self.mode != "choice":
            return
        question = self.questions[self.index]
        if index >= len(question.choices):
            return
        self._grade(index == question.correct_index, question.answer)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.action_choose(int(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.finished:
            return
        if self.answered:
            self.action_next()
            return
        question = self.questions[self.index]
        given = event.value.strip()
        if not given:
            return
        self._grade(self.study.service.quiz.grade_typed(question.answer, given), question.answer)

    def _grade(self, correct: bool, expected: str) -> None:
        question = self.questions[self.index]
        rating = Rating.GOOD if correct else Rating.AGAIN
        saved = self.study.attempt(
            "Saving the quiz answer",
            self.study.service.reviews.record,
            question.card_id,
            rating,
            now=self.study.now(),
            kind="quiz",
        )
        if saved is None:
            return
        self.answered = True
        self.score.asked += 1
        feedback = self.query_one("#quiz-feedback", Static)
        # Typed answers keep the focus in the input, where space types a space.
        hint = "  enter: next" if self.mode == "typed" else "  space or enter: next"
        if correct:
            self.score.right += 1
            feedback.add_class("correct")
            feedback.update(Content.assemble(("Right!", "bold"), (hint, "dim")))
        else:
            self.score.missed.append(question)
            feedback.add_class("wrong")
            feedback.update(
                Content.assemble(("Missed. ", "bold"), "Answer: ", expected, (hint, "dim"))
            )
        if self.mode == "typed":
            self.query_one("#quiz-typed", Input).focus()
        self._show_status()
        self.refresh_bindings()

    def action_next(self) -> None:
        if not self.answered or self.finished:
            return
        self.index += 1
        self.show_question()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        """Enter on an answered multiple-choice question moves on."""
        if event.key == "enter" and self.answered and self.mode == "choice":
            event.stop()
            event.prevent_default()
            self.action_next()

    def action_back(self) -> None:
        self.app.pop_screen()
