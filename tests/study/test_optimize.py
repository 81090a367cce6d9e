"""FSRS parameter optimisation: refused on a small log, fitted (log loss shown) on a large one."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest

from studyapp.study.service import Rating, StudyService
from tests.study.conftest import NOW, make_deck


def test_refused_when_the_log_is_too_small(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(3))
    for card_id in service.reviews.queue(deck.deck_id, NOW):
        service.reviews.record(card_id, Rating.GOOD, 0, NOW)
    report = service.fsrs.optimize()
    assert not report.applied and report.reviews == 3
    assert "not enough reviews" in report.reason and "512" in report.reason
    assert report.loss_before is None and report.parameters is None


def simulate(service: StudyService, deck_id: int, rng: random.Random, spaced: int) -> None:
    """Study day by day, with a forgetting curve that decays faster than FSRS's default,
    until ``spaced`` reviews came a day or more after the card's previous one."""
    now = NOW - timedelta(days=90)
    done = 0
    while done < spaced:
        for card_id in service.reviews.queue(deck_id, now):
            card = service.cards.get(card_id, now)
            if card.state == "new":
                service.reviews.record(card_id, Rating.GOOD, 0, now)
                service.reviews.record(card_id, Rating.GOOD, 0, now + timedelta(minutes=11))
                continue
            elapsed = (now - card.due).days + (card.stability or 1)
            recall = math.exp(-elapsed / max(0.5, (card.stability or 1) / 3))
            rating = Rating.GOOD if rng.random() < recall else Rating.AGAIN
            service.reviews.record(card_id, rating, 0, now)
            done += 1
            if rating == Rating.AGAIN:
                service.reviews.record(card_id, Rating.GOOD, 0, now + timedelta(minutes=10))
        now += timedelta(days=1, minutes=30)  # so a day later is >= 1 whole day later


@pytest.mark.slow
def test_fit_lowers_log_loss_and_is_applied(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(60))
    service.decks.set_limits(deck.deck_id, 6, 1000)
    simulate(service, deck.deck_id, random.Random(7), 520)
    report = service.fsrs.optimize(deck.deck_id)
    assert report.reviews >= 512, report
    assert report.loss_before is not None and report.loss_after is not None
    assert report.applied, report.reason
    assert report.loss_after < report.loss_before
    assert report.parameters is not None and len(report.parameters) == 21
    card_id = service.cards.browse(deck_id=deck.deck_id)[0].id
    assert service.reviews.preview(card_id, NOW)  # the deck schedules with its own parameters now
