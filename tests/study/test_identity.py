"""Card identity across re-imports: typo fixes keep history, removed cards keep their log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from studyapp.deckfmt import ParsedCard, ParsedDeck
from studyapp.study.service import Rating, StudyService
from tests.study.conftest import NOW, make_deck


def ids_by_front(service: StudyService, deck_id: int, removed: bool = False) -> dict[str, int]:
    return {r.front: r.id for r in service.cards.browse(deck_id=deck_id, include_removed=removed)}


def test_reimport_never_duplicates(service: StudyService) -> None:
    first = service.imports.parsed(make_deck(5))
    again = service.imports.parsed(make_deck(5))
    assert (first.added, again.added, again.unchanged) == (5, 0, 5)
    assert len(service.cards.browse(deck_id=first.deck_id)) == 5
    assert len(service.decks()) == 1


def test_typo_fix_keeps_history(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(5))
    before = ids_by_front(service, deck.deck_id)
    card_id = before["Question 2?"]
    service.reviews.record(card_id, Rating.GOOD, 0, NOW)
    fixed = make_deck(5)
    fixed.cards[2] = ParsedCard("Qeustion 2 (fixed)?", "Answer number 2", line=5)
    fixed.cards[3] = ParsedCard("Question 3?", "Answer numbr 3.", line=7)
    report = service.imports.parsed(fixed)
    assert (report.added, report.updated, report.removed) == (0, 2, 0)
    after = ids_by_front(service, deck.deck_id)
    assert after["Qeustion 2 (fixed)?"] == card_id
    assert after["Question 3?"] == before["Question 3?"]
    card = service.cards.get(card_id)
    assert card.reps == 1 and card.state == "learning" and card.front == "Qeustion 2 (fixed)?"


def test_new_answer_for_the_same_question_keeps_the_card(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(3))
    card_id = ids_by_front(service, deck.deck_id)["Question 1?"]
    changed = make_deck(3)
    changed.cards[1] = ParsedCard("Question 1?", "A completely rewritten answer", line=3)
    service.imports.parsed(changed)
    assert service.cards.get(card_id).back == "A completely rewritten answer"


def test_removed_card_keeps_log_and_leaves_queue(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(4))
    gone_id = ids_by_front(service, deck.deck_id)["Question 3?"]
    service.reviews.record(gone_id, Rating.GOOD, 0, NOW)
    report = service.imports.parsed(make_deck(3))
    assert report.removed == 1
    assert gone_id not in service.reviews.queue(deck.deck_id, NOW + timedelta(days=1))
    assert gone_id not in ids_by_front(service, deck.deck_id).values()
    assert ids_by_front(service, deck.deck_id, removed=True)["Question 3?"] == gone_id
    assert service.stats(NOW).reviews_total == 1
    back = service.imports.parsed(make_deck(4))
    assert back.restored == 1 and service.cards.get(gone_id).reps == 1


def test_reordering_keeps_identity(service: StudyService) -> None:
    deck = service.imports.parsed(make_deck(6))
    before = ids_by_front(service, deck.deck_id)
    shuffled = make_deck(6)
    shuffled.cards.reverse()
    report = service.imports.parsed(shuffled)
    assert report.added == 0 and ids_by_front(service, deck.deck_id) == before
    assert service.cards.browse(deck_id=deck.deck_id)[0].front == "Question 5?"


def test_duplicate_cards_are_distinct_and_stable(service: StudyService) -> None:
    def deck() -> ParsedDeck:
        cards = [ParsedCard("Same?", "Same.", 1), ParsedCard("Same?", "Same.", 3)]
        return ParsedDeck("Dup", "deck", "dup.txt", cards)

    first = service.imports.parsed(deck())
    again = service.imports.parsed(deck())
    assert first.added == 2 and again.unchanged == 2
    assert len(service.cards.browse(deck_id=first.deck_id)) == 2


def test_app_edit_survives_resync_and_file_changes(service: StudyService) -> None:
    """What the user wrote wins over the file (issue 19, item 4); a side the user left alone
    follows the file, and the report counts the cards whose edit was kept."""
    deck = service.imports.parsed(make_deck(2))
    card_id = ids_by_front(service, deck.deck_id)["Question 0?"]
    service.cards.edit(card_id, "Question zero, edited?", "Answer number 0")
    service.imports.parsed(make_deck(2))
    assert service.cards.get(card_id).front == "Question zero, edited?"
    changed = make_deck(2)
    changed.cards[0] = ParsedCard("Question 0 (from file)?", "Answer number 0.", 1)
    report = service.imports.parsed(changed)
    assert (report.updated, report.kept) == (1, 1)
    card = service.cards.get(card_id)
    assert (card.front, card.back) == ("Question zero, edited?", "Answer number 0.")


def test_markup_is_stored_literally(service: StudyService) -> None:
    text = "[bold]not bold[/] and [link=x]x[/link] [/]"
    deck = service.imports.parsed(ParsedDeck("M", "deck", "m.txt", [ParsedCard(text, "[/]", 1)]))
    card = service.reviews.peek(deck.deck_id, NOW).card
    assert card is not None and (card.front, card.back) == (text, "[/]")


def test_sync_directory_is_idempotent_and_skips_unchanged_files(
    service: StudyService, tmp_path: Path
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "mine.txt"
    path.write_text(
        "Q: What is a GAN?\nA: Two networks.\n\nQ: What is a VAE?\nA: An autoencoder.\n"
    )
    first = service.decks.sync_bundled(decks)
    assert len(first) == 1 and first[0].added == 2, first
    second = service.decks.sync_bundled(decks)
    assert second[0].skipped and second[0].deck_id == first[0].deck_id
    path.write_text(
        "Q: What is a GAN?\nA: Two networks!\n\nQ: What is a VAE?\nA: An autoencoder.\n"
    )
    third = service.decks.sync_bundled(decks)
    assert (third[0].added, third[0].updated, third[0].unchanged) == (0, 1, 1)
    assert len(service.decks()) == 1


def test_sync_reports_a_bad_file_without_failing(service: StudyService, tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "broken.txt").write_bytes(b"\x00\x01\x02 not a deck \xff\xfe")
    reports = service.decks.sync_bundled(decks)
    assert len(reports) == 1
    assert reports[0].deck_id == 0 and reports[0].warnings


def test_anki_keys_trust_a_guid_only_with_its_note_type_and_lineage() -> None:
    from studyapp.study.identity import anki_key

    key = anki_key("Ab1:x", 2, "Basic", "Course::Week 1", "Q?", "A")
    assert key.startswith("anki:") and key.endswith(":2")
    assert key == anki_key("Ab1:x", 2, "Basic", "Course::Week 2", "Q, edited?", "B")  # never text
    assert key != anki_key("Ab1:x", 3, "Basic", "Course::Week 1", "Q?", "A")
    assert key != anki_key("Ab1:x", 2, "Cloze", "Course::Week 1", "Q?", "A")
    assert key != anki_key("Ab1:x", 2, "Basic", "Other course", "Q?", "A")
    for blank in (None, "", " "):  # no GUID: the text decides, never the empty GUID
        assert anki_key(blank, 0, "Basic", "C", "Q?", "A") == anki_key(
            "", 0, "Basic", "C", "Q?", "A"
        )
        assert anki_key(blank, 0, "Basic", "C", "Q?", "A") != anki_key(
            blank, 0, "Basic", "C", "R?", "A"
        )


def test_same_deck_needs_half_the_cards_in_common() -> None:
    from studyapp.study.identity import same_deck

    stored = {"a", "b", "c", "d"}
    assert same_deck(stored, ["a", "b", "x", "y"])  # half: a version of the deck
    assert not same_deck(stored, ["a", "x", "y", "z"])  # a different deck with one overlap
    assert not same_deck({"a1", "a2"}, ["b1"])  # issue 12's a/deck.txt vs b/deck.txt
    assert same_deck(set(), ["b1"])  # an empty deck is nobody's
