"""The typed values the study service hands to its callers (the TUI, the CLI, experiment runs):
immutable ``NamedTuple`` s (made at import in a tenth of a frozen dataclass's time: they are on
the way to the first card); ``OptimizeReport`` stays a dataclass (``dataclasses.replace``).

No database or UI types leak through them: everything is a str, number, date or tuple.
Datetimes are timezone-aware UTC. Card text is data, never markup: callers render it literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Literal, NamedTuple

from studyapp.store.rows import STATE_NAMES, RunRow

__all__ = ["STATE_NAMES", "RunRow"]  # re-exported: their home is ``studyapp.store.rows``

CardState = Literal["new", "learning", "review", "relearning"]
ReviewKind = Literal["review", "quiz", "prediction"]
QuizMode = Literal["choice", "typed"]


NOT_MEASURED = "not measured yet"
"""How a retention with nothing to measure reads everywhere (never "0%")."""


class Rating(IntEnum):
    """The four answer buttons (the same values as ``fsrs.Rating``): keys 1-4."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class DeckSummary(NamedTuple):
    """One deck as the home screen lists it: today's counts, limits, exam countdown."""

    id: int
    name: str
    source: str
    """Where the deck came from: ``bundled/<file>`` or ``user/<file>``."""
    total: int
    """Cards in the deck that are still in its file (removed cards excluded)."""
    new: int
    """New cards that today's queue will still show (after the daily new limit)."""
    learning: int
    """Learning/relearning cards due today (later today included)."""
    due: int
    """Review cards due today that today's queue will still show (after the review limit)."""
    reviewed_today: int
    suspended: int
    suspended_missing: int
    """Suspended because the answer was missing from the file (flag ``answer-missing``)."""
    desired_retention: float
    new_limit: int
    review_limit: int
    exam_date: date | None = None
    days_to_exam: int | None = None
    """Days from today's study day to the exam (0 = today, negative = past)."""
    exam: ExamFigure | None = None
    """The recall figure at the exam (None without an exam date)."""


class CardView(NamedTuple):
    """One card as the review screen and the browser show it (the one card type)."""

    id: int
    deck_id: int
    deck_name: str
    front: str
    back: str
    flags: tuple[str, ...]
    tags: tuple[str, ...]
    experiments: tuple[str, ...]
    """Ids of linked experiments (``models.get_spec(id)``), best match first."""
    state: CardState
    experiment_settings: dict[str, dict[str, str]] = {}  # noqa: RUF012  (never mutated)
    """Settings the deck file gives those links (``studyapp.experiments.links.suggested_settings``
    adds the ones the card's text suggests)."""
    missing_reason: str | None = None
    """Why an ``answer-missing`` card has no answer, else None."""
    due: datetime | None = None
    stability: float | None = None
    difficulty: float | None = None
    retrievability: float | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried: bool = False
    removed: bool = False
    """Gone from its deck file (kept with its history, out of the queue)."""
    line: int = 0
    """Line of the card in its deck file."""


class Counts(NamedTuple):
    """Cards still to study today, as Anki counts them (see ``studyapp.study.queue``):
    new within today's limit / learning due today / review due within today's limit."""

    new: int = 0
    learning: int = 0
    review: int = 0

    def plus(self, other: Counts) -> Counts:
        """The counts of two decks together."""
        return Counts(
            self.new + other.new, self.learning + other.learning, self.review + other.review
        )


ExamKept = Literal["", "final", "exam"]
"""What exam mode did to an answer's next review: nothing (''), brought it forward to a
final review before the exam (``final``), or kept it for the exam itself (``exam``: the
exam is its next review; not shown again before it)."""


class QueuedCard(NamedTuple):
    """The card to show next with everything the review screen needs until the next key:
    the counts of the session's deck and each button's next interval (so reveal needs no
    call)."""

    card: CardView
    counts: Counts
    intervals: dict[Rating, timedelta]
    kept: dict[Rating, ExamKept] = {}  # noqa: RUF012  (never mutated)
    """The buttons whose interval exam mode shortened, and how (absent: not shortened)."""
    ahead: bool = False
    """Reviewed ahead: due on a later day before the exam (the day's queue was done)."""


class AnswerResult(NamedTuple):
    """What ``answer()`` did, already committed to the database."""

    card_id: int
    review_id: int
    rating: Rating
    kind: ReviewKind
    state: CardState
    """State after the answer (unchanged for quiz/prediction answers)."""
    due: datetime | None
    interval: timedelta | None
    """Time until the card is due again (None for quiz/prediction answers)."""
    leech: bool = False
    """True when this answer made the card a leech (tagged ``leech`` and suspended)."""
    capped_by_exam: bool = False
    """True when the interval was shortened so the card comes back before the exam."""
    exam_note: str = ""
    """What exam mode did, in words ('' when nothing): "final review on Wed 01-14, before
    the exam" or "kept for the exam (Fri 01-16 09:00): not shown before it"."""


class AnswerOutcome(NamedTuple):
    """``reviews.answer``: what the (committed) answer did, and the next card or None."""

    result: AnswerResult
    next: QueuedCard | None


class RunOutcome(NamedTuple):
    """``runs.finish``: what was stored, already committed (the screen only shows it)."""

    run_id: int
    correct: bool | None
    """The prediction was right (True) or wrong (False); None: nothing to grade (no
    prediction, or the run did not complete)."""
    review: AnswerResult | None
    """The prediction logged as a review of the run's card (Good when right, Again when
    wrong); None without a card or a grade."""


UndoKind = Literal["answer", "bury", "suspend", "flag", "edit"]


class Undone(NamedTuple):
    """``reviews.undo``: what was taken back, on which card of which deck, and that card
    queued to show again (``next``; None when it can't be shown, e.g. removed since)."""

    kind: UndoKind
    card: CardView
    deck_name: str
    next: QueuedCard | None

    def describe(self) -> str:
        """One line for the screen, e.g. ``Undid suspend of "What is a GAN?" (DL-09)``."""
        front = " ".join(self.card.front.split())
        if len(front) > 40:
            front = front[:39] + "…"
        return f'Undid {self.kind} of "{front}" ({self.deck_name})'


class Stats(NamedTuple):
    """Numbers for the stats screen and ``studyapp stats``."""

    reviews_total: int
    reviews_today: int
    per_day: dict[date, int]
    """Review-kind answers per study day (days without reviews are absent)."""
    forecast: list[int]
    """Cards due per day from today (index 0 includes overdue ones), ``forecast_days`` long."""
    true_retention: float | None
    """Share of answers to review-state cards that were not Again; None when nothing is
    measured yet (show "not measured yet", never 0%)."""
    desired_retention: float
    """Mean desired retention over decks, weighted by their card counts."""
    button_counts: dict[int, int]
    """Answers per rating 1-4 (review kind only)."""
    cards_total: int
    today: date


class QuizQuestion(NamedTuple):
    """One quiz question; quizzes never change the schedule."""

    card_id: int
    prompt: str
    answer: str
    mode: QuizMode
    choices: tuple[str, ...] = ()
    """Multiple-choice options (empty in typed mode), the answer among them."""
    correct_index: int | None = None
    options: tuple[str, ...] = ()
    """Each choice as the screen shows it: on one paragraph, nothing left out (bullets joined
    with " · "); see :func:`studyapp.study.quiz_kinds.option`."""
    lines: int = 0
    """The most lines an option takes wrapped at 72 columns (the room at 80 columns)."""


class ImportReport(NamedTuple):
    """What importing (or re-syncing) one deck file changed."""

    deck_id: int
    deck_name: str
    source: str
    path: str
    added: int = 0
    updated: int = 0
    """Cards matched to an existing card whose text changed (typo fixes keep history)."""
    unchanged: int = 0
    removed: int = 0
    """Cards gone from the file: kept with their log, out of the queue."""
    restored: int = 0
    skipped: bool = False
    """True when the file was unchanged since the last sync and was not parsed again."""
    warnings: tuple[str, ...] = ()
    kept: int = 0
    """Updated cards whose text, rewritten in the app, was kept over the file's new text."""
    earlier: str = ""
    """The file the deck came from before, when this import updated it from another one."""


class PackageReport(NamedTuple):
    """What importing one package changed."""

    path: str
    decks: tuple[str, ...]
    added: int
    updated: int
    unchanged: int
    reviews: int
    """Review-log rows written."""
    media: int
    """Media files copied."""
    warnings: tuple[str, ...] = ()
    kept: int = 0
    """Updated cards whose text, rewritten in the app, was kept over the package's new text."""
    matched: int = 0
    """Notes a studyapp export wrote of cards stored here (bundled decks...): no new card."""


@dataclass(frozen=True)
class OptimizeReport:
    """The outcome of FSRS parameter optimisation on the review log."""

    deck_id: int | None
    reviews: int
    cards: int
    applied: bool
    reason: str
    """Why it was refused or not applied, or a one-line summary when applied."""
    loss_before: float | None = None
    loss_after: float | None = None
    parameters: tuple[float, ...] | None = None


class ExportReport(NamedTuple):
    """What ``exports.apkg`` wrote."""

    path: str
    decks: int
    notes: int
    reviews: int


class ExamFigure(NamedTuple):
    """The one exam figure: the expected share of the deck's studyable cards recalled at the
    exam, cards never studied counting as not recalled (``studyapp.study.exam.figure``)."""

    exam_date: date
    exam_time: str
    """``HH:MM``, local time."""
    cards: int
    """Studyable cards (in the file, not suspended)."""
    unseen: int
    """Of those, cards not yet studied (when ``past``: not studied by the exam)."""
    recall: float | None
    """Expected share recalled at the exam (None: no cards)."""
    past: bool
    """The exam is over: the figure is frozen at the exam's moment."""

    @property
    def when(self) -> str:
        return f"{self.exam_date.isoformat()} {self.exam_time}"

    def headline(self, short: bool = False) -> str:
        """``recall at the exam 63% · 19 of 59 not yet studied`` (``short``: without "at
        the exam", for a line that says it already)."""
        if self.recall is None:
            return "no cards to study"
        share = f"{100 * self.recall:.0f}%"
        if self.past:
            said = "recalled" if short else "at the exam recalled"
            return f"{said} {share} · {self.unseen} of {self.cards} never studied"
        said = "recall" if short else "recall at the exam"
        return f"{said} {share} · {self.unseen} of {self.cards} not yet studied"

    def caveat(self) -> str:
        """What the figure assumes, in a few words (:meth:`assumption` in full)."""
        if self.past:
            return "as the cards stood at the exam; answers since don't change it"
        return "if you study nothing more; cards not yet studied count as forgotten"

    def assumption(self) -> str:
        """The sentence saying what the figure assumes."""
        if self.past:
            return (
                f"Expected share of the {self.cards} cards recalled at the exam ({self.when}), "
                "as it stood then; answers since do not change it."
            )
        return (
            f"Expected share of the {self.cards} cards recalled at the exam ({self.when}) if "
            "you study nothing more; cards not yet studied count as forgotten."
        )


class PlanDay(NamedTuple):
    """One study day of an exam plan."""

    day: date
    reviews: int
    """Review cards the day's queue will offer (today: still to do)."""
    new: int
    """New cards the day's queue will offer (today: still to do)."""


class ExamPlan(NamedTuple):
    """``decks.exam_plan``: the plan the app keeps until the exam and the figure beside it.

    ``days`` runs from today to exam day; each is what that day's queue offers if every card
    is answered as FSRS predicts (the queue applies the same rules: the deck's daily limits,
    final reviews spread over the last days). ``problems`` says when the limits make the
    plan impossible, and the way out."""

    deck_id: int
    deck_name: str
    figure: ExamFigure
    days_left: int
    """Study days from today to the exam (0: today, negative: past)."""
    days: tuple[PlanDay, ...] = ()
    review_limit: int = 0
    new_limit: int = 0
    unseen_after: int = 0
    """New cards the new-card limit leaves unseen at the exam."""
    late_reviews: int = 0
    """Reviews due before the exam that the review limit leaves undone."""
    problems: tuple[str, ...] = ()
    """Why the plan can't be kept, each with the way out ('' none)."""

    @property
    def active(self) -> bool:
        """Exam mode is on (it lasts through exam day)."""
        return self.days_left >= 0


class Answer(NamedTuple):
    """One logged answer of a card, as the browser's history shows it."""

    at: datetime
    kind: str
    """``review`` (scheduled), ``quiz`` or ``prediction`` (a graded experiment prediction)."""
    rating: int
    """1-4 as :class:`Rating` (a prediction: Good when right, Again when wrong)."""


class ListedCard(NamedTuple):
    """One card as ``studyapp cards`` lists it: the card and how often it was answered."""

    card: CardView
    answers: int = 0
    """Logged answers of every kind: reviews, quiz answers and graded predictions."""
    predictions: int = 0
    """Graded experiment predictions among ``answers``."""
