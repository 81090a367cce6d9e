"""Terminal injection (issue 12, item 10; issue 19, item 7): nothing reaches a terminal raw.

Escape sequences, other C0/C1 control characters and bidi overrides in deck files (card
text, deck names, tags) and in file names are stripped at every way in (a deck named after
its file included) and escaped at every way out (CLI errors and echoes, the TUI's toasts
and status lines); tab and new line stay. A NUL byte anywhere makes the file binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studyapp.deckfmt import DeckParseError, parse_file, parse_text
from studyapp.textsafe import CONTROL_RE, escape_controls, has_controls, strip_controls

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "decks"
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
C1 = "\x9b31m\x85"  # CSI and NEL as single C1 characters
EVIL = CLEAR + TITLE + C1 + "\x08\x7f\x00"
BIDI = "\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d"
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"

NATIVE = (
    f"deck: Evil{TITLE} deck\ntags: t{CLEAR}ag\n\n"
    f"Q: What{CLEAR} is\tthis?\nA: an{C1} answer\x07\n  second line\n"
)


def test_strip_controls_keeps_tab_and_newline() -> None:
    assert strip_controls(f"a\tb\nc{EVIL}d") == "a\tb\nc[2J]0;pwned31md"
    assert not has_controls(strip_controls(EVIL)) and has_controls(EVIL)
    assert strip_controls("plain ünïcode — ok") == "plain ünïcode — ok"


def test_bidi_overrides_are_stripped_and_escaped() -> None:
    assert strip_controls(f"abc{BIDI}txt.exe") == "abctxt.exe"
    assert escape_controls("a\u202eb") == "a\\u202eb"
    assert escape_controls(f"x{TITLE}\t\n") == "x\\u001b]0;pwned\\u0007\t\n"
    assert escape_controls("plain — ok\u200d") == "plain — ok\u200d"  # ZWJ: not an override
    assert not has_controls(escape_controls(EVIL + BIDI))


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
    assert str(error) == "file\\u001b]0;pwned\\u0007.txt:3: bad \\u001b[2J"  # shown, not sent


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
    assert done.returncode == 1 and b"broken\\u001b[2J.txt" in done.stderr


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


# -- issue 19, item 7: names taken from file names, and every echo of a path --------------

HOSTILE_NAMES = [f"{TITLE}x", f"{CLIPBOARD}y", f"r\u202eevil{BIDI}"]


@pytest.mark.parametrize("stem", HOSTILE_NAMES)
def test_a_deck_named_after_its_file_is_stored_clean(stem: str, tmp_path: Path) -> None:
    from studyapp.study.service import StudyService

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / f"{stem}.txt").write_text("Q: a?\nA: b\n\nQ: c?\nA:\n", encoding="utf-8")
    assert parse_file(folder / f"{stem}.txt").name == strip_controls(stem)
    service = StudyService.open(str(tmp_path / "s.db"))
    try:
        [report] = service.decks.sync_bundled(folder)
        names = [deck.name for deck in service.decks.list()]
    finally:
        service.close()
    assert names == [strip_controls(stem)] and report.deck_name == strip_controls(stem)
    _no_controls(*names)


def test_a_deck_file_that_fails_is_reported_clean(tmp_path: Path) -> None:
    from studyapp.study.service import StudyService

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / f"{TITLE}bad.txt").write_bytes(b"\xff\xfe\xfd")
    service = StudyService.open(str(tmp_path / "s.db"))
    try:
        [report] = service.decks.sync_bundled(folder)
    finally:
        service.close()
    assert report.skipped and report.deck_name == "]0;pwnedbad"
    _no_controls(report.deck_name, *report.warnings)


def test_cli_errors_and_echoes_escape_hostile_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    missing = tmp_path / f"gone{TITLE}" / "x.apkg"
    done = _cli(home, "export", "--apkg", str(missing))
    assert done.returncode == 1
    assert b"gone\\u001b]0;pwned\\u0007" in done.stderr  # shown escaped, not sent raw
    target = tmp_path / f"out{CLIPBOARD}\u202e.apkg"
    done = _cli(home, "export", "--apkg", str(target))
    assert done.returncode == 0, done.stderr
    assert b"out\\u001b]52;c;cHduZWQ=\\u0007\\u202e.apkg" in done.stdout
    assert target.is_file()
    done = _cli(home, "deck", "parse", str(tmp_path / f"none{BIDI}.txt"))
    assert done.returncode == 1 and b"none\\u202e" in done.stderr


def test_deck_parse_escapes_a_hostile_source_path(tmp_path: Path) -> None:
    deck = tmp_path / f"w{TITLE}.deck.txt"
    deck.write_text("Q: a\nA: b\nexperiments: nosuch\n", encoding="utf-8")
    done = _cli(tmp_path / "home", "deck", "parse", str(deck))
    assert done.returncode == 0
    assert b"w\\u001b]0;pwned\\u0007.deck.txt:1: warning: unknown experiment" in done.stdout


def _tmux(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["tmux", *args], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_tui_never_sends_a_file_name_raw(tmp_path: Path) -> None:
    """A deck file named ``ESC ] 2 ; PWNED BEL x.txt`` (with a warning, so the warnings toast
    names it) in the decks folder: the terminal's title must stay as it was, on the home
    screen (status, detail line, toast) and on the review screen (status line)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    deck = "Q: a?\nA: b\nexperiments: nosuch\n\nQ: c?\nA: d\n"  # a warning: the toast
    (decks / "\x1b]2;PWNED\x07x.txt").write_text(deck, encoding="utf-8")
    env = {
        **os.environ,
        "TMUX_TMPDIR": str(tmp_path),
        "STUDYAPP_HOME": str(tmp_path / "home"),
        "STUDYAPP_DB": str(tmp_path / "home" / "studyapp.db"),
        "STUDYAPP_DECKS": str(decks),
        "PYTHONPATH": str(ROOT),
    }
    command = f"{sys.executable} -m studyapp"
    _tmux(env, "new-session", "-d", "-s", "inj", "-x", "80", "-y", "24", command)
    try:
        _tmux(env, "select-pane", "-t", "inj", "-T", "clean-title")
        deadline = time.monotonic() + 60
        while "Deck warnings" not in _tmux(env, "capture-pane", "-p", "-t", "inj"):
            assert time.monotonic() < deadline, _tmux(env, "capture-pane", "-p", "-t", "inj")
            time.sleep(0.2)
        screen = _tmux(env, "capture-pane", "-p", "-t", "inj")
        assert "PWNED\\u0007x.txt" in screen  # the toast names the file, escapes shown
        assert _tmux(env, "display", "-p", "-t", "inj", "#{pane_title}").strip() == "clean-title"
        _tmux(env, "send-keys", "-t", "inj", "Enter")  # review: the deck name in the status
        time.sleep(2.0)
        assert _tmux(env, "display", "-p", "-t", "inj", "#{pane_title}").strip() == "clean-title"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", "inj"], env=env, capture_output=True)
