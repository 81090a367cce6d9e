"""The typed rows the store returns (frozen dataclasses; aware UTC datetimes, tuples)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
"""Card states as stored (1-3 are ``fsrs.State`` values)."""
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}


@dataclass(frozen=True)
class DeckRow:
    """One ``deck`` row: identity, settings and file facts."""

    id: int
    name: str
    source: str
    desired_retention: float
    new_limit: int
    review_limit: int
    leech_threshold: int
    exam_date: date | None
    fsrs_parameters: tuple[float, ...] | None
    file_hash: str = ""
    file_size: int = 0
    file_mtime: float = 0.0


@dataclass(frozen=True)
class CardRecord:
    """One ``card`` row with its deck's name (what the study layer reads)."""

    id: int
    deck_id: int
    deck_name: str
    key: str
    position: int
    line: int
    file_front: str
    file_back: str
    front: str
    back: str
    edited: bool
    removed: bool
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int
    suspended: bool
    buried_until: datetime | None
    flags: tuple[str, ...]
    tags: tuple[str, ...]
    file_flags: tuple[str, ...]
    file_tags: tuple[str, ...]
    experiments: tuple[str, ...]
    experiment_settings: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)


class Scheduled(NamedTuple):
    """A card's scheduling columns: all an answer reads (a tuple: built once per key press)."""

    id: int
    deck_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int
    suspended: bool
    buried_until: datetime | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class LogRow:
    """One ``review_log`` row: the card's state before and after an answer."""

    id: int
    card_id: int
    reviewed_at: datetime
    rating: int
    kind: str
    state_before: int
    step_before: int | None
    stability_before: float | None
    difficulty_before: float | None
    due_before: datetime | None
    last_review_before: datetime | None
    undo: dict[str, Any] | None


@dataclass(frozen=True)
class RunRow:
    """One stored experiment run."""

    id: int
    experiment: str
    card_id: int | None
    params: dict[str, Any]
    seeds: list[int]
    device: str
    status: str
    verdict_passed: bool
    verdict_summary: str
    metrics: dict[str, Any]
    history: dict[str, list[float]] = field(default_factory=dict)
    prediction_choice: int | None = None
    prediction_correct: bool | None = None
    created_at: datetime | None = None
