"""CSV and TSV tables: a card per row, with or without a header row.

Read with the :mod:`csv` module, so quoted fields may hold the separator, doubled quotes
(``""``) and new lines. The separator is the first of tab, ``;`` and ``,`` found outside
quotes in the first row. A first row whose cells are column names (``Question``/``Answer``,
``Front``/``Back``, ``Term``/``Definition``, ``Tags``, ``Deck`` ...) is a header, never a card:
it says which column is the front, the back, the tags (space or comma separated) and the
deck. Without a header the first column is the front and the second the back; further
columns are added to the back as lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence

from studyapp.deckfmt.cards import DeckBuilder
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat

FRONT_NAMES = frozenset(
    {"front", "question", "term", "prompt", "q", "side 1", "side a", "word", "concept"}
)
BACK_NAMES = frozenset(
    {"back", "answer", "definition", "response", "a", "side 2", "side b", "meaning"}
)
TAG_NAMES = frozenset({"tags", "tag", "labels", "keywords"})
DECK_NAMES = frozenset({"deck", "deck name", "category", "topic"})
OTHER_NAMES = frozenset({"notes", "note", "hint", "explanation", "extra", "source", "id"})
_NAMES = FRONT_NAMES | BACK_NAMES | TAG_NAMES | DECK_NAMES | OTHER_NAMES


def _delimiter(line: str) -> str:
    """The first of tab, ``;`` and ``,`` outside quotes in ``line`` (``,`` if none)."""
    quoted = False
    seen = set()
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\t;,":
            seen.add(char)
    for candidate in ("\t", ";", ","):
        if candidate in seen:
            return candidate
    return ","


def _rows(lines: Sequence[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` per row; a quoted cell may span lines."""
    reader = csv.reader(
        (line + "\n" for line in lines), delimiter=delimiter, quotechar='"', strict=False
    )
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _header(row: list[str]) -> dict[str, int] | None:
    """Column roles if ``row`` is a header row: every cell a known column name."""
    names = [cell.strip().lower() for cell in row]
    if len(names) < 2 or not all(name in _NAMES for name in names if name):
        return None
    if not any(name in FRONT_NAMES | BACK_NAMES for name in names):
        return None
    roles: dict[str, int] = {}
    for index, name in enumerate(names):
        for role, group in (
            ("front", FRONT_NAMES),
            ("back", BACK_NAMES),
            ("tags", TAG_NAMES),
            ("deck", DECK_NAMES),
        ):
            if name in group and role not in roles:
                roles[role] = index
    free = [i for i in range(len(names)) if i not in roles.values() and names[i] not in _NAMES]
    for role in ("front", "back"):
        if role not in roles:
            if not free:
                unused = [i for i in range(len(names)) if i not in roles.values()]
                free = unused
            if free:
                roles[role] = free.pop(0)
    return roles


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("csv", source)
    first = next((line for line in lines if line.strip()), "")
    delimiter = _delimiter(first)
    roles: dict[str, int] | None = None
    name = default_name
    try:
        for number, row in _rows(lines, delimiter):
            if not any(cell.strip() for cell in row):
                continue
            if roles is None:
                roles = _header(row)
                if roles is not None:
                    continue
                roles = {"front": 0, "back": 1}
                extra = True
            else:
                extra = "tags" not in roles and "deck" not in roles and len(roles) == 2
            front = _cell(row, roles["front"])
            back = _cell(row, roles.get("back", -1))
            if extra and len(row) > 2:
                back = "\n".join(part for part in (back, *row[2:]) if part.strip())
            tags = _cell(row, roles.get("tags", -1)).replace(",", " ").split()
            if "deck" in roles and name == default_name and _cell(row, roles["deck"]).strip():
                name = _cell(row, roles["deck"]).strip()
            deck.add(front.split("\n"), back.split("\n"), number, tags=tags)
    except csv.Error as error:
        raise deck.error(None, f"bad CSV quoting: {error}") from None
    return deck.finish(name)


def _cell(row: list[str], index: int) -> str:
    return row[index] if 0 <= index < len(row) else ""


def sniff(lines: Sequence[str]) -> float:
    """A header row of column names: 0.97; rows of equal width with quoted cells: 0.75."""
    content = [line for line in lines if line.strip()]
    if not content or content[0].startswith("#"):
        return 0.0
    delimiter = _delimiter(content[0])
    widths: list[int] = []
    header = False
    try:
        for _, row in _rows(lines, delimiter):
            if not any(cell.strip() for cell in row):
                continue
            if not widths and _header(row) is not None:
                header = True
            widths.append(len(row))
    except csv.Error:
        return 0.0
    if not widths or min(widths) < 2:
        return 0.0
    even = max(widths) == min(widths)
    if header and (even or len(widths) < 3):
        return 0.97
    quoted = any(line.lstrip().startswith('"') or f'{delimiter}"' in line for line in content)
    if even and len(widths) >= 2 and (quoted or delimiter == "\t"):
        return 0.75
    return 0.3 if even else 0.1


FORMAT = TextFormat(
    "csv",
    "CSV/TSV: a card per row; a header row (Question, Answer, Tags, Deck ...) is recognised",
    sniff,
    parse,
)
