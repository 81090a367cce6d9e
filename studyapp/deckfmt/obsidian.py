"""Obsidian Spaced Repetition notes (the obsidian-spaced-repetition plugin's markdown).

- ``Question::Answer`` is a card; ``Question:::Answer`` is two (forward and reversed).
- Multi-line: the question's lines (a paragraph), a line ``?`` (``??``: also reversed),
  then the answer's lines up to a blank line.
- Clozes: a paragraph with ``==highlight==`` gives a card per highlight, one with
  ``{{c1::text}}`` a card per cloze number (``{{c1::text::hint}}`` shows the hint); the
  hidden part reads ``[...]`` on the front, the whole paragraph is the back.
- ``#flashcards/a/b`` names the deck (``a/b``; plain ``#flashcards``: the note's title) and
  is kept as a tag; other ``#tags`` on a card's lines become its tags. YAML front matter,
  headings, code blocks and the plugin's ``<!--SR:...-->`` schedule comments are never text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from studyapp.deckfmt.cards import DeckBuilder
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.scan import Finder

MAX_CLOZES = 50
"""Cloze cards made from one paragraph (each repeats the paragraph: keeps parsing linear)."""
_TAG = re.compile(r"(?:(?<=\s)|^)#([A-Za-z0-9_][\w/-]*)")
_HEADING = re.compile(r"^#{1,6}\s")
_HIGHLIGHT = re.compile(r"==([^=\n]+?)==")
# Bodies stop at the next opener (possessive, no backtracking): linear on unclosed clozes.
_CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!::|\}\}|\{\{).)*+)(?:::([^{}\n]*+))?\}\}")
_CLOZE_WHOLE = re.compile(r"\{\{c\d+::[^{}\n]*+\}\}")
_FRONT_TAGS = re.compile(r"^tags:\s*(.*)$", re.IGNORECASE)


def _tags(text: str) -> list[str]:
    return _TAG.findall(text) if "#" in text else []


def _untag(text: str) -> str:
    """``text`` without ``#tags`` and schedule comments."""
    if "<!--SR:" in text:
        text = _without_schedules(text)
    if "#" in text:
        text = _TAG.sub("", text)
    return text.rstrip()


def _without_schedules(text: str) -> str:
    """``text`` without ``<!--SR:...-->`` comments (no ``>`` inside), in one pass: each
    opener reuses the next ``>`` (``<!--SR:[^>]*-->`` rescanned it from every opener)."""
    out: list[str] = []
    close = Finder(text, ">")
    pos = search = 0
    while (start := text.find("<!--SR:", search)) >= 0:
        end = close.find(start + 7)
        if end < 0:
            break
        if end - 2 >= start + 7 and text[end - 2 : end] == "--":
            out.append(text[pos:start])
            pos = search = end + 1
        else:
            search = start + 1
    out.append(text[pos:])
    return "".join(out)


def _split_inline(line: str) -> tuple[str, str, bool] | None:
    """``(question, answer, reversed)`` of an inline card line, else None."""
    if "::" not in line:
        return None
    masked = _CLOZE_WHOLE.sub(lambda m: "\0" * len(m.group()), line)
    at = masked.find(":::")
    if at >= 0:
        return line[:at], line[at + 3 :], True
    at = masked.find("::")
    if at >= 0:
        return line[:at], line[at + 2 :], False
    return None


def _front_matter(lines: list[str]) -> tuple[int, list[str]]:
    """Where the body starts and the front matter's tags."""
    if not lines or lines[0].strip() != "---":
        return 0, []
    tags: list[str] = []
    in_tags = False
    for index in range(1, len(lines)):
        text = lines[index].strip()
        if text in ("---", "..."):
            return index + 1, tags
        match = _FRONT_TAGS.match(text)
        if match:
            value = match.group(1).strip().strip("[]")
            tags += [t.strip().strip("\"'#") for t in value.replace(",", " ").split()]
            in_tags = not value
        elif in_tags and text.startswith("- "):
            tags.append(text[2:].strip().strip("\"'#"))
        else:
            in_tags = False
    return 0, []


def _deck_name(tags: Sequence[str], title: str) -> str:
    for tag in tags:
        if tag.lower().startswith("flashcards/"):
            return tag.split("/", 1)[1]
    return title


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("obsidian", source)
    start, note_tags = _front_matter(lines)
    title = default_name
    paragraph: list[tuple[int, str]] = []
    fence = False
    index = start
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        index += 1
        text = raw.strip()
        if text.startswith(("```", "~~~")):
            fence = not fence
            paragraph = []
            continue
        if fence:
            continue
        if not text:
            _clozes(deck, paragraph, note_tags)
            paragraph = []
            continue
        if _HEADING.match(text):
            if title == default_name and text.startswith("# "):
                title = text[2:].strip()
            _clozes(deck, paragraph, note_tags)
            paragraph = []
            continue
        line_tags = _tags(text)
        body = _untag(raw)
        if not body.strip():  # a line of tags only
            note_tags += [t for t in line_tags if t not in note_tags]
            continue
        if text in ("?", "??"):
            question = [line for _, line in paragraph]
            q_line = paragraph[0][0] if paragraph else number
            answer: list[str] = []
            while index < len(lines) and lines[index].strip():
                if not lines[index].strip().startswith("<!--SR:"):
                    answer.append(_untag(lines[index]))
                index += 1
            tags = [*note_tags, *(t for _, line in paragraph for t in _tags(line))]
            deck.add(question, answer, q_line, tags=tags)
            if text == "??":
                deck.add(answer, question, q_line, tags=tags)
            paragraph = []
            continue
        inline = _split_inline(body)
        if inline is not None:
            front, back, both = inline
            front = front.strip().removeprefix("- ").removeprefix("* ")
            tags = [*note_tags, *line_tags]
            deck.add([front], [back], number, tags=tags)
            if both:
                deck.add([back], [front], number, tags=tags)
            paragraph = []
            continue
        paragraph.append((number, body))
    _clozes(deck, paragraph, note_tags)
    return deck.finish(_deck_name(note_tags, title))


def _clozes(deck: DeckBuilder, paragraph: list[tuple[int, str]], tags: list[str]) -> None:
    """A card per cloze deletion of ``paragraph`` (none if it has no deletion)."""
    if not paragraph:
        return
    text = "\n".join(line for _, line in paragraph)
    line = paragraph[0][0]
    if "{{c" in text and _CLOZE.search(text):
        whole = _CLOZE.sub(lambda m: m.group(2), text)
        numbers = list(dict.fromkeys(m.group(1) for m in _CLOZE.finditer(text)))
        if len(numbers) > MAX_CLOZES:
            deck.warn(line, f"{len(numbers)} clozes in one paragraph; the first {MAX_CLOZES} kept")
        for number in numbers[:MAX_CLOZES]:
            front = _CLOZE.sub(partial(_blank, number=number), text)
            deck.add(front.split("\n"), whole.split("\n"), line, tags=tags)
    elif "==" in text and _HIGHLIGHT.search(text):
        whole = _HIGHLIGHT.sub(r"\1", text)
        matches = list(_HIGHLIGHT.finditer(text))
        if len(matches) > MAX_CLOZES:
            deck.warn(
                line, f"{len(matches)} highlights in one paragraph; the first {MAX_CLOZES} kept"
            )
        for match in matches[:MAX_CLOZES]:
            front = (
                _HIGHLIGHT.sub(r"\1", text[: match.start()])
                + "[...]"
                + _HIGHLIGHT.sub(r"\1", text[match.end() :])
            )
            deck.add(front.split("\n"), whole.split("\n"), line, tags=tags)


def _blank(match: re.Match[str], number: str) -> str:
    if match.group(1) != number:
        return match.group(2)
    return f"[{match.group(3)}]" if match.group(3) else "[...]"


def sniff(lines: Sequence[str]) -> float:
    """A ``#flashcards`` tag with card markers: 0.92; card markers alone: 0.78."""
    flagged = any("#flashcards" in line for line in lines) or any(
        line.strip().lower().startswith(("tags:", "- flashcards")) and "flashcards" in line
        for line in lines[:30]
    )
    markers = 0
    bullets = 0
    for line in lines:
        text = line.strip()
        inline = "::" in text and not text.startswith(("- ", "-\t")) and _split_inline(text)
        if text in ("?", "??") or inline:
            markers += 1
        elif text.startswith("- "):
            bullets += 1
        elif "==" in text and _HIGHLIGHT.search(text):
            markers += 1
    if "#card" in "\n".join(lines[:200]) and bullets > markers:
        return 0.2  # Logseq's #card blocks
    if flagged and markers:
        return 0.92
    if markers >= 2:
        return 0.78
    return 0.3 if flagged else 0.0


FORMAT = TextFormat(
    "obsidian",
    "Obsidian Spaced Repetition notes: Q::A, Q:::A, ? and ?? cards, ==clozes==, #flashcards",
    sniff,
    parse,
)
