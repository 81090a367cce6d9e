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
_DEFINITION = re.compile(r"^([^=$:]{1,60}?)\s*=\s+(\S.*)$")
_ASPECT = re.compile(
    r"^(?:the\s+|one\s+)?(main|key|biggest|major|chief|primary|big)\s+"
    r"(drawback|disadvantage|advantage|benefit|limitation|problem|issue|idea|property|goal|"
    r"strength|weakness|difference|reason|assumption)\s+(?:of\s+(.+?)\s+)?(?:is|was)\s+(\S.*)$",
    re.IGNORECASE,
)
_INLINE = re.compile(r"^([^:$=]{3,60}?)\s*:\s+(\S.*)$")
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
        definition = _DEFINITION.match(head)
        if definition and len(definition.group(1).split()) <= 5:
            term = definition.group(1).strip()
            back = [definition.group(2), *rest]
            p = _absorb_followers(paragraphs, p, back, term)
            deck.add([term], back, number)
            continue
        aspect = _ASPECT.match(head)
        if aspect:
            subject = _capitalised(aspect.group(3) or section or name)
            front = f"{subject}: {aspect.group(1).lower()} {aspect.group(2).lower()}"
            deck.add([front], [aspect.group(4), *rest], number)
            continue
        if head.endswith(":") and len(head.split()) <= 8:
            back = list(rest)
            p = _absorb_block(paragraphs, p, back)
            if back:
                deck.add([_capitalised(head[:-1])], back, number)
            continue
        inline = _INLINE.match(head)
        if inline and "$" in inline.group(2) and len(inline.group(1).split()) <= 6:
            deck.add([_capitalised(inline.group(1))], [inline.group(2), *rest], number)
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


def _is_card_start(paragraphs: list[Paragraph], index: int) -> bool:
    head = paragraphs[index][0][1].strip()
    return bool(_DEFINITION.match(head) or _ASPECT.match(head))


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
        same_subject = head.lower().startswith(subject + " ") and not _DEFINITION.match(head)
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
            _DEFINITION.match(head)
            or _ASPECT.match(head)
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
