"""Quizlet-style term lists: a term line, then its answer lines (often ``- `` bullets).

Which non-bullet line is a new term and which is an answer is decided from the shape of the
lines (:mod:`studyapp.deckfmt.textshape`):

- a formula line right after a term continues it when the term is a prompt for it (see
  :func:`~studyapp.deckfmt.textshape.formula_continues_prompt`); an image placeholder
  line is the (missing) answer;
- after a term with no answer yet, a line is its answer if the term asks for a short answer
  (a ``___`` blank, ``T/F``, a ``(min/max)`` choice, a question mark) or the line reads as a
  sentence; otherwise the term had no answer (``answer-missing``) and the line is a new term;
- once a term has answer lines, bullets and formulas continue the answer, a line starting in
  lower case continues an answer line that broke off, and any other line is the next term.
"""

from __future__ import annotations

from collections.abc import Sequence

from studyapp.deckfmt.cards import IMAGE_RE, DeckBuilder, deck_title, is_bullet
from studyapp.deckfmt.detect import shape
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.textshape import (
    asks_short_answer,
    formula_continues_prompt,
    is_formula,
    is_question,
    is_sentence,
)


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("quizlet", source)
    name = default_name
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and _is_title(lines, start):
        name = deck_title(lines[start])
        start += 1
    term: list[str] = []
    answer: list[str] = []
    term_line = 0
    after_blank = False

    def flush() -> None:
        if term:
            deck.add(term, answer, term_line)

    for index in range(start, len(lines)):
        raw = lines[index]
        text = raw.strip()
        if not text:
            after_blank = True
            if answer:
                answer.append("")
            continue
        number = index + 1
        if is_bullet(text):
            if term:
                answer.append(raw)
            else:
                deck.warn(number, f"bullet before any term skipped: {text[:40]!r}")
            after_blank = False
            continue
        if term and not answer:
            if IMAGE_RE.fullmatch(text):
                answer.append(raw)
            elif is_formula(text) and formula_continues_prompt(
                " ".join(term), text, _next_content(lines, index)
            ):
                term.append(raw)
            elif is_formula(text):
                answer.append(raw)
            elif _new_term_after_term(term[0].strip(), text):
                flush()
                term, answer, term_line = [raw], [], number
            else:
                answer.append(raw)
        elif term and not after_blank and (is_formula(text) or _continues(answer, text)):
            answer.append(raw)
        else:
            flush()
            term, answer, term_line = [raw], [], number
        after_blank = False
    flush()
    return deck.finish(name)


def _is_title(lines: list[str], index: int) -> bool:
    text = lines[index].strip()
    if text.lower().endswith("flashcards"):
        return True
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return not following  # a first line set apart by a blank line


def _new_term_after_term(term: str, text: str) -> bool:
    """Is ``text`` (after a term with no answer yet) the next term rather than the answer?"""
    if "__" in text or text.endswith("?") or text.lower().startswith("t/f"):
        return True
    if asks_short_answer(term):
        return False
    if is_sentence(text) or text.lower().startswith(("true", "false", "yes", "no ")):
        return False
    return not is_question(term) or is_question(text)


def _continues(answer: list[str], text: str) -> bool:
    """A lower-case line after an answer line that broke off (``,``, ``:``, ``-``, ``(``)."""
    previous = next((line.strip() for line in reversed(answer) if line.strip()), "")
    return text[:1].islower() and previous.endswith((",", ":", "-", "(", "&", "+"))


def _next_content(lines: list[str], index: int) -> str | None:
    for position in range(index + 1, len(lines)):  # no slice copy: linear in lines
        if lines[position].strip():
            return lines[position]
    return None


def sniff(lines: Sequence[str]) -> float:
    """Short runs of bullets, or several plain term lines: 0.55 (the last resort)."""
    measured = shape(lines)
    if measured.bullet_share >= 0.1 or (
        measured.plain_count >= 4 and measured.question_share < 0.3
    ):
        return 0.55
    return 0.1


FORMAT = TextFormat(
    "quizlet", "a term line followed by its answer lines or `- ` bullets", sniff, parse
)
