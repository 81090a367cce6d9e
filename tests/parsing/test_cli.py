"""The command-line contract: ``studyapp deck parse`` and ``studyapp decks``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.cli import main
from tests.parsing.conftest import DECKS, FIXTURES, ROOT

CARD_KEYS = {"front", "back", "line", "flags", "tags", "experiments"}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_json_contract_in_a_subprocess() -> None:
    result = run_cli("deck", "parse", str(DECKS / "gan-papers-outline.txt"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    payload = json.loads(result.stdout)  # exactly one JSON object
    assert set(payload) == {"format", "score", "deck", "cards", "warnings"}
    assert payload["format"] == "outline"
    assert 0.5 <= payload["score"] <= 1.0  # detected, confidently
    assert payload["deck"] == "gan-papers-outline"
    assert len(payload["cards"]) == 12
    first = payload["cards"][0]
    assert set(first) == CARD_KEYS
    assert first == {
        "front": "GAN › Concept (One Line)",
        "back": first["back"],
        "line": 4,
        "flags": [],
        "tags": [],
        "experiments": first["experiments"],
    }
    assert all(isinstance(e, str) for e in first["experiments"])
    assert payload["warnings"] == []  # a bundled deck warns of nothing at first launch


def test_json_in_process_with_flags_and_experiments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deck", "parse", str(FIXTURES / "transformers.deck.txt"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["format"] == "deck"
    cards = payload["cards"]
    assert cards[1]["experiments"][:2] == ["latent-dim", "checkerboard"]
    assert cards[3]["flags"] == ["answer-missing", "image-missing"]
    assert cards[0]["tags"] == ["nlp", "softmax", "sampling"]


def test_format_flag_overrides_detection(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DECKS / "quiz5-module4-gans-vaes.txt")
    assert main(["deck", "parse", path, "--format", "quizlet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "quizlet"


def test_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DECKS / "gan-papers-outline.txt")
    assert main(["deck", "parse", path]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "gan-papers-outline\n  format: outline (detected, score 0.70)\n  cards:  12\n"
        "  warnings: 0\n"
    )
    assert "GAN › Analogy" in out
    assert "Papers To Read" not in out  # a to-do list is not a card


def test_summary_names_a_given_format_and_file_of_each_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deck.md"
    path.write_text("a::b\n\n" + " ".join(f"=={i}==" for i in range(60)) + "\n", "utf-8")
    assert main(["deck", "parse", str(path), "--format", "obsidian"]) == 0
    out = capsys.readouterr().out
    assert "  format: obsidian (given with --format)\n" in out
    assert f"{path}:3: warning: 60 highlights in one paragraph; the first 50 kept" in out


def test_summary_counts_missing_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deck", "parse", str(DECKS / "dl09-generative-models.txt")]) == 0
    assert "cards:  74 (13 with the answer missing, suspended by default)" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.txt", None, ": no such file"),
        ("dir", "DIR", ": is a directory, not a deck file"),
        ("binary.bin", b"\x7fELF\x00\x00", ":1: binary data (NUL byte), not a text deck"),
        ("latin1.txt", "Q: ok\nA: caf\xe9".encode("latin-1"), ":2: not valid UTF-8"),
        ("empty.txt", b"", ": the deck is empty"),
        ("huge.txt", "HUGE", ": file too large (50.0 MiB; the limit is 32 MiB)"),
        ("prose.txt", b"one line of prose and nothing else", ": cannot tell the deck format"),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | str | None,
    expected: str,
) -> None:
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif content == "HUGE":
        with path.open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert main(["deck", "parse", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"studyapp: error: {path}{expected}")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_bad_input_in_a_subprocess_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Q: fine\nA: \xff\xfe")
    result = run_cli("deck", "parse", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"studyapp: error: {path}:2: not valid UTF-8")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_unknown_format_choice_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["deck", "parse", "x.txt", "--format", "pdf"])
    assert info.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_deck_without_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deck"]) == 2
    assert "studyapp deck parse FILE" in capsys.readouterr().err


def test_decks_lists_bundled_and_user_decks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "lecture.txt").write_bytes((DECKS / "lecture13-gan-flashcards.txt").read_bytes())
    (bundled / ".hidden").write_text("ignored", encoding="utf-8")
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "mine.deck.txt").write_text("Q: a?\nA: b\n\nQ: c?\nA:\n", "utf-8")
    (home / "decks" / "broken.txt").write_bytes(b"Q: a\nA: caf\xe9\n")  # Latin-1
    monkeypatch.setenv("STUDYAPP_DECKS", str(bundled))
    monkeypatch.setenv("STUDYAPP_HOME", str(home))
    assert main(["decks", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["decks"]
    summary = [(r["origin"], r["name"], r["format"], r["cards"], r["answer_missing"]) for r in rows]
    assert summary == [
        ("bundled", "Generative Adversarial Network (Lecture 13)", "qa", 8, 0),
        ("user", "broken", None, 0, 0),
        ("user", "mine.deck", "deck", 2, 1),
    ]
    assert "not valid UTF-8" in rows[1]["error"]
    assert main(["decks"]) == 0
    out = capsys.readouterr().out
    assert "      8  Generative Adversarial Network (Lecture 13)  (qa)  lecture.txt" in out
    assert "      2  mine.deck  (deck, 1 answer missing)  mine.deck.txt" in out
    assert out.rstrip().endswith("3 decks, 10 cards")


def test_deck_parse_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from studyapp.cli import main\n"
        f"main(['deck', 'parse', {str(DECKS / 'quiz5-module4-gans-vaes.txt')!r}, '--json'])\n"
        "heavy = {'torch', 'textual', 'sqlmodel', 'sqlalchemy', 'pylatexenc', 'matplotlib'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"  # no LaTeX in this deck: not even pylatexenc


# -- issue 19, item 14: one unknown id keeps the others; the summary counts every warning ----

LINKED = "Q: What colour is the sky?\nA: Blue.\nexperiments: kl-term, foo\n"  # no text link


def test_one_unknown_experiment_id_keeps_the_valid_links() -> None:
    from studyapp.experiments.links import card_links

    assert card_links("What is a GAN?", "", ("kl-term", "foo")) == (
        ["kl-term"],
        [card_links("x", "", ("foo",))[1][0]],
    )
    linked, problems = card_links("What is the reparameterization trick?", "", ("foo", "bar"))
    assert linked == ["reparameterization"]  # none valid: matched from the text, as before
    assert [p.split(";")[0] for p in problems] == [
        "unknown experiment 'foo'",
        "unknown experiment 'bar'",
    ]


def test_import_keeps_the_valid_links_and_warns(tmp_path: Path) -> None:
    from studyapp.deckfmt import parse_text
    from studyapp.study.service import StudyService

    service = StudyService.open(str(tmp_path / "s.db"))
    try:
        report = service.imports.parsed(parse_text(LINKED, "deck", "l.deck"))
        [row] = service.cards.browse("")
    finally:
        service.close()
    assert row.experiments == ("kl-term",)
    assert [w.split(";")[0] for w in report.warnings] == ["l.deck:1: unknown experiment 'foo'"]


def test_summary_and_json_count_the_same_warnings(tmp_path: Path) -> None:
    deck = tmp_path / "linked.txt"
    deck.write_text(LINKED, encoding="utf-8")
    plain = run_cli("deck", "parse", str(deck))
    as_json = json.loads(run_cli("deck", "parse", str(deck), "--json").stdout)
    assert len(as_json["warnings"]) == 1
    assert as_json["cards"][0]["experiments"] == ["kl-term"]
    assert "  warnings: 1\n" in plain.stdout
    assert f"{deck}:1: warning: unknown experiment 'foo'" in plain.stdout
