"""Terminal injection (issue 12, item 10): deck text never reaches a terminal raw.

Escape sequences and other C0/C1 control characters in deck files (card text, deck names,
tags) and in file names are stripped at import and again at every output; tab and new line
stay. A NUL byte anywhere makes the file binary, not card text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.deckfmt import DeckParseError, parse_file, parse_text
from studyapp.textsafe import CONTROL_RE, has_controls, strip_controls

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "decks"
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
C1 = "\x9b31m\x85"  # CSI and NEL as single C1 characters
EVIL = CLEAR + TITLE + C1 + "\x08\x7f\x00"

NATIVE = (
    f"deck: Evil{TITLE} deck\ntags: t{CLEAR}ag\n\n"
    f"Q: What{CLEAR} is\tthis?\nA: an{C1} answer\x07\n  second line\n"
)


def test_strip_controls_keeps_tab_and_newline() -> None:
    assert strip_controls(f"a\tb\nc{EVIL}d") == "a\tb\nc[2J]0;pwned31md"
    assert not has_controls(strip_controls(EVIL)) and has_controls(EVIL)
    assert strip_controls("plain ünïcode — ok") == "plain ünïcode — ok"


def _no_controls(*texts: str) -> None:
    for text in texts:
        assert CONTROL_RE.search(text) is None, repr(text)


def test_native_deck_parses_without_controls() -> None:
    deck = parse_text(NATIVE, "deck", "evil.txt")
    card = deck.cards[0]
    assert deck.name == "Evil]0;pwned deck"
    assert card.front == "What[2J is\tthis?"
    assert card.back == "an31m answer\nsecond line"
    assert card.tags == ["t[2Jag"]


PURE = "\x1b\x07\x9b\x85\x08\x7f\x00\x0c"
"""Controls alone: stripping them must give back the clean deck exactly."""


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_format_strips_controls(fixture: str) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    # controls after every word: wherever a parser takes text from, it gets some
    dirty = text.replace(" ", f" {PURE}").replace("\n", f"{PURE}\n")
    clean = parse_text(text, "auto", fixture)
    deck = parse_text(dirty, "auto", fixture)
    assert (deck.format, deck.name, deck.cards) == (clean.format, clean.name, clean.cards)
    _no_controls(deck.name)
    for card in deck.cards:
        _no_controls(card.front, card.back, *card.tags)


def test_nul_after_the_first_64_kib_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.txt"
    path.write_bytes(b"Q: a\nA: b\n" * 8000 + b"Q: c\x00\nA: d\n")
    with pytest.raises(DeckParseError) as info:
        parse_file(path)
    assert str(info.value) == f"{path}:16001: binary data (NUL byte), not a text deck"


def test_error_messages_do_not_carry_controls() -> None:
    error = DeckParseError(f"bad {CLEAR}", f"file{TITLE}.txt", 3)
    assert str(error) == "file]0;pwned.txt:3: bad [2J"


def test_ui_literal_text_strips_controls() -> None:
    from studyapp.ui.text import literal

    text = literal(f"[bold]card[/]{CLEAR}")
    assert text.plain == "[bold]card[/][2J"  # no markup parsed, no escape kept
    assert not text.spans


# -- the CLI: stdout and stderr carry no raw control character ---------------------------


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "STUDYAPP_HOME": str(home), "STUDYAPP_DECKS": str(home / "none")},
    )
    for stream in (done.stdout, done.stderr):
        text = stream.decode("utf-8")
        assert CONTROL_RE.search(text) is None, repr(text[:300])
    return done


@pytest.fixture
def evil_deck(tmp_path: Path) -> Path:
    folder = tmp_path / f"dir{CLEAR}"
    folder.mkdir()
    path = folder / f"evil{TITLE}.deck.txt"
    path.write_text(NATIVE + "\nQ: second\nA:\n", encoding="utf-8")
    return path


def test_deck_parse_summary_json_and_errors(evil_deck: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _cli(home, "deck", "parse", str(evil_deck))
    assert done.returncode == 0 and b"Evil]0;pwned deck" in done.stdout
    done = _cli(home, "deck", "parse", str(evil_deck), "--json")
    payload = json.loads(done.stdout)
    assert payload["deck"] == "Evil]0;pwned deck"
    assert payload["cards"][0]["front"] == "What[2J is\tthis?"
    broken = evil_deck.with_name(f"broken{CLEAR}.txt")
    broken.write_bytes(b"\xff\xfe\xfd")
    done = _cli(home, "deck", "parse", str(broken))
    assert done.returncode == 1 and b"broken[2J.txt" in done.stderr


def test_import_stats_and_decks(evil_deck: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    plain = evil_deck.with_name("evil.deck.txt")  # a file name import accepts, in an evil folder
    evil_deck.rename(plain)
    done = _cli(home, "import", str(plain))
    assert done.returncode == 0, done.stderr
    assert b"Evil]0;pwned deck" in done.stdout
    done = _cli(home, "stats")
    assert done.returncode == 0, done.stderr
    assert b"Evil]0;pwned deck" in done.stdout
    done = _cli(home, "decks")
    assert done.returncode == 0, done.stderr
    assert b"Evil]0;pwned deck" in done.stdout
