"""Exam plan: a deck's exam, the recall figure at it, and what each day until then offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static

from studyapp.study.exam import CLEAR_OFFER
from studyapp.textsafe import escape_controls
from studyapp.ui.messages import Loaded
from studyapp.ui.screens.base import StudyScreen
from studyapp.ui.text import format_countdown
from studyapp.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from studyapp.study.views import ExamPlan


@dataclass
class ExamPlanLoaded(Loaded):
    """A deck's exam plan and figure (``service.decks.exam_plan``; None: no exam date)."""

    plan: ExamPlan | None


def day_label(plan: ExamPlan, index: int) -> str:
    """``Tue 01-06 today``, ``Fri 01-16 exam``."""
    day = plan.days[index]
    tags = []
    if index == 0:
        tags.append("today")
    if index == len(plan.days) - 1:
        tags.append("exam")
    return f"{day.day:%a %m-%d} {', '.join(tags)}".rstrip()


def figure_parts(plan: ExamPlan) -> list[str | tuple[str, str]]:
    """The countdown, the figure with the unseen count, and what it assumes."""
    figure = plan.figure
    countdown = format_countdown(figure.exam_date, plan.days_left)
    when = f"{figure.exam_date:%a %Y-%m-%d} {figure.exam_time}"
    return [
        (countdown.replace(figure.exam_date.isoformat(), when), "bold $accent"),
        ("\n" + figure.headline(), "bold"),
        ("\n" + figure.assumption(), "$text-muted"),
    ]


class ExamScreen(StudyScreen):
    """A deck's exam plan: reviews and new cards per day through exam day, the figure, and
    what to change when the deck's limits make the plan impossible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Review", id="exam.review", priority=True,
                tooltip="Review the deck's cards for today"),
        Binding("e", "date", "Exam date", id="exam.date", tooltip="Change or clear the exam date"),
        Binding("c", "clear", "Clear date", id="exam.clear",
                tooltip="Clear the exam date: the cards kept for it go back on schedule"),
        Binding("escape", "back", "Home", id="exam.back", tooltip="Back to the deck list"),
    ]  # fmt: skip

    plan: reactive[ExamPlan | None] = reactive(None, init=False, bindings=True)

    def __init__(self, deck_id: int, deck_name: str = "") -> None:
        super().__init__()
        self.deck_id = deck_id
        self.deck_name = deck_name

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(Content("Working out the plan…"), id="exam-figure")
        yield Static("", id="exam-problems")
        table: DataTable[str | Text] = DataTable(id="exam-days", cursor_type="row")
        table.add_column(Text("Day"), key="day", width=16)
        table.add_column(Text("Reviews"), key="reviews", width=8)
        table.add_column(Text("New"), key="new", width=6)
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        name = escape_controls(self.deck_name)
        self.title = f"Exam: {name}" if name else "Exam"

    def reload(self) -> None:
        if self.app.ready:
            plan = self.app.service.decks.exam_plan
            self.load(ExamPlanLoaded, plan, self.deck_id, now=self.app.now(), label="Exam plan")

    @on(ExamPlanLoaded)
    def _plan_loaded(self, message: ExamPlanLoaded) -> None:
        self.plan = message.plan

    def watch_plan(self, plan: ExamPlan | None) -> None:
        figure = self.query_one("#exam-figure", Static)
        problems = self.query_one("#exam-problems", Static)
        table: DataTable[str | Text] = self.query_one("#exam-days", DataTable)
        table.clear()
        if plan is None:
            figure.update(Content("No exam date for this deck: e sets one."))
            problems.update(Content(""))
            return
        self.sub_title = f"limits {plan.new_limit} new / {plan.review_limit} reviews a day"
        figure.update(Content.assemble(*figure_parts(plan)))
        lines = [f"Can't be kept: {problem}" for problem in plan.problems]
        if not plan.active:
            lines.append(f"{CLEAR_OFFER} (c clears it).")
        elif plan.figure.past:
            lines.append("The exam has taken place: exam mode ends with the day.")
        problems.update(Content.styled("\n".join(lines), "$warning"))
        problems.display = bool(lines)
        for index, day in enumerate(plan.days):
            table.add_row(
                Text(day_label(plan, index)),
                Text(str(day.reviews), justify="right"),
                Text(str(day.new), justify="right"),
            )
        table.display = bool(plan.days)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Clearing needs an exam date; it is offered once the exam is over."""
        if action == "clear":
            return self.plan is not None and not self.plan.active
        return True

    def action_review(self) -> None:
        self.app.open("review", self.deck_id, self.deck_name)

    def action_date(self) -> None:
        current = self.plan.figure.exam_date if self.plan is not None else None
        self.app.ask_exam_date(self.deck_id, self.deck_name, current)

    def action_clear(self) -> None:
        with self.reported("Clearing the exam date"):
            self.app.service.decks.set_exam(self.deck_id, None, now=self.app.now())
            self.app.notify(f"Exam mode off for {self.deck_name}", markup=False)
            self.app.announce("exam date")

    def action_back(self) -> None:
        self.app.go_home()
