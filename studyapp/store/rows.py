"""The tables, each defined once: its typed row (a ``NamedTuple``) and its :class:`Table`.

A row's fields are the table's columns in order; their types say how they are stored and
read (:mod:`studyapp.store.table`); their defaults are a new row's values. Rows are what
the store returns and takes: a change is ``row._replace(field=value)`` (checked by mypy),
written as the columns that differ (``Query.update``). Datetimes are aware UTC, JSON lists
are tuples. :mod:`studyapp.store.schema` makes the SQLAlchemy tables from these.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from studyapp.store.table import Index, Table

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
"""Card states as stored (1-3 are ``fsrs.State`` values)."""
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}


# A row read from the database has its ``id``; a new one passes 0 (the database makes it).


class MetaRow(NamedTuple):
    """A fact about the database: ``app``, ``schema_version``, collection-wide settings."""

    key: str
    value: str


class DeckRow(NamedTuple):
    """One deck: identity (``source``), settings and the facts of the file it came from."""

    id: int
    source: str
    """``bundled/<file>``, ``user/<file>``, ``anki/<deck>``...: the deck's identity."""
    name: str
    path: str = ""
    format: str = ""
    file_hash: str = ""
    file_size: int = 0
    file_mtime: float = 0.0
    desired_retention: float = 0.9
    new_limit: int = 20
    review_limit: int = 200
    leech_threshold: int = 8
    exam_date: date | None = None
    exam_time: int = 540
    """The exam's time of day on ``exam_date``: minutes after local midnight (09:00)."""
    fsrs_parameters: tuple[float, ...] | None = None
    created_at: datetime | None = None


class CardRow(NamedTuple):
    """One card: its text as the file gives it and as edited here, its schedule, its flags."""

    id: int
    deck_id: int
    key: str
    """Hash of the card's text in the file (plus an occurrence number), or its Anki id."""
    position: int = 0
    line: int = 0
    file_front: str = ""
    file_back: str = ""
    front: str = ""
    back: str = ""
    edited: bool = False
    removed: bool = False
    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = None
    flags: tuple[str, ...] = ()
    """Flags from the file (``file_flags``) plus those set in the app."""
    tags: tuple[str, ...] = ()
    """Tags from the file (``file_tags``) plus those added here (``leech``)."""
    file_flags: tuple[str, ...] = ()
    file_tags: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()
    experiment_settings: dict[str, dict[str, str]] = {}  # noqa: RUF012  (never mutated)
    """Settings the deck file gives its experiment links: ``{"mode-collapse": {"data": ...}}``."""
    created_at: datetime | None = None


class LogRow(NamedTuple):
    """One answer: the card's state before and after (what FSRS, undo and the stats need)."""

    id: int
    card_id: int
    reviewed_at: datetime
    rating: int
    duration_ms: int = 0
    kind: str = "review"
    """``review`` (scheduled), ``quiz`` or ``prediction`` (logged only)."""
    state_before: int = NEW
    step_before: int | None = None
    stability_before: float | None = None
    difficulty_before: float | None = None
    due_before: datetime | None = None
    last_review_before: datetime | None = None
    state_after: int = NEW
    step_after: int | None = None
    stability_after: float | None = None
    difficulty_after: float | None = None
    due_after: datetime | None = None
    undo: dict[str, Any] | None = None
    """Card fields besides the schedule to restore on undo (reps, lapses, tags, ...)."""


class RunRow(NamedTuple):
    """One stored experiment run, optionally launched from a card."""

    id: int
    card_id: int | None
    experiment: str
    params: dict[str, Any] = {}  # noqa: RUF012  (never mutated)
    seeds: tuple[int, ...] = ()
    device: str = "cpu"
    status: str = "completed"
    verdict_passed: bool = False
    verdict_summary: str = ""
    metrics: dict[str, Any] = {}  # noqa: RUF012
    history: dict[str, list[float]] = {}  # noqa: RUF012
    prediction_choice: int | None = None
    prediction_correct: bool | None = None
    created_at: datetime | None = None
    verdict_plain: str = ""
    """The verdict's sentence for a student (``Verdict.plain``; '' for runs stored before
    schema v5, whose sentence is made from the summary)."""


META = Table("studyapp_meta", MetaRow, key="key")
DECK = Table("deck", DeckRow, unique={"uq_deck_source": ("source",)}, created="created_at")
CARD = Table(
    "card",
    CardRow,
    references={"deck_id": "deck.id"},
    created="created_at",
    indexes=(
        # covering the queue's filters, so counting due cards reads the index only
        Index("ix_card_queue", ("deck_id", "state", "due", "suspended", "removed", "buried_until")),
        Index("ix_card_new", ("deck_id", "state", "position")),
        # partial indexes: the few suspended / removed cards of a deck, counted quickly
        Index("ix_card_suspended", ("deck_id",), where="suspended"),
        Index("ix_card_removed", ("deck_id",), where="removed"),
        Index("ix_card_identity", ("deck_id", "key")),
    ),
)
REVIEW_LOG = Table(
    "review_log",
    LogRow,
    references={"card_id": "card.id"},
    indexes=(
        Index("ix_review_log_reviewed_at", ("reviewed_at",)),
        Index("ix_review_log_card", ("card_id", "reviewed_at")),
    ),
)
EXPERIMENT_RUN = Table(
    "experiment_run",
    RunRow,
    references={"card_id": "card.id ON DELETE SET NULL"},
    created="created_at",
    indexes=(Index("ix_experiment_run_experiment", ("experiment",)),),
)
TABLES: tuple[Table[Any], ...] = (META, DECK, CARD, REVIEW_LOG, EXPERIMENT_RUN)
"""Every table, in the order they are created."""
