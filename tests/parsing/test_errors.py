"""Bad input: one clear DeckParseError naming the file and, where it applies, the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.deckfmt import MAX_DECK_BYTES, DeckParseError, parse_file, parse_text
from studyapp.deckfmt.detect import detect_format
from studyapp.deckfmt.source import split_lines


def error_of(path: Path, fmt: str = "auto") -> str:
    with pytest.raises(DeckParseError) as info:
        parse_file(path, fmt)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.txt").endswith(": no such file")


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in error_of(tmp_path)


def test_binary(tmp_path: Path) -> None:
    path = tmp_path / "deck.bin"
    path.write_bytes(b"Q: fine\nA: \x00\x01\x02binary")
    assert error_of(path).endswith(":2: binary data (NUL byte), not a text deck")


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Q: one\nA: two\nQ: caf\xe9\n".encode("latin-1"))
    message = error_of(path)
    assert f"{path}:3: not valid UTF-8 (byte 0xe9 at column 7)" in message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert error_of(path).endswith("the deck is empty")


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 50 MB without writing 50 MB
        handle.truncate(50 * 1024 * 1024)
    assert MAX_DECK_BYTES < 50 * 1024 * 1024
    assert "file too large (50.0 MiB; the limit is 32 MiB)" in error_of(path)


def test_unknown_format_name(tmp_path: Path) -> None:
    path = tmp_path / "deck.txt"
    path.write_text("Q: a\nA: b\n", encoding="utf-8")
    assert "unknown format 'pdf'" in error_of(path, "pdf")


def test_undetectable_format() -> None:
    with pytest.raises(DeckParseError) as info:
        parse_text("just one line of prose without anything else")
    message = str(info.value)
    assert message.startswith("<string>: cannot tell the deck format (likeliest: ")
    assert message.count("(0.") == 2  # the two likeliest formats, with their scores
    assert "pass --format (anki-text, apkg, brainscape, csv," in message


def test_no_cards_found_names_the_format() -> None:
    with pytest.raises(DeckParseError, match="no cards found when read as 'notes'"):
        parse_text("Title\n\nsome prose here.\n\nmore prose there.\n", "notes", "n.txt")


def test_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("\ufeffQ: one?\r\nA: two\r\n\r\nQ: three?\r\nA: four\r\n".encode())
    deck = parse_file(path)
    assert [(c.front, c.back, c.line) for c in deck.cards] == [
        ("one?", "two", 1),
        ("three?", "four", 4),
    ]


def test_split_lines_only_on_newlines_and_drops_controls() -> None:
    # \x0c (form feed) is a control character: gone; U+2028 is not a line break here.
    assert split_lines("a\x0cb\u2028c\r\nd\re\tf") == ["ab\u2028c", "d", "e\tf"]


class TestNativeFormatErrors:
    @pytest.mark.parametrize(
        ("text", "line", "message"),
        [
            ("hello\nQ: a\nA: b\n", 1, "text before the first 'Q:'"),
            ("Q: a\nA: b\nA: c\n", 3, "second 'A:' in one card"),
            ("Q:\nA: b\n", 1, "empty question after 'Q:'"),
            ("A: b\n", 1, "'A:' before the first 'Q:'"),
            ("Q: a\nA: b\nexperiments: Bad Name!\n", 3, "bad experiment name 'Bad'"),
            ("Q: a\nA: b\ndeck: late\n", 3, "'deck:' must come before the first card"),
        ],
    )
    def test_errors_carry_the_line(self, text: str, line: int, message: str) -> None:
        with pytest.raises(DeckParseError) as info:
            parse_text(text, "deck", "my.deck")
        assert info.value.line == line
        assert str(info.value).startswith(f"my.deck:{line}: {message}")

    def test_keywords_only_in_first_column(self) -> None:
        deck = parse_text("Q: a\nA: first\n  tags: not a keyword\n# comment\n", "deck")
        assert deck.cards[0].back == "first\ntags: not a keyword"
        assert deck.cards[0].tags == []

    def test_question_on_following_lines(self) -> None:
        deck = parse_text("Q:\n  What is\n  this?\nA: that\n", "deck")
        assert deck.cards[0].front == "What is\nthis?"


def test_anki_bad_separator() -> None:
    with pytest.raises(DeckParseError, match="unknown #separator: 'weird'"):
        parse_text("#separator:weird\na\tb\n", "anki-text", "x.txt")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("#separator:tab\nfront\tback\n", "anki-text"),
        ("Encoder\tmaps x to z\nDecoder\tmaps z to x\n", "anki-text"),
        ("Front\tBack\nEncoder\tmaps x to z\n", "csv"),  # a header row: a table
        ('"Question","Answer"\n"a, b","c ""d"""\n', "csv"),
        ("- q #card\n\t- a\n- r #card\n\t- b\n", "logseq"),
        ("#flashcards\n\nq::a\nr:::b\n", "obsidian"),
        ("deck: X\n\nQ: a\nA: b\n", "deck"),
        ("T\n\n1\nQ\n\nS\n\nq?\n\nA\n\na\n", "brainscape"),
        ("Topic\n-\nBlock\n- x\n-\nOther\n- y\n", "outline"),
        ("What is a?\nan a\nWhat is b?\na b\nWhy c?\nbecause\n", "qa"),
        ("Notes\n\nX = a thing\n\nsome prose.\n\nY = another\n\nmore.\n", "notes"),
        ("Terms Flashcards\nTerm one\n- def\nTerm two\n- def\n", "quizlet"),
    ],
)
def test_detection(text: str, fmt: str) -> None:
    assert detect_format(split_lines(text)) == fmt


def test_brainscape_without_card_numbers_or_footers() -> None:
    deck = parse_text("My deck Flashcards\n\nQ\n\nS\n\nq?\n\nA\n\na\nQ\nS\n\nq2?\nA\n")
    assert deck.name == "My deck"
    assert [(c.front, c.back, c.flags) for c in deck.cards] == [
        ("q?", "a", []),
        ("q2?", "", ["answer-missing"]),
    ]


def test_outline_bullets_before_any_topic() -> None:
    deck = parse_text("- Idea\n  - first\n  - second\n", "outline")
    assert [(c.front, c.back) for c in deck.cards] == [("Idea", "• first\n• second")]


def test_native_tags_deduplicated_and_answer_missing_derived() -> None:
    text = "tags: a\n\nQ: q\nA: x\ntags: a b\nflags: answer-missing, tricky\n\nQ: r\nA:\n"
    first, second = parse_text(text, "deck").cards
    assert (first.tags, first.flags) == (["a", "b"], ["tricky"])
    assert second.flags == ["answer-missing"]
