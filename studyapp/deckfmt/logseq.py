"""Logseq pages: a block tagged ``#card`` is a card, its child blocks are the answer.

A block is a ``- `` line (nesting by indentation, tabs as Logseq writes them) plus its
indented continuation lines. ``#card`` (or ``#[[card]]``, ``[[card]]``) makes the block a
card: its text is the question, its descendants the answer, as nested bullets. A card with
``{{cloze text}}`` hides each cloze on the front (``[...]``) and shows it on the back.
Untagged blocks are never cards. Properties (``key:: value``, e.g. the ``card-*`` schedule
Logseq writes) are never text; the page's ``title::`` names the deck and its ``tags::``
become every card's tags, other ``#tags`` in a card become its tags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from studyapp.deckfmt.cards import DeckBuilder
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat

MAX_ANSWER_BLOCKS = 200
"""Descendant blocks shown in one answer (keeps deeply nested pages linear)."""
_PROPERTY = re.compile(r"^[A-Za-z0-9_][\w.-]*:: ?")
_CARD_TAG = re.compile(r"(?:^|(?<=\s))(?:#\[\[card\]\]|#card|\[\[card\]\])(?=\s|$)", re.I)
_TAG = re.compile(r"(?:^|(?<=\s))#(?:\[\[([^\]]+)\]\]|([\w/-]+))")
_CLOZE = re.compile(r"\{\{cloze:?[ \t]++((?:(?!\}\}|\{\{).)*+)\}\}")


@dataclass(slots=True)
class _Block:
    line: int
    depth: int
    lines: list[str] = field(default_factory=list)


def _indent(raw: str) -> int:
    width = 0
    for char in raw:
        if char == "\t":
            width += 4
        elif char == " ":
            width += 1
        else:
            break
    return width


def _blocks(lines: Sequence[str]) -> tuple[list[_Block], dict[str, str]]:
    """The page's blocks in order, and its page properties (lines before the first block)."""
    blocks: list[_Block] = []
    page: dict[str, str] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        if text == "-" or text.startswith(("- ", "-\t")):
            blocks.append(_Block(number, _indent(raw), [text[1:].strip()]))
        elif _PROPERTY.match(text):
            if not blocks or (len(blocks) == 1 and blocks[0].lines == [""]):
                key, _, value = text.partition("::")
                page[key.strip().lower()] = value.strip()
        elif blocks:
            blocks[-1].lines.append(text)
    return blocks, page


def _clean(text: str) -> str:
    text = _CARD_TAG.sub("", text)
    return _TAG.sub(lambda m: "", text).strip() if "#" in text else text.strip()


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("logseq", source)
    blocks, page = _blocks(lines)
    page_tags = [t.strip().strip("[]#") for t in page.get("tags", "").split(",") if t.strip()]
    for index, block in enumerate(blocks):
        head = "\n".join(block.lines)
        if not _CARD_TAG.search(head):
            continue
        tags = [*page_tags, *(a or b for a, b in _TAG.findall(_CARD_TAG.sub("", head)))]
        answer: list[str] = []
        levels: list[int] = []
        for position in range(index + 1, len(blocks)):  # no slice copy: linear in blocks
            child = blocks[position]
            if child.depth <= block.depth:
                break
            if len(answer) >= MAX_ANSWER_BLOCKS:
                deck.warn(block.line, f"answer cut at {MAX_ANSWER_BLOCKS} blocks")
                break
            while levels and levels[-1] >= child.depth:
                levels.pop()
            pad = "  " * len(levels)
            levels.append(child.depth)
            first, *rest = [_clean(_CLOZE.sub(r"\1", line)) for line in child.lines]
            answer.append(f"{pad}- {first}")
            answer += [f"{pad}  {line}" for line in rest]
        question = _clean(head)
        if "{{cloze" in question and _CLOZE.search(question):
            back = [_CLOZE.sub(r"\1", question), *answer]
            deck.add(_CLOZE.sub("[...]", question).split("\n"), back, block.line, tags=tags)
        else:
            deck.add(question.split("\n"), answer, block.line, tags=tags)
    return deck.finish(page.get("title") or default_name)


def sniff(lines: Sequence[str]) -> float:
    """``- `` blocks, some tagged ``#card``: 0.96; blocks with ``key:: value`` properties: 0.4."""
    blocks = cards = properties = content = 0
    for line in lines:
        text = line.strip()
        if not text:
            continue
        content += 1
        if text == "-" or text.startswith(("- ", "-\t")):
            blocks += 1
            cards += bool(_CARD_TAG.search(text))
        elif _PROPERTY.match(text):
            properties += 1
    if not content:
        return 0.0
    shaped = (blocks + properties) / content >= 0.6
    if cards and shaped:
        return 0.96
    return 0.4 if shaped and properties else 0.0


FORMAT = TextFormat(
    "logseq",
    "Logseq pages: `- question #card` blocks with child blocks as the answer, {{cloze ...}}",
    sniff,
    parse,
)
