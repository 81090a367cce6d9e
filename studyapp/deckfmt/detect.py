"""Guess a deck file's format from the shape of its first few hundred lines.

Strong markers first: Anki ``#separator:``-style headers or tab-separated rows, the native
format's ``Q:``/``A:`` keywords, Brainscape's footer or bare ``Q``/``A`` lines. Then the
shape: outlines have lone ``-`` markers or long runs of bullets, prose notes are mostly
blank-line separated paragraphs, Q/A exports have many question lines and no bullets, term
lists have short bullet runs. If nothing fits, the error asks for ``--format``.
"""

from __future__ import annotations

from studyapp.deckfmt.cards import is_bullet
from studyapp.deckfmt.model import DeckParseError
from studyapp.deckfmt.textshape import is_question

SAMPLE_LINES = 400
ANKI_HEADERS = (
    "#separator:",
    "#html:",
    "#tags:",
    "#deck:",
    "#notetype:",
    "#columns:",
    "#tags column:",
    "#deck column:",
    "#notetype column:",
    "#guid column:",
)


def detect_format(lines: list[str], source: str = "<string>") -> str:
    """The format name for ``lines``, or :class:`DeckParseError` if no format fits."""
    sample = lines[:SAMPLE_LINES]
    content = [line for line in sample if line.strip()]
    if not content:
        raise DeckParseError("the deck is empty", source)
    if any(line.lower().startswith(ANKI_HEADERS) for line in sample[:20]):
        return "anki-text"
    if sum("\t" in line for line in content) * 2 >= len(content):
        return "anki-text"
    lowered = [line.lower() for line in content]
    if any(line.startswith("q:") for line in lowered) and any(
        line.startswith("a:") for line in lowered
    ):
        return "deck"
    stripped = [line.strip() for line in content]
    if "How well did you know this?" in stripped or (
        "Q" in stripped and "A" in stripped[stripped.index("Q") :]
    ):
        return "brainscape"
    bullets = [is_bullet(text) for text in stripped]
    lone_markers = sum(text in ("-", "*", "•") for text in stripped)
    bullet_share = sum(bullets) / len(stripped)
    runs = _bullet_runs(bullets)
    mean_run = sum(runs) / len(runs) if runs else 0.0
    blank_share = 1 - len(content) / len(sample)
    plain = [text for text, bullet in zip(stripped, bullets, strict=True) if not bullet]
    question_share = sum(is_question(text) for text in plain) / len(plain) if plain else 0.0
    if lone_markers >= 2 or (bullet_share >= 0.5 and mean_run >= 3.5):
        return "outline"
    if blank_share >= 0.25 and question_share < 0.3:
        return "notes"
    if bullet_share <= 0.1 and question_share >= 0.3:
        return "qa"
    if bullet_share >= 0.1 or (len(plain) >= 4 and question_share < 0.3):
        return "quizlet"
    raise DeckParseError(
        "cannot tell the deck format; pass --format "
        "(brainscape, quizlet, qa, outline, notes, anki-text or deck)",
        source,
    )


def _bullet_runs(bullets: list[bool]) -> list[int]:
    runs: list[int] = []
    length = 0
    for bullet in bullets:
        if bullet:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    if length:
        runs.append(length)
    return runs
