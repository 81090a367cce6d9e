"""Quiz mode: the schedule untouched, choices and typed grading (exam mode: test_exam.py)."""

from __future__ import annotations

from datetime import timedelta

from studyapp.study.quiz import QuizPart
from studyapp.study.service import Rating, StudyService
from tests.study.conftest import NOW, make_deck


def reviewed_deck(service: StudyService, n: int) -> int:
    """A deck of ``n`` cards all in review state, learnt on different days (varied recall)."""
    deck = service.imports.parsed(make_deck(n))
    service.decks.set_limits(deck.deck_id, n, 1000)
    for i, card_id in enumerate(service.reviews.queue(deck.deck_id, NOW)):
        when = NOW - timedelta(days=40 - i)
        service.reviews.record(card_id, Rating.GOOD, 0, when)
        service.reviews.record(
            card_id, Rating.GOOD if i % 2 else Rating.EASY, 0, when + timedelta(minutes=11)
        )
    return deck.deck_id


def snapshot(service: StudyService, deck_id: int) -> list:
    return [
        (r.id, r.state, r.due, r.stability, r.difficulty, r.reps)
        for r in service.cards.browse(deck_id=deck_id, now=NOW)
    ]


def test_quiz_never_touches_the_schedule(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 8)
    other = service.imports.parsed(make_deck(5, name="Other", source="o.txt", prefix="Elsewhere"))
    before = snapshot(service, deck_id)
    queue_before = service.reviews.queue(deck_id, NOW + timedelta(days=3))
    questions = service.quiz(deck_id, 5, "choice", seed=3)
    assert len(questions) == 5
    deck_answers = {r.back for r in service.cards.browse(deck_id=deck_id)}
    other_answers = {r.back for r in service.cards.browse(deck_id=other.deck_id)} - deck_answers
    for q in questions:
        assert q.mode == "choice" and len(q.choices) == 4 and len(set(q.choices)) == 4
        assert q.correct_index is not None and q.choices[q.correct_index] == q.answer
        assert set(q.choices) <= deck_answers and not set(q.choices) & other_answers
        service.reviews.record(q.card_id, Rating.AGAIN, 800, NOW, kind="quiz")
    assert snapshot(service, deck_id) == before
    assert service.reviews.queue(deck_id, NOW + timedelta(days=3)) == queue_before
    stats = service.stats(NOW)
    assert stats.reviews_total == 16  # quiz answers are not reviews
    assert service.reviews.undo_depth() == 16  # and are not undone as reviews


def test_typed_quiz_and_lenient_grading(service: StudyService) -> None:
    deck_id = reviewed_deck(service, 3)
    questions = service.quiz(deck_id, 10, "typed", seed=1)
    assert len(questions) == 3 and all(q.mode == "typed" and not q.choices for q in questions)
    grade = QuizPart.grade_typed
    assert grade("Wasserstein distance", "wasserstein distance!")
    assert grade("Wasserstein distance", "the Wasserstien distance")  # article, typo
    assert grade("Kullback–Leibler divergence", "kullback leibler divergence")
    assert grade("Café", "cafe")
    assert grade(
        "The encoder and the decoder. The encoder takes input and downsizes it.",
        "encoder and decoder",
    )
    assert not grade("Wasserstein distance", "Jensen-Shannon divergence")
    assert not grade("Generator", "")
    assert not grade("mode collapse", "vanishing gradients")


def test_quiz_skips_cards_without_answer(service: StudyService) -> None:
    from studyapp.deckfmt import ParsedCard

    parsed = make_deck(3)
    parsed.cards.append(ParsedCard("Image card", "", 99, flags=["answer-missing", "image-missing"]))
    parsed.cards.append(ParsedCard("Blank card", "", 100, flags=["answer-missing"]))
    deck = service.imports.parsed(parsed)
    assert {q.prompt for q in service.quiz(deck.deck_id, 10, "typed")} == {
        f"Question {i}?" for i in range(3)
    }
    summary = service.decks.get(deck.deck_id, NOW)
    assert summary.suspended_missing == 2
    image = service.cards.get(next(iter(service.cards.browse("Image card"))).id)
    assert image.suspended and image.missing_reason and "image" in image.missing_reason
    blank = service.cards.get(next(iter(service.cards.browse("Blank card"))).id)
    assert blank.suspended and blank.missing_reason and "image" not in blank.missing_reason


def real_decks() -> list[list[tuple[int, str, str]]]:
    """The bundled decks' quiz material: (id, front, back) of cards with an answer."""
    from pathlib import Path

    from studyapp.deckfmt import parse_file

    root = Path(__file__).resolve().parents[2] / "decks"
    decks = []
    for path in sorted(root.glob("*.txt")):
        cards = parse_file(path).cards
        decks.append([(i, c.front, c.back) for i, c in enumerate(cards) if c.back.strip()])
    return decks


def test_the_right_choice_is_not_the_longest_more_often_than_chance() -> None:
    import random

    from studyapp.study.quiz import make_quiz
    from studyapp.study.quiz_distractors import _bulleted

    asked = longest = shortest = bulleted = lone_bullets = 0
    for cards in real_decks():
        for seed in range(10):
            for q in make_quiz(cards, len(cards), "choice", random.Random(seed)):
                if len(q.choices) < 4 or q.correct_index is None:
                    continue
                asked += 1
                sizes = [len(c) for c in q.choices]
                right = sizes[q.correct_index]
                longest += right == max(sizes) and sizes.count(right) == 1
                shortest += right == min(sizes) and sizes.count(right) == 1
                if _bulleted(q.answer):
                    bulleted += 1
                    lone_bullets += sum(map(_bulleted, q.choices)) == 1
    print(f"right answer longest {longest / asked:.1%}, shortest {shortest / asked:.1%}, "
          f"only bulleted {lone_bullets}/{bulleted} of {asked} questions")  # fmt: skip
    assert asked >= 500
    assert 0.18 <= longest / asked <= 0.35
    assert 0.18 <= shortest / asked <= 0.35
    assert lone_bullets <= 0.1 * bulleted


def test_distractors_come_from_the_same_concept_and_shape() -> None:
    import random

    from studyapp.study.quiz_distractors import distractors
    from studyapp.study.quiz_glossary import bundled

    others = [
        ("What is KL divergence?", "A measure of how one distribution differs from another."),
        ("Why clip the critic?", "To keep it 1-Lipschitz."),
        ("Losses of a WGAN? (2)", "• Critic loss\n• Generator loss"),
        ("Benefits of WGANs? (2)", "• Vanishing gradient\n• Mode collapse"),
        ("Issues of min-max loss? (2)", "• Vanishing gradients\n• Unbalanced updates"),
        ("Who wrote it?", "Goodfellow"),
        ("Which two compete?", "The generator and the discriminator."),
    ]
    right = ("Loss functions for GANs? (2)", "• Min-max loss\n• Wasserstein")
    for seed in range(20):
        picked = distractors(right, others, 3, random.Random(seed), bundled())
        assert len(picked) == 3 and right[1] not in picked
        assert sum(p.startswith("•") for p in picked) >= 2  # the bulleted ones
