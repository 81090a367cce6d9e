"""The SQLModel tables. Datetimes are aware UTC (SQLModel's UTCDateTime); lists, dicts JSON.

Card states: 0 new, 1 learning, 2 review, 3 relearning (1-3 are ``fsrs.State`` values).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from studyapp.store.migrations import SCHEMA_VERSION  # noqa: F401  (re-exported)
from studyapp.store.rows import (  # noqa: F401  (re-exported: their home is ``rows``)
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    STATE_NAMES,
)


def utcnow() -> datetime:
    """Now, aware UTC, as the tables store it."""
    return datetime.now(UTC)


class Meta(SQLModel, table=True):
    """Key/value facts about the database: ``app``, ``schema_version``, global settings."""

    __tablename__ = "studyapp_meta"

    key: str = Field(primary_key=True)
    value: str


class Deck(SQLModel, table=True):
    __tablename__ = "deck"
    __table_args__ = (UniqueConstraint("source", name="uq_deck_source"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    """``bundled/<file>`` or ``user/<file>``: the deck's identity."""
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
    fsrs_parameters: list[float] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)


class Card(SQLModel, table=True):
    __tablename__ = "card"
    __table_args__ = (
        # covering the queue's filters, so counting due cards reads the index only
        Index("ix_card_queue", "deck_id", "state", "due", "suspended", "removed", "buried_until"),
        Index("ix_card_new", "deck_id", "state", "position"),
        # partial indexes: the few suspended / removed cards of a deck, counted quickly
        Index(
            "ix_card_suspended",
            "deck_id",
            sqlite_where=text("suspended = 1"),
            postgresql_where=text("suspended"),
        ),
        Index(
            "ix_card_removed",
            "deck_id",
            sqlite_where=text("removed = 1"),
            postgresql_where=text("removed"),
        ),
        Index("ix_card_identity", "deck_id", "key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deck_id: int = Field(sa_column=Column(Integer, ForeignKey("deck.id"), nullable=False))
    key: str
    """Hash of the card's text in the file (plus an occurrence number for duplicates)."""
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
    flags: list[str] = Field(default_factory=list, sa_type=JSON)
    """Flags from the file (``file_flags``) plus those set in the app."""
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    """Tags from the file (``file_tags``) plus those added here (``leech``)."""
    file_flags: list[str] = Field(default_factory=list, sa_type=JSON)
    file_tags: list[str] = Field(default_factory=list, sa_type=JSON)
    experiments: list[str] = Field(default_factory=list, sa_type=JSON)
    experiment_settings: dict[str, dict[str, str]] = Field(default_factory=dict, sa_type=JSON)
    """Settings the deck file gives its experiment links: ``{"mode-collapse": {"data": ...}}``."""
    created_at: datetime = Field(default_factory=utcnow)


class ReviewLog(SQLModel, table=True):
    """One answer: everything FSRS optimisation, undo and the stats need."""

    __tablename__ = "review_log"
    __table_args__ = (Index("ix_review_log_card", "card_id", "reviewed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(sa_column=Column(Integer, ForeignKey("card.id"), nullable=False))
    reviewed_at: datetime = Field(index=True)
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
    undo: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    """Card fields besides the FSRS state to restore on undo (reps, lapses, tags, ...)."""


class ExperimentRun(SQLModel, table=True):
    """One experiment run (issue 5), optionally launched from a card."""

    __tablename__ = "experiment_run"

    id: int | None = Field(default=None, primary_key=True)
    card_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("card.id", ondelete="SET NULL"), nullable=True),
    )
    experiment: str = Field(index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    seeds: list[int] = Field(default_factory=list, sa_type=JSON)
    device: str = "cpu"
    status: str = "completed"
    verdict_passed: bool = False
    verdict_summary: str = ""
    metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    history: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prediction_choice: int | None = None
    prediction_correct: bool | None = None
    created_at: datetime = Field(default_factory=utcnow)
