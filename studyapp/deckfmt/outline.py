"""Outline notes (Notion/Workflowy exports): topics, ``- Heading`` items, nested content.

A non-bullet line is a topic; a lone ``-`` puts the bullet's text on the next line (a
"block", e.g. a toggle), and a block followed by bullets is a sub-heading whose bullets are
its content. Exports often flatten nesting, so among a topic's own bullets a heading is a
short label (:func:`~studyapp.deckfmt.textshape.is_label`) followed by content (a longer
bullet or a block); a label directly followed by another heading had no content (a warning,
no card). Where the topic does indent, a bullet with indented children is a heading.
Every topic and heading with content becomes one card whose front is the path, e.g.
``GAN › Analogy``; ``Heading: text`` puts ``text`` in the answer. A heading followed
directly by another heading groups it (no card, no warning). To-do lists ("Papers To
Read", "Models To Add Here"; :func:`~studyapp.deckfmt.textshape.is_todo`) are plans, not
knowledge: never cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from studyapp.deckfmt.cards import DeckBuilder, bullet_text, is_bullet
from studyapp.deckfmt.detect import shape
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.textshape import is_label, is_todo

SEPARATOR = " › "


@dataclass(slots=True)
class _Item:
    kind: str  # "topic" | "bullet" | "block"
    text: str
    line: int
    indent: int = 0


@dataclass(slots=True)
class _Section:
    heading: str | None
    line: int
    content: list[str] = field(default_factory=list)


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("outline", source)
    topic: _Item | None = None
    body: list[_Item] = []
    first = True
    for item in _items(lines):
        if item.kind == "topic":
            if topic is not None or body:
                _topic_cards(deck, topic, body, first)
                first = False
            topic, body = item, []
        else:
            body.append(item)
    if topic is not None or body:
        _topic_cards(deck, topic, body, first)
    return deck.finish(default_name)


def _items(lines: list[str]) -> list[_Item]:
    items: list[_Item] = []
    marker = False
    for index, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        if text == "-" or text == "*" or text == "•":
            marker = True
            continue
        indent = len(raw) - len(raw.lstrip())
        if is_bullet(text):
            items.append(_Item("bullet", bullet_text(text), index + 1, indent))
        elif marker:
            items.append(_Item("block", text, index + 1, indent))
        else:
            items.append(_Item("topic", text, index + 1, indent))
        marker = False
    return items


def _topic_cards(deck: DeckBuilder, topic: _Item | None, body: list[_Item], first: bool) -> None:
    start = topic.line if topic is not None else (body[0].line if body else 1)
    top = _Section(None, start)
    sections = [top]
    current = parent = top
    bullets = [item.indent for item in body if item.kind == "bullet"]
    base = min(bullets) if bullets else 0
    indented = any(indent > base for indent in bullets)
    in_block = False
    for i, item in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if item.kind == "block":
            in_block = False
            if nxt is not None and nxt.kind == "bullet":
                current = _open(sections, item)
                in_block = True
            elif not is_label(item.text):  # a label alone is an empty toggle: nothing to learn
                parent.content.append("- " + item.text)
            continue
        depth = item.indent - base
        if in_block or depth > 0:
            current.content.append(" " * depth + "- " + item.text)
        elif nxt is not None and nxt.kind == "bullet" and nxt.indent > base:
            current = parent = _open(sections, item)  # explicit nesting: a heading
        elif indented:
            if is_label(item.text):
                deck.warn(item.line, f"heading {item.text!r} has no content; no card")
            else:
                top.content.append("- " + item.text)
        elif is_label(item.text) and _opens(nxt, base):
            current = parent = _open(sections, item)
        elif (
            is_label(item.text)
            and nxt is not None
            and nxt.kind == "bullet"
            and nxt.indent == base
            and is_label(nxt.text)
            and _opens(body[i + 2] if i + 2 < len(body) else None, base)
        ):
            continue  # a heading that groups the next one ("Paper" > "Concept"): structure
        else:
            current.content.append("- " + item.text)
    title = topic.text if topic is not None else None
    made = 0
    if title is not None and is_todo(title):
        return
    for section in sections:
        if not section.content or (section.heading and is_todo(section.heading)):
            continue
        parts = [part for part in (title, section.heading) if part]
        deck.add([SEPARATOR.join(parts)], section.content, section.line)
        made += 1
    if not made and topic is not None and not first:
        deck.warn(topic.line, f"topic {topic.text!r} has no content; no card")


def _opens(item: _Item | None, base: int) -> bool:
    """Does ``item`` start a heading's content (so the label before it is a heading)?"""
    if item is None:
        return False
    if item.kind == "block":
        return True
    return item.kind == "bullet" and (item.indent > base or not is_label(item.text))


def _open(sections: list[_Section], item: _Item) -> _Section:
    heading, _, rest = item.text.partition(":")
    if rest.strip() and len(heading.split()) <= 4:
        section = _Section(heading.strip(), item.line, [rest.strip()])
    else:
        section = _Section(item.text, item.line)
    sections.append(section)
    return section


def sniff(lines: Sequence[str]) -> float:
    """Lone ``-`` markers, or mostly long runs of bullets: 0.7."""
    measured = shape(lines)
    if measured.lone_markers >= 2 or (measured.bullet_share >= 0.5 and measured.mean_run >= 3.5):
        return 0.7
    return 0.4 * measured.bullet_share


FORMAT = TextFormat(
    "outline",
    "topics with `- Heading` items and nested content; a card per heading, e.g. `GAN › Analogy`",
    sniff,
    parse,
)
