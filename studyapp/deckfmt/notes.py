"""Prose lecture notes: only definitional statements become cards (few good cards).

Paragraphs are separated by blank lines. Cards come from:

- definitions ``Term = meaning`` (term of at most five words); the card absorbs the lines
  that follow it directly: a bullet list, arrow lines (``↳ → ↙``), and paragraphs that start
  with the same term ("GANS = ..." then "GANS based on ...");
- ``main drawback is X`` (also key idea, biggest advantage, ...), asked about the current
  section: "Variational Autoencoders: main drawback";
- a heading ending in ``:`` and the one or two paragraphs under it;
- ``label: $formula$`` on one line;
- a short heading directly followed by a bullet list.

Numbered headings ("20.10.4 Generative Adversarial Networks") and short Title Case lines set
the current section; everything else (asides, page numbers) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from studyapp.deckfmt.cards import DeckBuilder, is_bullet
from studyapp.deckfmt.detect import shape
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.textshape import is_label

_NUMBERED = re.compile(r"^\d+(?:\.\d+)+\s*:?\s*(\S.*)$")
_ASPECT_HEAD = re.compile(
    r"(?:the\s+|one\s+)?(main|key|biggest|major|chief|primary|big)\s+"
    r"(drawback|disadvantage|advantage|benefit|limitation|problem|issue|idea|property|goal|"
    r"strength|weakness|difference|reason|assumption)\s+",
    re.IGNORECASE,
)
_OF = re.compile(r"of\s+(?=\S)", re.IGNORECASE)
_VERB = re.compile(r"(?:is|was)\s+(?=\S)", re.IGNORECASE)
_SPACED_VERB = re.compile(r"\s(?:is|was)\s+(?=\S)", re.IGNORECASE)
_PAGE_MARK = re.compile(r"^\(?\s*(?:p\.?\s*)?\d+\s*\)?$", re.IGNORECASE)
ARROWS = ("↳", "→", "↙", "↘", "⇒", "=>", "->", "⤷")

Paragraph = list[tuple[int, str]]


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("notes", source)
    paragraphs = _paragraphs(lines)
    name = default_name
    if paragraphs and len(paragraphs[0]) == 1 and not _is_card_start(paragraphs, 0):
        name = paragraphs[0][0][1].strip()
        paragraphs = paragraphs[1:]
    section = ""
    p = 0
    while p < len(paragraphs):
        para = paragraphs[p]
        number, head = para[0][0], para[0][1].strip()
        rest = [text for _, text in para[1:]]
        p += 1
        numbered = _NUMBERED.match(head)
        if numbered and len(para) == 1:
            section = numbered.group(1).strip()
            continue
        if _PAGE_MARK.match(head) and len(para) == 1:
            continue
        definition = _definition(head)
        if definition and len(definition[0].split()) <= 5:
            term = definition[0].strip()
            back = [definition[1], *rest]
            p = _absorb_followers(paragraphs, p, back, term)
            deck.add([term], back, number)
            continue
        aspect = _aspect(head)
        if aspect:
            adjective, noun, of, value = aspect
            subject = _capitalised(of or section or name)
            front = f"{subject}: {adjective.lower()} {noun.lower()}"
            deck.add([front], [value, *rest], number)
            continue
        if head.endswith(":") and len(head.split()) <= 8:
            back = list(rest)
            p = _absorb_block(paragraphs, p, back)
            if back:
                deck.add([_capitalised(head[:-1])], back, number)
            continue
        inline = _split_at(head, ":", 3)
        if inline and "$" in inline[1] and len(inline[0].split()) <= 6:
            deck.add([_capitalised(inline[0])], [inline[1], *rest], number)
            continue
        if is_label(head) and (
            (rest and all(_is_list_line(text) for text in rest))
            or (not rest and p < len(paragraphs) and _is_list(paragraphs[p]))
        ):
            back = list(rest)
            if not rest:
                back = [text for _, text in paragraphs[p]]
                p += 1
            deck.add([head], back, number)
            continue
        if len(para) == 1 and _is_title(head):
            section = head
    return deck.finish(name)


def _paragraphs(lines: list[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    current: Paragraph = []
    for index, line in enumerate(lines):
        if line.strip():
            current.append((index + 1, line))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _split_at(head: str, mark: str, shortest: int) -> tuple[str, str] | None:
    """``term MARK value`` (term: ``shortest``-60 characters, none of ``=$:``; a space after
    the mark) as (term, value), else None. Found with ``str.find``: the regex
    ``([^=$:]{1,60}?)\\s*=`` it replaces rescanned a run of spaces once per term length."""
    at = head.find(mark)
    if at < 0 or not head[at + 1 : at + 2].isspace():
        return None
    term = head[:at]
    if "=" in term or "$" in term or ":" in term or len(term) < shortest:
        return None
    stripped = term.rstrip()
    term = stripped if len(stripped) >= shortest else term[:shortest]
    value = head[at + 1 :].lstrip()
    if len(term) > 60 or not value:
        return None
    return term, value


def _definition(head: str) -> tuple[str, str] | None:
    """``Term = meaning``."""
    return _split_at(head, "=", 1)


def _aspect(head: str) -> tuple[str, str, str | None, str] | None:
    """``main drawback [of X] is Y`` as (adjective, noun, X or None, Y), else None.

    Scanned in steps (the first " is "/" was " after "of"), not one regex with a lazy group
    before ``\\s+``: that backtracked quadratically on a long run of spaces.
    """
    match = _ASPECT_HEAD.match(head)
    if match is None:
        return None
    rest = head[match.end() :]
    verb = _VERB.match(rest)
    if verb is not None:
        return match.group(1), match.group(2), None, rest[verb.end() :]
    of = _OF.match(rest)
    if of is None:
        return None
    found = _SPACED_VERB.search(rest, of.end() + 1)
    if found is None:
        return None
    return (
        match.group(1),
        match.group(2),
        rest[of.end() : found.start()].rstrip(),
        rest[found.end() :],
    )


def _is_card_start(paragraphs: list[Paragraph], index: int) -> bool:
    head = paragraphs[index][0][1].strip()
    return bool(_definition(head) or _aspect(head))


def _is_list_line(text: str) -> bool:
    stripped = text.strip()
    return is_bullet(stripped) or stripped.startswith(ARROWS)


def _is_list(paragraph: Paragraph) -> bool:
    return all(_is_list_line(text) for _, text in paragraph)


def _absorb_followers(paragraphs: list[Paragraph], p: int, back: list[str], term: str) -> int:
    """Add the lists, arrow lines and same-subject paragraphs right after a definition."""
    subject = term.split()[0].lower()
    while p < len(paragraphs):
        para = paragraphs[p]
        head = para[0][1].strip()
        same_subject = head.lower().startswith(subject + " ") and not _definition(head)
        if not (_is_list(para) or head.startswith(ARROWS) or same_subject):
            break
        back.extend(text for _, text in para)
        p += 1
    return p


def _absorb_block(paragraphs: list[Paragraph], p: int, back: list[str]) -> int:
    """Up to two plain paragraphs (or lists) under a ``Heading:`` line."""
    taken = 0
    while p < len(paragraphs) and taken < 2:
        para = paragraphs[p]
        head = para[0][1].strip()
        if taken and (
            _definition(head)
            or _aspect(head)
            or head.endswith(":")
            or _NUMBERED.match(head)
            or (len(para) == 1 and len(head.split()) <= 4)
        ):
            break
        back.extend(text for _, text in para)
        p += 1
        taken += 1
    return p


def _is_title(text: str) -> bool:
    """A short Title Case line such as "Variational Autoencoders"."""
    if not is_label(text):
        return False
    words = [word for word in text.split() if len(word) > 3]
    return bool(words) and sum(word[0].isupper() for word in words) * 2 >= len(words) + 1


def _capitalised(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def sniff(lines: Sequence[str]) -> float:
    """Blank-line separated paragraphs that are not questions: 0.65."""
    measured = shape(lines)
    if measured.blank_share >= 0.25 and measured.question_share < 0.3:
        return 0.65
    return 0.3 * measured.blank_share


FORMAT = TextFormat(
    "notes",
    "prose notes; only definitions (`X = ...`), `main drawback is ...`, `Heading:` blocks "
    "and headed lists become cards",
    sniff,
    parse,
)
