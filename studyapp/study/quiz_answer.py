"""What a typed answer is held to: the expected answer's key terms, its parts, its list.

An answer may be given whole or by a part that stands for it: its first line ("minimize"
above its reasons), the head of that line ("True" of "True - with caveat"), its first
sentence, or its bullet heads. A list (bullets under no answer line, numbered steps, or
"A, B, C" on one line) is given only with every item. Key terms are the answer's words less
asides, what it rules out and the question's own words. :class:`Cover` says which key terms
a typed answer gives, :func:`share` how much of them by weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studyapp.study.quiz_claims import Reading, Word, read
from studyapp.study.quiz_glossary import Glossary
from studyapp.study.quiz_words import BULLET, same_word

ITEM_WORDS = 5
"""Bullets whose heads have more key terms than this are notes, not a list to give whole."""
_EXAMPLES = re.compile(r"\b(?:e\.?\s?g\.?|for example|for instance|such as)\b", re.IGNORECASE)
_ASIDE = re.compile(r"\([^()]*\)")
_HEAD_END = re.compile(r"[:(,]|\s[-\u2013\u2014]\s")
_LEAD_END = re.compile(r":|\s[-\u2013\u2014]\s")
_LISTED = re.compile(r",|\+|&|;")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d+[.)]\s")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")


class Cover:
    """Which of an answer's stems some typed stems give: the same word, a slip of it, or a
    narrower term ("gaussian" gives "distribution"); a part ("generator") only by name."""

    def __init__(self, typed: Sequence[str], glossary: Glossary) -> None:
        self.typed = tuple(dict.fromkeys(typed))
        self.glossary = glossary
        self._seen: dict[str, bool] = {}

    def match(self, typed: str, expected: str) -> bool:
        """Whether the typed stem gives the expected one."""
        broader = self.glossary.broader(typed)
        roles = self.glossary.roles()
        if typed in roles or expected in roles:  # "generator" is not "generate"
            return typed == expected or expected in broader
        return same_word(typed, expected) or any(same_word(b, expected) for b in broader)

    def __call__(self, expected: str) -> bool:
        found = self._seen.get(expected)
        if found is None:
            found = any(self.match(t, expected) for t in self.typed)
            self._seen[expected] = found
        return found


def share(
    words: Sequence[Word], hit: Callable[[str], bool], weight: Callable[[str], float]
) -> float:
    """The weighted share of the distinct stems of ``words`` that ``hit`` (0 for none)."""
    stems = {w.stem for w in words}
    total = sum(weight(s) for s in stems)
    return sum(weight(s) for s in stems if hit(s)) / total if total else 0.0


def each(stem: str) -> float:
    """Typed words weigh alike: an unusual word of the student's own is no worse a word."""
    return 1.0


def keys(reading: Reading, asked: set[str]) -> list[Word]:
    """The words an answer asks for: not asides, not ruled out, not "one" (as often "one ...
    another" as a count), not the question's words (unless it has no others)."""
    words = [w for w in reading.words if not w.aside and not w.ruled_out and w.stem != "one"]
    own = [w for w in words if not any(same_word(w.stem, a) for a in asked)]
    return own or words


@dataclass(frozen=True)
class Answer:
    """The expected answer read whole and in its parts."""

    whole: Reading
    variants: tuple[tuple[str, Reading], ...]
    """Parts that may stand for the whole: (name, reading)."""
    items: tuple[Reading, ...]
    """The items of a list, each to be given; empty when the answer is no list."""
    heads: tuple[Reading, ...]
    """Each item's head (before ":", "(", "," or " - "), enough to give the item."""
    head: Reading | None
    """A first line that the lines below explain ("Generator" above its reasons)."""

    def readings(self) -> tuple[tuple[str, Reading], ...]:
        """The whole answer, then its parts."""
        return (("answer", self.whole), *self.variants)


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def bullets(lines: Sequence[str]) -> list[str]:
    """The bullet lines' texts, less those listing examples ("E.g. from a face:")."""
    out: list[str] = []
    examples = False
    for line in lines:
        if BULLET.match(line):
            if not examples:
                out.append(BULLET.sub("", line))
        else:
            examples = bool(_EXAMPLES.search(line)) and line.rstrip().endswith(":")
    return out


def shape(expected: str, glossary: Glossary, asked: set[str]) -> Answer:
    """Read ``expected`` whole, by its parts and as a list where it is one."""
    lines = _lines(expected)
    points = bullets(lines)
    first = lines[0] if lines else ""
    head = "" if BULLET.match(first) else first
    variants: list[tuple[str, Reading]] = []
    if len(lines) > 1 and head:
        variants.append(("first line", read(head, glossary)))
    lead = _LEAD_END.split(first, maxsplit=1)[0]
    if lead.strip() and lead.strip() != first.strip():  # "True - with caveat"
        variants.append(("first line's head", read(BULLET.sub("", lead), glossary)))
    flat = " ".join(lines)
    sentence = _SENTENCE_END.split(flat.strip(), maxsplit=1)[0]
    if sentence.strip(" .") not in ("", flat.strip(" ."), head.strip(" .")):
        variants.append(("first sentence", read(sentence, glossary)))
    items, heads = _list(lines, points, head, glossary, asked)
    if len(heads) >= 2 and len(points) >= 2:
        variants.append(("bullet heads", read("\n".join(heads), glossary)))
    explains = len(lines) > 1 and bool(head) and not head.rstrip().endswith(":")
    return Answer(
        read(expected, glossary),
        tuple(variants),
        tuple(read(item, glossary) for item in items),
        tuple(read(h, glossary) for h in heads),
        read(head, glossary) if explains else None,
    )


def _list(
    lines: Sequence[str], bullets: Sequence[str], head: str, glossary: Glossary, asked: set[str]
) -> tuple[list[str], list[str]]:
    """The items of a list and their heads, or two empty lists."""
    items: list[str] = []
    if len(bullets) >= 2 and (not head or head.rstrip().endswith(":")):
        items = list(bullets)
        heads = [_HEAD_END.split(b, maxsplit=1)[0] for b in bullets]
        if all(_NUMBERED.match(line) for line in lines):
            return items, heads  # numbered steps: every one counts, however long
    elif not bullets and len(lines) == 1:
        bare = _ASIDE.sub("", lines[0]).strip().rstrip(".")
        if not _SENTENCE_END.search(bare):
            items = [part for part in _LISTED.split(bare) if part.strip()]
            if len(items) < 2:  # "A and B": two terms, not "the richest and most compact"
                items = [part for part in _AND.split(bare) if part.strip()]
                if any(len(keys(read(part, glossary), asked)) != 1 for part in items):
                    items = []
        heads = items
    else:
        return [], []
    if not _a_list([read(i, glossary) for i in items], [read(h, glossary) for h in heads],
                   glossary, asked):  # fmt: skip
        return [], []
    return items, heads


def _a_list(
    items: Sequence[Reading], heads: Sequence[Reading], glossary: Glossary, asked: set[str]
) -> bool:
    """Two or more short items, all or none of them a part's name ("• Generator" heading its
    own bullets makes notes), none said twice (an outline)."""
    if len(items) < 2:
        return False
    roles = glossary.roles()
    named = [{w.stem for w in item.words} <= roles for item in items]
    if any(named) and not all(named):
        return False
    said = [tuple(sorted({w.stem for w in item.words})) for item in items]
    if len(set(said)) < len(said):
        return False
    return all(0 < len(keys(head, asked)) <= ITEM_WORDS for head in heads)
