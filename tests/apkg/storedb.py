"""A studyapp database filled directly through the schema (no service), for export tests.

``store_package`` is a test-side stand-in for the importer: each Anki card becomes a card of
its deck with the FSRS state :func:`studyapp.study.history.replay` rebuilds (a new deck's
scheduler), and each replayed answer a ``review_log`` row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from studyapp.deckfmt.apkg import AnkiCard, AnkiPackage
from studyapp.study.fsrs import Scheduler, to_datetime
from studyapp.study.history import replay

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def open_db(path: Path) -> Any:
    from sqlmodel import Session, SQLModel, create_engine

    from studyapp.store import schema

    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine, tables=[
        schema.Deck.__table__, schema.Card.__table__, schema.ReviewLog.__table__,  # type: ignore[attr-defined]
    ])  # fmt: skip
    return Session(engine)


def add_small_collection(session: Any) -> None:
    """Two decks, four cards (one removed), answers 1 ms apart and at the same ms."""
    from studyapp.store.schema import Card, Deck, ReviewLog

    a, b = Deck(source="user/a.txt", name="Alpha"), Deck(source="user/b.txt", name="Beta")
    session.add_all([a, b])
    session.flush()
    cards = [Card(deck_id=a.id, key="k1", front="Q1 <x> & y", back="A1", tags=["t one"]),
             Card(deck_id=a.id, key="k2", front="Q2", back="A2", state=2, stability=3.0,
                  difficulty=5.0, due=T0 + timedelta(days=3), last_review=T0),
             Card(deck_id=b.id, key="k3", front="Q3", back="A3", suspended=True),
             Card(deck_id=b.id, key="k4", front="gone", back="gone", removed=True)]  # fmt: skip
    session.add_all(cards)
    session.flush()
    ms = timedelta(milliseconds=1)
    logs = [(cards[0], T0, "review"), (cards[0], T0 + ms, "review"),
            (cards[1], T0, "review"), (cards[2], T0 + ms, "review"),
            (cards[2], T0 + 2 * ms, "review"), (cards[2], T0, "quiz"),
            (cards[3], T0, "review")]  # fmt: skip
    for card, at, kind in logs:
        session.add(ReviewLog(card_id=card.id, reviewed_at=at, rating=3, kind=kind,
                              duration_ms=1500, due_after=at + timedelta(days=1)))  # fmt: skip
    session.commit()


def store_package(session: Any, package: AnkiPackage) -> None:
    from studyapp.store.schema import Card, Deck, ReviewLog

    decks: dict[str, int] = {}
    for position, card in enumerate(package.cards):
        assert isinstance(card, AnkiCard)
        if card.deck not in decks:
            deck = Deck(source=f"user/{Path(package.source).name}/{card.deck}", name=card.deck)
            session.add(deck)
            session.flush()
            decks[card.deck] = deck.id
        result = replay(card.reviews, Scheduler(fuzz=False))
        s = result.state
        row = Card(deck_id=decks[card.deck], key=card.identity, position=position,
                   front=card.front, back=card.back, tags=card.tags, state=s.state, step=s.step,
                   stability=s.stability, difficulty=s.difficulty, due=s.due,
                   last_review=s.last_review, reps=result.reps, lapses=result.lapses,
                   suspended=card.suspended)  # fmt: skip
        session.add(row)
        session.flush()
        for at, rating, duration_ms, before, after in result.rows:
            session.add(ReviewLog(
                card_id=row.id, reviewed_at=to_datetime(at), rating=rating,
                duration_ms=duration_ms, state_before=before[0], state_after=after[0],
                due_after=to_datetime(after[4]),
            ))  # fmt: skip
    session.commit()
