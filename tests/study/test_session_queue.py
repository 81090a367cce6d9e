"""The review session's in-memory queue gives, answer after answer, the very next card and
counts that a full read of the database gives (``peek`` reads it all again each time)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.study import session_queue
from studyapp.study.service import StudyService
from tests.study.conftest import NOW, make_deck


def seeded(db_path: Path) -> tuple[StudyService, list[int]]:
    """Two decks: some cards learned 20 days ago (reviews due by now), the rest new."""
    service = StudyService.open(str(db_path), fuzz=False, tz=None)
    decks = [
        service.imports.parsed(make_deck(30, name=n, source=f"{n}.txt", prefix=n)).deck_id
        for n in ("A", "B")
    ]
    then = NOW - timedelta(days=20)
    rng = random.Random(5)
    for deck in decks:
        queued = service.reviews.start(deck, then)
        for _ in range(18):
            assert queued is not None
            queued = service.reviews.answer(queued.card.id, rng.choice((3, 4)), 0, then).next
        service.decks.set_limits(deck, new=6, reviews=7)
    return service, decks


def same_as_full_read(service: StudyService, session_deck: int | None, now: object) -> int | None:
    kept = service.reviews.next(now)  # type: ignore[arg-type]
    full = service.reviews.peek(session_deck, now)  # type: ignore[arg-type]
    assert (kept is None) == (full is None)
    if kept is None or full is None:
        return None
    assert (kept.card.id, kept.counts) == (full.card.id, full.counts)
    return kept.card.id


@pytest.mark.parametrize("head", [64, 2])
@pytest.mark.parametrize("session_deck", [0, None])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_session_queue_matches_a_full_read(
    monkeypatch: pytest.MonkeyPatch, head: int, db_path: Path, session_deck: int | None, seed: int
) -> None:
    service, decks = seeded(db_path)
    deck = None if session_deck is None else decks[session_deck]
    monkeypatch.setattr(session_queue, "LEARNING_HEAD", head)
    reads = []
    read = session_queue.read
    monkeypatch.setattr(session_queue, "read", lambda *a: reads.append(1) or read(*a))
    rng = random.Random(seed)
    now = NOW
    queued = service.reviews.start(deck, now)
    answered = 0
    while queued is not None and answered < 120:
        card = same_as_full_read(service, deck, now)
        assert card == queued.card.id
        outcome = service.reviews.answer(card, rng.choice((1, 1, 2, 3, 3, 4)), 0, now)
        answered += 1
        queued = outcome.next
        full = service.reviews.peek(deck, now)
        assert (queued is None) == (full is None)
        if queued is not None and full is not None:
            assert (queued.card.id, queued.counts) == (full.card.id, full.counts)
        now += timedelta(minutes=rng.choice((0, 1, 3, 9)))
        queued = service.reviews.next(now)
    assert answered > 40  # learning steps came back, limits were reached
    # read once and kept (a head of 2 learning cards runs out now and then: read again)
    assert len(reads) == 1 if head == 64 else 1 < len(reads) < answered / 2
    service.close()


def test_other_writes_are_seen(db_path: Path) -> None:
    """Another process answering, this service suspending or undoing: the next card and the
    counts are read again, never taken from stale lists."""
    service, decks = seeded(db_path)
    other = StudyService.open(str(db_path), fuzz=False, tz=None)
    queued = service.reviews.start(decks[0], NOW)
    assert queued is not None
    elsewhere = other.reviews.start(decks[0], NOW)
    assert elsewhere is not None and elsewhere.card.id == queued.card.id
    other.reviews.answer(elsewhere.card.id, 3, 0, NOW)
    after = same_as_full_read(service, decks[0], NOW)
    assert after != queued.card.id
    assert after is not None
    service.reviews.suspend(after, NOW)
    assert same_as_full_read(service, decks[0], NOW) != after
    service.reviews.undo(NOW)
    assert same_as_full_read(service, decks[0], NOW) == after
    other.close()
    service.close()
