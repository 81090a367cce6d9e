"""FSRS scheduling through StudyService: intervals, limits, bury, suspend, leech, undo."""

from __future__ import annotations

from datetime import UTC, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from studyapp.study.service import Rating, StudyError, StudyService
from tests.study.conftest import NOW, make_deck


def learn(service: StudyService, card_id: int, now=NOW) -> None:
    """New -> review: Good on both learning steps."""
    service.reviews.record(card_id, Rating.GOOD, 1000, now)
    service.reviews.record(card_id, Rating.GOOD, 1000, now + timedelta(minutes=11))


def test_intervals_grow_with_good_answers(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    learn(service, card_id)
    now, intervals = NOW + timedelta(minutes=11), []
    for _ in range(4):
        card = service.cards.get(card_id, now)
        assert card.state == "review"
        now = card.due  # answer exactly when due
        result = service.reviews.record(card_id, Rating.GOOD, 1000, now)
        assert result.interval is not None
        intervals.append(result.interval)
    assert all(b > a for a, b in pairwise(intervals)), intervals
    assert intervals[0] >= timedelta(days=1)


def test_preview_orders_the_buttons(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    learn(service, card_id)
    due = service.cards.get(card_id).due
    assert due is not None
    shown = service.reviews.preview(card_id, due)
    assert list(shown) == [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY]
    assert shown[Rating.AGAIN] < shown[Rating.HARD] < shown[Rating.GOOD] < shown[Rating.EASY]
    before = service.cards.get(card_id)
    assert service.cards.get(card_id) == before  # preview changes nothing


def test_learning_steps_then_review(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    first = service.reviews.record(card_id, Rating.GOOD, 0, NOW)
    assert first.state == "learning" and first.interval == timedelta(minutes=10)
    again = service.reviews.record(card_id, Rating.AGAIN, 0, NOW + timedelta(minutes=10))
    assert again.state == "learning" and again.interval == timedelta(minutes=1)
    service.reviews.record(card_id, Rating.GOOD, 0, NOW + timedelta(minutes=11))
    done = service.reviews.record(card_id, Rating.GOOD, 0, NOW + timedelta(minutes=22))
    assert done.state == "review" and done.interval is not None
    assert done.interval >= timedelta(days=1)
    lapse = service.reviews.record(card_id, Rating.AGAIN, 0, done.due)
    assert lapse.state == "relearning" and lapse.interval == timedelta(minutes=10)
    assert service.cards.get(card_id).lapses == 1


def test_daily_new_limit(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(10))
    service.decks.set_limits(deck.deck_id, new=3, reviews=100)
    queue = service.reviews.queue(deck.deck_id, NOW)
    assert len(queue) == 3
    for card_id in queue:
        service.reviews.record(card_id, Rating.EASY, 0, NOW)  # straight to review, days away
    assert service.reviews.queue(deck.deck_id, NOW + timedelta(minutes=1)) == []
    assert service.decks.get(deck.deck_id, NOW).new == 0
    tomorrow = NOW + timedelta(days=1)
    assert len(service.reviews.queue(deck.deck_id, tomorrow)) == 3  # a new day, three more


def test_daily_review_limit(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(6))
    for card_id in service.reviews.queue(deck.deck_id, NOW):
        service.reviews.record(card_id, Rating.GOOD, 0, NOW)
        service.reviews.record(card_id, Rating.GOOD, 0, NOW + timedelta(minutes=11))
    service.decks.set_limits(deck.deck_id, new=0, reviews=2)
    later = NOW + timedelta(days=30)
    summary = service.decks.get(deck.deck_id, later)
    assert summary.due == 2
    queue = service.reviews.queue(deck.deck_id, later)
    assert len(queue) == 2
    for card_id in queue:
        service.reviews.record(card_id, Rating.GOOD, 0, later)
    assert service.reviews.queue(deck.deck_id, later + timedelta(minutes=1)) == []


def test_bury_until_tomorrow(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(2))
    first = service.reviews.peek(deck.deck_id, NOW).card
    assert first is not None
    service.cards.bury(first.id, NOW)
    assert first.id not in service.reviews.queue(deck.deck_id, NOW + timedelta(hours=1))
    assert service.cards.get(first.id, NOW).buried
    assert first.id in service.reviews.queue(deck.deck_id, NOW + timedelta(days=1))
    service.cards.unbury(first.id)
    assert first.id in service.reviews.queue(deck.deck_id, NOW)


def test_suspend_and_unsuspend(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(2))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    service.cards.suspend(card_id)
    assert card_id not in service.reviews.queue(deck.deck_id, NOW)
    assert service.decks.get(deck.deck_id, NOW).suspended == 1
    service.cards.unsuspend(card_id)
    assert card_id in service.reviews.queue(deck.deck_id, NOW)


def test_leech_is_tagged_and_suspended(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    learn(service, card_id)
    now = NOW + timedelta(minutes=11)
    leeches = []
    for _ in range(8):
        due = service.cards.get(card_id).due
        assert due is not None
        now = max(now, due)
        leeches.append(service.reviews.record(card_id, Rating.AGAIN, 0, now).leech)
        now += timedelta(minutes=10)
        service.reviews.record(card_id, Rating.GOOD, 0, now)  # relearnt, back to review
        if leeches[-1]:
            break
    card = service.cards.get(card_id)
    assert leeches == [False] * 7 + [True]
    assert card.lapses == 8 and "leech" in card.tags and card.suspended
    assert card_id not in service.reviews.queue(deck.deck_id, now + timedelta(days=400))


def test_undo_several_levels(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(3))
    ids = service.reviews.queue(deck.deck_id, NOW)
    before = [service.cards.get(i, NOW) for i in ids]
    for card_id, rating in zip(ids, (Rating.GOOD, Rating.EASY, Rating.AGAIN), strict=True):
        service.reviews.record(card_id, rating, 500, NOW)
    assert service.reviews.undo_depth() == 3
    assert service.stats(NOW).reviews_total == 3
    for expected in reversed(before):
        undone = service.reviews.undo()
        shown = undone.card if undone is not None else None
        assert shown is not None and shown.id == expected.id
        assert service.cards.get(expected.id, NOW) == expected
    assert service.reviews.undo() is None
    assert service.stats(NOW).reviews_total == 0
    assert service.reviews.queue(deck.deck_id, NOW)[:3] == ids


def test_undo_restores_a_leech(service: StudyService, db_path) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    service.decks.set_limits(deck.deck_id, 20, 200)
    learn(service, card_id)
    import sqlite3

    with sqlite3.connect(db_path) as other:  # seven lapses already
        other.execute("UPDATE card SET lapses = 7 WHERE id = ?", (card_id,))
    due = service.cards.get(card_id).due
    assert service.reviews.record(card_id, Rating.AGAIN, 0, due).leech
    undone = service.reviews.undo()
    assert undone is not None
    restored = undone.card
    assert restored.lapses == 7 and not restored.suspended and "leech" not in restored.tags
    assert restored.state == "review"


def test_answer_is_committed_before_returning(service: StudyService, db_path) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    service.reviews.record(card_id, Rating.GOOD, 1234, NOW)
    import sqlite3

    with sqlite3.connect(db_path) as other:  # another connection sees it at once
        rows = other.execute("SELECT card_id, rating, duration_ms, kind FROM review_log").fetchall()
    assert rows == [(card_id, 3, 1234, "review")]


def test_bad_requests_are_study_errors(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(1))
    card_id = service.reviews.queue(deck.deck_id, NOW)[0]
    with pytest.raises(StudyError, match="rating must be 1-4"):
        service.reviews.record(card_id, 7)
    with pytest.raises(StudyError, match="no card with id 999"):
        service.reviews.record(999, Rating.GOOD)
    # nothing left half-done:
    assert service.reviews.record(card_id, Rating.GOOD).state == "learning"
    with pytest.raises(StudyError, match="retention"):
        service.decks.set_retention(deck.deck_id, 1.5)


def test_per_deck_retention_changes_intervals(service: StudyService) -> None:
    low = service.imports.parsed(make_deck(1, name="Low", source="low.txt"))
    high = service.imports.parsed(make_deck(1, name="High", source="high.txt", prefix="Other"))
    service.decks.set_retention(low.deck_id, 0.75)
    service.decks.set_retention(high.deck_id, 0.97)
    got = {}
    for deck in (low, high):
        card_id = service.reviews.queue(deck.deck_id, NOW)[0]
        learn(service, card_id)
        due = service.cards.get(card_id).due
        got[deck.deck_name] = service.reviews.record(card_id, Rating.GOOD, 0, due).interval
    assert got["Low"] > got["High"]


def test_fuzz_spreads_intervals(db_path) -> None:
    fuzzy = StudyService.open(str(db_path), clock=lambda: NOW, fuzz=True)
    deck = fuzzy.imports.parsed(make_deck(30))
    fuzzy.decks.set_limits(deck.deck_id, 30, 200)
    intervals = set()
    for card_id in fuzzy.reviews.queue(deck.deck_id, NOW):
        fuzzy.reviews.record(card_id, Rating.EASY, 0, NOW)
        due = fuzzy.cards.get(card_id).due
        intervals.add(fuzzy.reviews.record(card_id, Rating.GOOD, 0, due).interval)
    fuzzy.close()
    assert len(intervals) > 1


def test_each_button_gives_the_interval_it_shows(db_path: Path) -> None:
    """With fuzz on (as a student studies): every label is the interval that button gives,
    new, learning and review cards alike; the fuzz really moves the reviews (identical
    cards get different days)."""
    with StudyService.open(str(db_path), clock=lambda: NOW, fuzz=True, tz=UTC) as service:
        deck = service.imports.parsed(make_deck(8))
        ids = service.reviews.queue(deck.deck_id, NOW)
        now, goods = NOW, set()
        for _ in range(5):
            for card_id in ids:
                shown = service.reviews.queued(card_id, now).intervals
                for rating in Rating:
                    given = service.reviews.record(card_id, rating, 0, now).interval
                    assert given == shown[rating], (rating, given, shown)
                    service.reviews.undo()
                service.reviews.record(card_id, Rating.GOOD, 0, now)
            due = service.cards.get(ids[0], now).due
            assert due is not None
            goods = {service.reviews.queued(i, due).intervals[Rating.GOOD] for i in ids}
            now = max(now + timedelta(minutes=11), due)
        assert len(goods) > 1, goods  # fuzz spreads identical cards
