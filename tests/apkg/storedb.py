"""A studyapp database filled directly through the store (no import), for export tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studyapp.store import cards as store_cards
from studyapp.store import decks as store_decks
from studyapp.store import reviews as store_reviews
from studyapp.store.rows import CardRow, DeckRow, LogRow
from studyapp.study.service import StudyService

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@contextmanager
def open_db(path: Path, now: datetime = T0) -> Iterator[StudyService]:
    """A service on ``path`` whose clock says ``now`` (the export's time)."""
    with StudyService.open(str(path), clock=lambda: now) as service:
        yield service


def add_small_collection(service: StudyService) -> None:
    """Two decks, four cards (one removed), answers 1 ms apart and at the same ms."""
    with service.ctx.write() as q:
        a = store_decks.insert(q, DeckRow(0, "user/a.txt", "Alpha"))
        b = store_decks.insert(q, DeckRow(0, "user/b.txt", "Beta"))
        store_cards.insert_many(q, [
            CardRow(0, a, "k1", front="Q1 <x> & y", back="A1", tags=("t one",)),
            CardRow(0, a, "k2", front="Q2", back="A2", state=2, stability=3.0, difficulty=5.0,
                    due=T0 + timedelta(days=3), last_review=T0),
            CardRow(0, b, "k3", front="Q3", back="A3", suspended=True),
            CardRow(0, b, "k4", front="gone", back="gone", removed=True),
        ])  # fmt: skip
        ids = {card.key: card.id for deck in (a, b) for card in store_cards.of_deck(q, deck)}
        ms = timedelta(milliseconds=1)
        logs = [("k1", T0, "review"), ("k1", T0 + ms, "review"), ("k2", T0, "review"),
                ("k3", T0 + ms, "review"), ("k3", T0 + 2 * ms, "review"), ("k3", T0, "quiz"),
                ("k4", T0, "review")]  # fmt: skip
        for key, at, kind in logs:
            store_reviews.add_log(q, LogRow(0, ids[key], at, 3, duration_ms=1500, kind=kind,
                                            due_after=at + timedelta(days=1)))  # fmt: skip
