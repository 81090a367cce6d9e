"""``cards.listing`` and ``cards.history``: every kind of answer counts, predictions named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.study.service import Rating, StudyError, StudyService
from tests.study.conftest import NOW, make_deck
from tests.study.test_runs import result


def test_predictions_count_as_answers_and_show_in_the_history(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(3))
    first, second, _third = (card.id for card in service.cards.browse(deck_id=deck.deck_id))
    service.reviews.record(first, Rating.GOOD, duration_ms=1000, now=NOW)
    later = NOW + timedelta(minutes=5)
    service.runs.finish(result(answer=1), first, 1, now=later)  # right: Good
    service.runs.finish(result(answer=1), first, 0, now=later + timedelta(minutes=1))  # wrong
    service.runs.finish(result(answer=1), second, None, now=later)  # no prediction: no answer

    listed = {row.card.id: row for row in service.cards.listing(deck.deck_id)}
    assert (listed[first].answers, listed[first].predictions) == (3, 2)
    assert (listed[second].answers, listed[second].predictions) == (0, 0)
    assert len(listed) == 3 and listed[first].card.reps == 1  # predictions never reschedule

    history = service.cards.history(first)
    assert [(a.kind, a.rating) for a in history] == [
        ("prediction", Rating.AGAIN),
        ("prediction", Rating.GOOD),
        ("review", Rating.GOOD),
    ]  # newest first
    assert service.cards.history(second) == []


def test_listing_of_every_deck_and_of_one(service: StudyService) -> None:
    one = service.imports.parsed(make_deck(2, name="One", source="one.txt"))
    service.imports.parsed(make_deck(3, name="Two", source="two.txt", prefix="Other"))
    assert len(service.cards.listing()) == 5
    assert {row.card.deck_name for row in service.cards.listing(one.deck_id)} == {"One"}


def test_history_of_no_card_is_an_error(service: StudyService) -> None:
    with pytest.raises(StudyError, match="no card with id 99"):
        service.cards.history(99)
