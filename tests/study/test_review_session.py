"""One data path (issue 9) and a trustworthy review loop (issue 11): the review session's
one-call-per-key API, undo of every kind in order within the session's deck, one definition
of counts, one rule for FSRS parameters, missing question images, exam "+N" days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.deckfmt import ParsedCard, ParsedDeck, parse_text
from studyapp.study.fsrs import DEFAULT_PARAMETERS, Scheduler
from studyapp.study.service import Rating, StudyService
from tests.study.conftest import NOW, make_deck


def test_start_answer_returns_next_card_counts_and_intervals(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(3))
    first = service.reviews.start(deck.deck_id, NOW)
    assert first is not None and first.counts.new == 3
    assert first.intervals == service.reviews.preview(first.card.id, NOW)
    outcome = service.reviews.answer(first.card.id, Rating.GOOD, 0, NOW)
    assert outcome.result.state == "learning" and outcome.next is not None
    assert outcome.next.card.id != first.card.id
    # the learning card due in 10 minutes still counts as learning today
    assert (outcome.next.counts.new, outcome.next.counts.learning) == (2, 1)


def test_undo_covers_every_kind_in_order(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(4))
    first = service.reviews.start(deck.deck_id, NOW)
    assert first is not None
    a = first.card.id
    nxt = service.reviews.answer(a, Rating.GOOD, 0, NOW).next
    assert nxt is not None
    b = nxt.card.id
    service.reviews.flag(b, "marked", True, NOW)
    service.reviews.edit(b, "Edited question?", "Edited answer", NOW)
    service.reviews.bury(b, NOW)
    nxt = service.reviews.next(NOW)
    assert nxt is not None
    c = nxt.card.id
    service.reviews.suspend(c, NOW)
    kinds = []
    for _ in range(5):
        undone = service.reviews.undo(NOW)
        assert undone is not None and undone.deck_name == "Deck"
        kinds.append((undone.kind, undone.card.id))
        assert undone.next is not None and undone.next.card.id == undone.card.id
        assert undone.kind in undone.describe() and "Deck" in undone.describe()
    assert kinds == [("suspend", c), ("bury", b), ("edit", b), ("flag", b), ("answer", a)]
    assert service.reviews.undo(NOW) is None
    for card_id in (a, b, c):
        card = service.cards.get(card_id, NOW)
        assert not card.suspended and not card.buried and card.state == "new"
        assert "marked" not in card.flags and card.front.startswith("Question")
    assert service.stats(NOW).reviews_total == 0


def test_suspend_then_undo_restores_that_card_not_an_earlier_answer(
    service: StudyService,
) -> None:
    deck = service.imports.parsed(make_deck(3))
    first = service.reviews.start(deck.deck_id, NOW)
    assert first is not None
    second = service.reviews.answer(first.card.id, Rating.GOOD, 0, NOW).next
    assert second is not None
    service.reviews.suspend(second.card.id, NOW)
    undone = service.reviews.undo(NOW)
    assert undone is not None and (undone.kind, undone.card.id) == ("suspend", second.card.id)
    assert not service.cards.get(second.card.id).suspended
    assert service.cards.get(first.card.id, NOW).state == "learning"  # the answer stays


def test_undo_stays_within_the_session(service: StudyService) -> None:
    one = service.imports.parsed(make_deck(2, name="One", source="one.txt"))
    two = service.imports.parsed(make_deck(2, name="Two", source="two.txt", prefix="Other"))
    first = service.reviews.start(one.deck_id, NOW)
    assert first is not None
    service.reviews.answer(first.card.id, Rating.GOOD, 0, NOW)
    assert service.reviews.start(two.deck_id, NOW) is not None  # a new session
    assert service.reviews.undo(NOW) is None
    assert service.cards.get(first.card.id, NOW).state == "learning"


def cli_json(capsys: pytest.CaptureFixture[str]) -> dict:
    from studyapp.cli import main

    assert main(["stats", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_counts_agree_everywhere_after_learning_answers(
    isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("STUDYAPP_DECKS", str(tmp_path))  # no bundled decks
    with StudyService.open(fuzz=False) as service:
        deck = service.imports.parsed(make_deck(6))
        now = datetime.now(UTC)
        queued = service.reviews.start(deck.deck_id, now)
        for _ in range(3):
            assert queued is not None
            queued = service.reviews.answer(queued.card.id, Rating.GOOD, 0, now).next
        assert queued is not None
        header = queued.counts
        home = service.decks(now)[0]
    assert (header.new, header.learning, header.review) == (3, 3, 0)
    assert (home.new, home.learning, home.due) == (header.new, header.learning, header.review)
    [row] = cli_json(capsys)["decks"]
    assert (row["new"], row["learning"], row["due"]) == (3, 3, 0)
    assert "due_today_in_queue" not in row


def test_collection_parameters_apply_to_exam_recall(service: StudyService) -> None:
    """After ``optimize`` stores collection-wide parameters, the exam's recall figure uses them
    (the old queue code used FSRS defaults)."""
    deck = service.imports.parsed(make_deck(3))
    for card_id in service.reviews.queue(deck.deck_id, NOW):
        service.reviews.record(card_id, Rating.GOOD, 0, NOW - timedelta(days=5))
        service.reviews.record(card_id, Rating.GOOD, 0, NOW - timedelta(days=5, minutes=-11))
    exam = (NOW + timedelta(days=30)).date()
    default = service.decks.set_exam(deck.deck_id, exam).exam
    params = list(DEFAULT_PARAMETERS)
    params[20] = 0.8  # a much steeper forgetting curve (FSRS-6 decay)
    service.fsrs.store(None, params)  # what `studyapp optimize` does for all decks
    tuned = service.decks.get(deck.deck_id).exam
    assert default is not None and tuned is not None
    assert default.recall is not None and tuned.recall != pytest.approx(default.recall)
    with service.ctx.read() as q:
        from studyapp.store import decks

        row = decks.get(q, deck.deck_id)
        assert row is not None and service.fsrs.parameters(q, row) == tuple(params)


def test_collection_parameters_rank_the_exam_queue(
    service: StudyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exam-mode ranking (lowest predicted recall first) uses the parameters ``optimize``
    stores for the collection, not FSRS defaults."""
    deck = service.imports.parsed(make_deck(3))
    for card_id in service.reviews.queue(deck.deck_id, NOW):
        service.reviews.record(card_id, Rating.GOOD, 0, NOW - timedelta(days=20))
        service.reviews.record(card_id, Rating.GOOD, 0, NOW - timedelta(days=20, minutes=-11))
    service.decks.set_exam(deck.deck_id, (NOW + timedelta(days=30)).date())
    params = list(DEFAULT_PARAMETERS)
    params[20] = 0.8
    service.fsrs.store(None, params)
    seen: list[tuple[float, ...]] = []
    real = Scheduler.retrievability

    def spy(sched, state, at):  # type: ignore[no-untyped-def]
        seen.append(tuple(sched.parameters))
        return real(sched, state, at)

    monkeypatch.setattr(Scheduler, "retrievability", spy)
    ids = service.reviews.queue(deck.deck_id, NOW)
    assert ids and seen and set(seen) == {tuple(params)}


def test_question_needing_a_missing_image_is_suspended_until_edited(
    service: StudyService,
) -> None:
    parsed = parse_text(
        "Q: What model is in the image? (See image)\nA: A VAE.\n", "deck", "img.txt"
    )
    assert "question-image-missing" in parsed.cards[0].flags
    deck = service.imports.parsed(parsed)
    [card] = service.cards.browse(deck_id=deck.deck_id)
    assert card.suspended and card.missing_reason and "question" in card.missing_reason
    assert service.reviews.start(deck.deck_id, NOW) is None
    service.cards.edit(card.id, "Which model encodes to a Gaussian posterior?", "A VAE.")
    edited = service.cards.get(card.id)
    assert not edited.suspended and edited.missing_reason is None


def test_answer_missing_card_is_back_once_answered(service: StudyService) -> None:
    deck = service.imports.parsed(
        ParsedDeck("D", "deck", "d.txt", [ParsedCard("Q?", "", 1, ["answer-missing"])])
    )
    [card] = service.cards.browse(deck_id=deck.deck_id)
    assert card.suspended and card.missing_reason
    service.cards.edit(card.id, "Q?", "Now an answer")
    assert not service.cards.get(card.id).suspended


@pytest.mark.parametrize("hour", [1, 3, 12, 23])
def test_exam_plus_seven_is_seven_days_at_any_hour(db_path: Path, hour: int) -> None:
    now = datetime(2026, 3, 2, hour, tzinfo=UTC)
    from studyapp.ui.screens.modals import parse_exam_date

    with StudyService.open(str(db_path), clock=lambda: now, tz=UTC) as service:
        deck = service.imports.parsed(make_deck(1))
        exam = parse_exam_date("+7", service.today())
        assert service.decks.set_exam(deck.deck_id, exam).days_to_exam == 7


def test_retention_is_none_until_measured_everywhere(
    isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Nothing measured: a typed None (JSON null, "not measured yet"), never 0%."""
    from studyapp.cli import main

    monkeypatch.setenv("STUDYAPP_DECKS", str(tmp_path))
    with StudyService.open(fuzz=False) as service:
        deck = service.imports.parsed(make_deck(2))
        now = datetime.now(UTC)
        queued = service.reviews.start(deck.deck_id, now)
        assert queued is not None
        service.reviews.answer(queued.card.id, Rating.AGAIN, 0, now)  # a new card: not judged
        assert service.stats(now).true_retention is None
    assert cli_json(capsys)["true_retention"] is None
    assert main(["stats"]) == 0
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("retention"))
    assert "not measured yet" in line and "0%" not in line.split("desired")[0]
