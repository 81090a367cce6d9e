"""What kind of answer a card has, and how an answer reads as one option of a choice.

A multiple-choice question gives away its answer when the options differ in kind: an
expansion ("Deep Convolutional GAN") among definitions, a list of steps among role pairs.
Kinds come in families: short answers (``expansion``, ``term``, ``choice``: one of the words
a fill-in offers, "minimize"), lists (``list`` of items, numbered or sentence ``steps``), a
``formula``, and ``prose`` (sentences, notes). :func:`option` is an answer on one
paragraph (bullets joined with " · "), :func:`lines` how many lines it takes at a width.
"""

from __future__ import annotations

import re
import textwrap
from typing import Literal

from studyapp.study.quiz_answer import bullets as listed
from studyapp.study.quiz_claims import leads_with_formula
from studyapp.study.quiz_glossary import SHORT_FOR, Glossary
from studyapp.study.quiz_words import BULLET, STOPWORDS, fold, stem

Kind = Literal["expansion", "term", "choice", "formula", "steps", "list", "prose"]
Family = Literal["short", "list", "formula", "prose"]
FAMILY: dict[Kind, Family] = {
    "expansion": "short", "term": "short", "choice": "short", "formula": "formula",
    "steps": "list", "list": "list", "prose": "prose",
}  # fmt: skip
WIDTH = 72
"""Columns an option has at 80 columns (its number and the margins take the rest)."""
LINES = 3
"""Lines each of four options has at 80x24 (the question, status and keys take the rest)."""
TERM_WORDS = 4
"""Words of the longest short answer ("Deep Convolutional GAN")."""
ITEM_WORDS = 6
"""Words of the longest item of a list ("Position the value in a larger tensor" is a step)."""
_NUMBERED = re.compile(r"^\s*\d+[.)]\s")
_OFFERED = re.compile(r"\(?\b(\w+)\s*/\s*(\w+)\b\)?|\bT\s*/\s*F\b", re.IGNORECASE)
_LISTED = re.compile(r"\s*(?:,|\+|;)\s*")
_WORD = re.compile(r"[^\W_]+")
_LEAD_END = re.compile(r":|\s[-\u2013\u2014]\s")
_SEQUENCE = re.compile(r"^\s*(?:then|next|finally|after|first|second)\b", re.IGNORECASE)
_HOW = re.compile(
    r"\bhow\s+(?:do|does|did|can|to|is|are)\b.*\b(?:perform|work|go|generate|train|compute|"
    r"do|make|run|build|use)\b|\bdescribe how\b|\bprocess\b|\bsteps?\b|\bprocedure\b",
    re.IGNORECASE,
)
"""A question asking for steps ("How do you perform ...?", "Describe how ...")."""
_VERBISH = frozenset([
    "is", "are", "was", "were", "be", "can", "could", "will", "would", "should", "has", "have",
    "had", "do", "does", "did", "we", "they", "you", "it", "if", "when", "uses", "learns",
    "takes", "tries", "produces",
])  # fmt: skip
"""Words that make a few words a sentence, not a term ("If the discriminator is too good")."""
DOT = " \u00b7"
"""What joins the bullets of an answer on one line."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def kind(front: str, back: str, glossary: Glossary) -> Kind:
    """The kind of ``back`` as the answer to ``front``."""
    kinds = glossary.memo.setdefault("kinds", {})
    assert isinstance(kinds, dict)
    found = kinds.get((front, back))
    if found is None:
        found = kinds[(front, back)] = _kind(front, back, glossary)
    return found  # type: ignore[no-any-return]


def _kind(front: str, back: str, glossary: Glossary) -> Kind:
    lines = _lines(back)
    if not lines:
        return "term"
    first = lines[0]
    words = _WORD.findall(fold(first))
    if leads_with_formula(back):
        return "formula"
    if SHORT_FOR.match(front) or (
        len(lines) == 1 and 2 <= len(words) <= TERM_WORDS and _abbreviated(first, glossary)
    ):
        return "expansion"
    lead = _WORD.findall(fold(_LEAD_END.split(first, maxsplit=1)[0]))
    if (
        not BULLET.match(first)
        and len(lead) == 1
        and (_offered(front, lead[0]) or glossary.opposites(stem(lead[0])))
    ):
        return "choice"  # the word a fill-in asks for, whatever explains it below
    bullets = listed(lines)
    if len(bullets) >= 2:
        if all(_NUMBERED.match(line) for line in lines) or _HOW.search(front):
            return "steps"
        if any(_SEQUENCE.match(b) for b in bullets):
            return "steps"
        if all(len(_WORD.findall(b.split(":")[-1])) <= ITEM_WORDS for b in bullets):
            return "list"
        return "prose"
    if len(lines) == 1:
        parts = [p for p in _LISTED.split(first.rstrip(". ")) if p.strip()]
        if len(parts) >= 2 and all(len(_WORD.findall(p)) <= TERM_WORDS for p in parts):
            return "list"
        content = [w for w in words if w not in STOPWORDS]
        if len(content) <= TERM_WORDS + 1 and not _VERBISH & set(words):
            return "term"
    return "prose"


def _offered(front: str, word: str) -> bool:
    """The question offers ``word`` ("(minimize/maximize)", "T/F")."""
    for match in _OFFERED.finditer(front):
        if match.group(0).upper().replace(" ", "") == "T/F":
            return word in ("true", "false", "t", "f")
        if word in (fold(match.group(1) or ""), fold(match.group(2) or "")):
            return True
    return False


def _abbreviated(text: str, glossary: Glossary) -> bool:
    """``text`` is the long form of one of the glossary's short forms ("Wasserstein GAN")."""
    read = glossary.read(text)
    return len(read) == 1 and read[0] in glossary.terms


def option(answer: str) -> str:
    """``answer`` on one paragraph, nothing left out: lines joined, bullets with " · ",
    numbered steps with their numbers."""
    out: list[str] = []
    for line in _lines(answer):
        numbered = bool(_NUMBERED.match(line))
        bullet = bool(BULLET.match(line)) and not numbered
        text = " ".join((BULLET.sub("", line) if bullet else line).split())
        if out and bullet and not out[-1].endswith(":"):
            out.append(DOT)
        out.append(f" {text}" if out else text)
    return "".join(out)


def lines(answer: str, width: int = WIDTH) -> int:
    """How many lines :func:`option` takes at ``width`` columns."""
    return len(textwrap.wrap(option(answer), max(width, 8))) or 1


def fits(answer: str) -> bool:
    """Whether the answer, as an option, is read whole at 80x24 (see :data:`LINES`)."""
    return lines(answer) <= LINES
