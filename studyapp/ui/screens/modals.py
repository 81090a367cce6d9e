"""Small modal dialogs: exam date, card edit, and a chooser (experiments, flags)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from studyapp.textsafe import escape_controls


@dataclass(frozen=True)
class ExamChoice:
    """The exam date chosen in :class:`ExamDateModal` (None clears it) and its time of day
    (``HH:MM``; None: keep the deck's)."""

    date: date | None
    at: str | None = None


EXAMPLE_DAYS = 14
"""The dialog's example date: this many days from today."""


def parse_exam_date(raw: str, today: date | None = None) -> date | None:
    """``YYYY-MM-DD`` or ``+N`` days from today; '' means no exam. ValueError otherwise."""
    return parse_exam_choice(raw, today).date


def parse_exam_choice(raw: str, today: date | None = None) -> ExamChoice:
    """``YYYY-MM-DD`` or ``+N`` (days from today), optionally followed by ``HH:MM``; ''
    clears the exam. ValueError (one sentence) otherwise."""
    text, _, rest = raw.strip().partition(" ")
    at = rest.strip() or None
    if not text:
        return ExamChoice(None)
    if text.startswith("+") and text[1:].isdigit():
        return ExamChoice((today or date.today()) + timedelta(days=int(text[1:])), at)
    try:
        return ExamChoice(date.fromisoformat(text), at)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or +DAYS)") from None


class ExamDateModal(ModalScreen[ExamChoice | None]):
    """Ask for a deck's exam date (and time); empty input turns exam mode off. ``check``
    says why a choice can't be saved (raises with one sentence), before the dialog closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="exam.cancel", tooltip="Keep the exam date"),
    ]

    def __init__(
        self, deck_name: str, current: date | None = None, today: date | None = None,
        check: Callable[[ExamChoice], None] | None = None, time_of_day: str = "09:00",
    ) -> None:  # fmt: skip
        super().__init__()
        self._deck_name = deck_name
        self._current = current
        self._today = today or date.today()
        self._check = check
        self._time = time_of_day

    def compose(self) -> ComposeResult:
        example = self._today + timedelta(days=EXAMPLE_DAYS)
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("Exam date for ", "bold"), (escape_controls(self._deck_name), "bold")
                )
            )
            yield Static(  # a Static wraps at 80 columns (a Label would cut the last words)
                Content(
                    f"YYYY-MM-DD or +DAYS, then HH:MM if not at {self._time}; "
                    "empty turns exam mode off"
                )
            )
            yield Input(
                value=self._current.isoformat() if self._current else "",
                placeholder=f"{example.isoformat()} {self._time}",
                id="exam-date",
            )
            yield Static("", id="exam-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        try:
            chosen = parse_exam_choice(self.query_one("#exam-date", Input).value, self._today)
            if chosen.date is not None and self._check is not None:
                self._check(chosen)
        except Exception as error:  # ValueError, StudyError: the sentence says why
            self.query_one("#exam-error", Static).update(Content(str(error)))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditCardModal(ModalScreen[tuple[str, str] | None]):
    """Edit a card's front and back; ctrl+s saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="edit.save", priority=True, tooltip="Save the card"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel", tooltip="Leave the card as it was"),
    ]

    def __init__(self, front: str, back: str) -> None:
        super().__init__()
        self._front = front
        self._back = back

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Content("Front"))
            yield TextArea(self._front, id="edit-front", soft_wrap=True)
            yield Label(Content("Back"))
            yield TextArea(self._back, id="edit-back", soft_wrap=True)
            yield Static("", id="edit-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        front = self.query_one("#edit-front", TextArea).text.strip()
        back = self.query_one("#edit-back", TextArea).text.strip()
        if not front:
            self.query_one("#edit-error", Static).update(Content("The front cannot be empty."))
            return
        self.dismiss((front, back))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseModal(ModalScreen[str | None]):
    """Pick one of a few options (by id); escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choose.cancel", tooltip="Choose nothing"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        """``options`` are ``(id, label)`` pairs; labels are shown literally."""
        super().__init__()
        self._title = title
        self._options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled(self._title, "bold"))
            yield OptionList(
                *(Option(Content(label), id=option_id) for option_id, label in self._options),
                id="choices",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseExperiment(ChooseModal):
    """Which of a card's linked experiments to run."""

    def __init__(
        self,
        experiment_ids: list[str],
        settings: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        settings = settings or {}
        options = [(i, _title(i, settings.get(i))) for i in experiment_ids]
        super().__init__("Run which experiment?", options)


def _title(experiment_id: str, settings: Mapping[str, str] | None = None) -> str:
    """``id (settings): title`` from the torch-free experiment catalogue, without the title
    if the id is unknown."""
    from studyapp.experiments.links import describe_link

    label = describe_link(experiment_id, settings)
    try:
        import models

        return f"{label}: {models.get_spec(experiment_id).title}"
    except Exception:
        return label
