"""Anki's text import format: one note per row, fields separated by tab, comma, ``;`` ...

File headers (``#key:value`` lines at the top) are honoured: ``#separator:`` (``tab``,
``comma``, ``semicolon``, ``pipe``, ``space``, ``colon`` or the character itself),
``#html:`` (fields are HTML: tags stripped, ``<br>`` and ``<div>`` become new lines,
``<img>`` becomes an image flag), ``#tags:`` (added to every card), ``#deck:`` (deck name),
``#columns:`` and ``#tags column:`` / ``#deck column:`` / ``#notetype column:`` /
``#guid column:``. Fields may be quoted with ``"`` (doubled inside) and span lines. Without a
``#separator:`` header the separator is a tab if the first row has one, else ``;`` or ``,``.
A cloze note (``{{c1::answer}}``, no back) asks the text with ``[...]`` and answers it whole.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Sequence

from studyapp.deckfmt.cards import DeckBuilder
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.scan import Finder, sub_spans

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}
_BREAK_RE = re.compile(r"\s*(?:br\s*/?|/div|/p|/li)\s*", re.IGNORECASE)
_ITEM_RE = re.compile(r"\s*li", re.IGNORECASE)
_IMG_RE = re.compile(r"\s*img\b", re.IGNORECASE)
"""What a tag's inside (between ``<`` and ``>``) starts with or is: an image, a list item,
a line break."""
# Bodies stop at the next opener (possessive, no backtracking): linear on unclosed clozes.
_CLOZE_RE = re.compile(
    r"\{\{c\d+::((?:(?!::|\}\}|\{\{).)*+)(?:::((?:(?!\}\}|\{\{).)*+))?\}\}", re.DOTALL
)
_MATHJAX_RE = re.compile(r"\\\(((?:(?!\\\().)+?)\\\)|\\\[((?:(?!\\\[).)+?)\\\]", re.DOTALL)


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("anki-text", source)
    headers: dict[str, str] = {}
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        key, sep, value = lines[start][1:].partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
        start += 1
    separator = _separator(headers, lines[start:], deck, start)
    declared_html = headers.get("html", "").lower()
    is_html: bool | None = None if not declared_html else declared_html in ("true", "1", "yes")
    global_tags = headers.get("tags", "").split()
    columns = headers.get("columns", "").split(separator) if "columns" in headers else []
    tags_col = _column(headers, "tags column", columns, "tags")
    skip = {
        col
        for col in (
            _column(headers, "deck column", columns, "deck"),
            _column(headers, "notetype column", columns, "notetype"),
            _column(headers, "guid column", columns, "guid"),
        )
        if col is not None
    }
    reader = csv.reader(
        [line + "\n" for line in lines[start:]],
        delimiter=separator,
        quotechar='"',
        skipinitialspace=separator == " ",
        strict=False,
    )
    consumed = 0
    try:
        for row in reader:
            line = start + consumed + 1
            consumed = reader.line_num
            if not row or not any(field.strip() for field in row):
                continue
            tags = list(global_tags)
            fields: list[str] = []
            for index, value in enumerate(row):
                if index == tags_col:
                    tags.extend(value.split())
                elif index not in skip:
                    fields.append(value)
            front = _field(fields[0] if fields else "", is_html)
            back = _field(fields[1], is_html) if len(fields) > 1 else ""
            if _CLOZE_RE.search(front) and not back.strip():
                front, back = _CLOZE_RE.sub(_cloze_blank, front), _CLOZE_RE.sub(r"\1", front)
            deck.add(front.split("\n"), back.split("\n"), line, tags=tags)
    except csv.Error as error:
        raise deck.error(start + consumed + 1, f"bad quoting: {error}") from None
    return deck.finish(headers.get("deck") or default_name)


def _separator(headers: dict[str, str], body: list[str], deck: DeckBuilder, start: int) -> str:
    declared = headers.get("separator")
    if declared is not None:
        value = SEPARATORS.get(declared.lower(), declared)
        if len(value) != 1:
            raise deck.error(start, f"unknown #separator: {declared!r}")
        return value
    first = next((line for line in body if line.strip()), "")
    for candidate in ("\t", ";", ","):
        if candidate in first:
            return candidate
    return "\t"


def _column(headers: dict[str, str], key: str, columns: list[str], name: str) -> int | None:
    value = headers.get(key)
    if value is not None and value.strip().isdigit():
        return int(value) - 1
    for index, column in enumerate(columns):
        if column.strip().lower() == name:
            return index
    return None


def _field(value: str, is_html: bool | None) -> str:
    """A field as plain text; ``is_html`` None means "strip tags if it has any"."""
    if "\\(" in value or "\\[" in value:
        value = _MATHJAX_RE.sub(lambda m: f"${m.group(1) or m.group(2)}$", value)
    if "[sound:" in value:
        value = sub_spans(value, "[sound:", "]", lambda _: "")
    tags = _tags(value) if "<" in value else []
    if is_html or (is_html is None and tags):
        out: list[str] = []
        pos = 0
        for start, end in tags:
            out += (value[pos:start], _tag_text(value[start + 1 : end - 1]))
            pos = end
        out.append(value[pos:])
        value = html.unescape("".join(out)).replace("\xa0", " ")
    return value


def _tags(value: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each ``<...>`` with no ``<`` inside, in one pass (a ``<`` that
    starts no tag is text: 130,000 of them took 32 s through ``<[^>]*>``)."""
    less, more = Finder(value, "<"), Finder(value, ">")
    found: list[tuple[int, int]] = []
    start = less.find(0)
    while start >= 0:
        end = more.find(start + 1)
        if end < 0:
            break
        after = less.find(start + 1)
        if after < 0 or after > end:
            found.append((start, end + 1))
            after = less.find(end + 1)
        start = after
    return found


def _tag_text(inside: str) -> str:
    """What a tag becomes in plain text (``inside``: between its ``<`` and ``>``)."""
    if _IMG_RE.match(inside):
        return "(see image)"
    if _ITEM_RE.match(inside):
        return "\n- "
    if _BREAK_RE.fullmatch(inside):
        return "\n"
    return ""


def _cloze_blank(match: re.Match[str]) -> str:
    hint = match.group(2)
    return f"[{hint}]" if hint else "[...]"


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


def sniff(lines: Sequence[str]) -> float:
    """Anki file headers: 0.95; tab-separated rows in at least half the lines: 0.8."""
    if any(line.lower().startswith(ANKI_HEADERS) for line in lines[:20]):
        return 0.95
    content = [line for line in lines if line.strip()]
    if not content:
        return 0.0
    tabbed = sum("\t" in line for line in content) / len(content)
    return 0.8 if tabbed >= 0.5 else 0.4 * tabbed


FORMAT = TextFormat(
    "anki-text",
    "Anki's text import: tab/comma separated, #separator:, #html:, #tags:, #deck:, #columns:",
    sniff,
    parse,
)
