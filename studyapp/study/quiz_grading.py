"""Grading a typed answer as an examiner would: right, wrong, or the student's call.

A grade is decided only when sure. **Wrong**: the typed answer contradicts the answer's
claim (:mod:`studyapp.study.quiz_claims`); it has none of a short answer's key terms in
words the decks use; it gives only some items of a list and nothing else; it misses the
one-word answer above an explanation; or it is another card's answer. **Right**: the key
terms of the answer or of a part that stands for it (:mod:`studyapp.study.quiz_answer`),
with few words of the student's own, every item of a list, no other technical term and no
other count. Otherwise **unsure**: the screen shows the expected answer beside the typed
one with the key terms found and missing (:attr:`TypedGrade.terms`), and the student
grades with one key. Words are compared as the glossary reads them (abbreviations, the
field's synonyms, spelling slips, any order); rare words weigh more than common ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from studyapp.study.quiz_answer import Answer, Cover, each, keys, shape, share
from studyapp.study.quiz_claims import (
    NUMBERS,
    Conflict,
    Reading,
    Word,
    counts,
    crossed,
    denial,
    formula,
    opposite,
    read,
    swapped,
)
from studyapp.study.quiz_glossary import Glossary, bundled
from studyapp.study.quiz_words import pieces, same_word, tokens

Outcome = Literal["right", "wrong", "unsure"]
Basis = Literal[
    "key terms", "no answer", "contradiction", "no key term", "other terms", "first line",
    "part of the list", "another card", "question's words", "not every item", "own words",
    "terms missing",
]  # fmt: skip
"""What a grade rests on, for the screen to style: "key terms" (right); "no answer",
"contradiction", "no key term", "other terms", "first line", "part of the list", "another
card" (wrong); "no key term", "question's words", "not every item", "own words", "terms
missing" (unsure)."""
MarkStatus = Literal["same", "close", "missing", "extra", "plain"]
MOST = 0.75
"""Share of the key terms (by weight) that is right with a few words of the student's own."""
FAIR = 0.6
"""Share of the key terms that is right when nearly every typed word is the answer's."""
HALF = 0.5
"""Share of three or more key terms that is right when nearly every typed word is the
answer's; more than this is right when every typed word is."""
OWN = 0.5
"""Share of the typed words that must be the answer's (or the question's)."""
SOME = 0.34
"""Share of the typed words that must be the answer's when every key term is there."""
ALL = 0.999
"""A share that is the whole (weights are floats)."""
ITEM = 0.5
"""Share of a listed item's key terms (or its head's) that counts the item as given."""
SHORT = 4
"""Key terms of an answer (or its shortest part) that an answer sharing none of them surely
misses; a longer answer may be paraphrased in other words entirely."""
KNOWN = 0.5
"""Share of the typed words the decks use above which an answer without any of the answer's
terms is wrong (in words the decks never use it may be right in words unknown here)."""
BRIEF = 3
"""Content words of a typed answer so short that sharing no word with the answer is missing
it (a longer one may say it all in other words)."""
_OPEN = re.compile(
    r"\b(?:might|could|can\s+you|some|an?\s+example|e\.g\.|such\s+as|one\s+of|name\s+an?)\b",
    re.IGNORECASE,
)
"""A question that takes any of several answers ("a loss function you might use")."""
PREFIX = 4
"""Letters of a typed word that may abbreviate a longer word of the answer ("approx")."""
LITTLE = 0.34
"""Share of the key terms below which a typed answer may be another card's answer."""
OTHER = 0.5
"""Share of another card's key terms from which the typed answer may be that card's."""
FITS = 0.75
"""Share of the typed words that must be that other card's."""
GAP = 0.3
"""How much more of the other card's key terms than of this one's the typed answer gives."""
QUOTE = 40
"""Characters of another card's answer quoted in a reason."""
_NO_ANSWER = re.compile(
    r"^\W*(?:(?:i\s+)?(?:do\s*n['\u2019]?t\s+know|do\s+not\s+know|dunno|(?:have\s+)?no\s+idea"
    r"|not\s+sure|no\s+clue|forgot|can['\u2019]?t\s+remember)[\w\s,.!'\u2019]{0,12}"
    r"|idk|pass|skip|\?+)?\W*$",
    re.IGNORECASE,
)
"""What a student types for "I don't know"."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A piece of the expected or typed answer and how it compares (whitespace is plain)."""

    text: str
    status: MarkStatus


@dataclass(frozen=True, slots=True)
class Term:
    """A key term of the expected answer, as the card writes it, and whether it was given."""

    text: str
    found: bool


@dataclass(frozen=True)
class TypedGrade:
    """The verdict on one typed answer, why (one plain sentence), both answers marked word
    by word, the answer's key terms found and missing, and for a contradiction the words that
    clash. All of it is data: card text is never markup."""

    outcome: Outcome
    reason: str
    expected: tuple[Mark, ...]
    typed: tuple[Mark, ...]
    terms: tuple[Term, ...] = ()
    conflict: Conflict | None = None
    basis: Basis = "terms missing"

    @property
    def accepted(self) -> bool:
        """Graded right without asking."""
        return self.outcome == "right"

    @property
    def matched(self) -> tuple[str, ...]:
        """The answer's key terms the student gave, as the card writes them."""
        return tuple(t.text for t in self.terms if t.found)

    @property
    def missing(self) -> tuple[str, ...]:
        """The answer's key terms the student did not give, as the card writes them."""
        return tuple(t.text for t in self.terms if not t.found)


def _marks(reading: Reading, status: Callable[[Word], MarkStatus]) -> tuple[Mark, ...]:
    rank = {"plain": 0, "same": 1, "close": 2, "missing": 3, "extra": 3}
    by_piece: dict[int, MarkStatus] = {}
    for word in reading.words:
        mark = status(word)
        for index in word.source:
            if rank[mark] > rank[by_piece.get(index, "plain")]:
                by_piece[index] = mark
    return tuple(Mark(p, by_piece.get(i, "plain")) for i, p in enumerate(pieces(reading.text)))


def _terms(
    reading: Reading, wanted: Sequence[Word], hit: Callable[[str], bool]
) -> tuple[Term, ...]:
    parts = pieces(reading.text)
    found: dict[str, bool] = {}
    for word in wanted:
        text = _trimmed("".join(parts[min(word.source) : max(word.source) + 1]))
        if text:
            found[text] = found.get(text, False) or hit(word.stem)
    return tuple(Term(text, given) for text, given in found.items())


_EDGE = " \t\n.,;:!?\"'\u201c\u201d\u2022*-"
_CLOSE = {"(": ")", "[": "]"}


def _trimmed(text: str) -> str:
    """A key term without the punctuation around it; a bracket goes only when the term
    leaves it open ("(JSD)" and "JSD)" give "JSD"; "[link=x]click[/link]" stays whole)."""
    while True:
        trimmed = text.strip(_EDGE)
        first, last = trimmed[:1], trimmed[-1:]
        if first in _CLOSE and trimmed.count(first) > trimmed.count(_CLOSE[first]):
            trimmed = trimmed[1:]
        opening = {v: k for k, v in _CLOSE.items()}.get(last)
        if opening and trimmed.count(last) > trimmed.count(opening):
            trimmed = trimmed[:-1]
        if first in _CLOSE and last == _CLOSE[first] and _wraps(trimmed):
            trimmed = trimmed[1:-1]
        if trimmed == text:
            return trimmed
        text = trimmed


def _wraps(text: str) -> bool:
    """``text`` is one bracketed group: its first bracket closes at its last character."""
    depth = 0
    for i, char in enumerate(text):
        depth += char == text[0]
        depth -= char == _CLOSE[text[0]]
        if depth == 0:
            return i == len(text) - 1
    return False


def prepare(glossary: Glossary) -> None:
    """Read the glossary's cards now (a worker's job), so that no grade waits for them."""
    _cards(glossary)


def _cards(glossary: Glossary) -> list[tuple[str, Reading, set[str]]]:
    """The glossary's cards read once: (answer, its reading, the question's words)."""
    found = glossary.memo.get("cards")
    if not isinstance(found, list):
        found = [
            (back, read(back, glossary), set(glossary.read(front)))
            for front, back in glossary.cards
            if back.strip()
        ]
        glossary.memo["cards"] = found
    return found


def _answers_another(
    expected: str, own: Sequence[Word], cover: Cover, glossary: Glossary, best: float
) -> str | None:
    """Another card's answer that the typed one gives (most of its key terms, and nearly every
    typed word is that card's), far better than it gives this one's."""
    if len({w.stem for w in own}) < 2:
        return None
    for back, reading, asked in _cards(glossary):
        wanted = keys(reading, asked)
        if back.strip() == expected.strip() or len({w.stem for w in wanted}) < 2:
            continue
        given = share(wanted, cover, glossary.weight)
        if given < OTHER or given < best + GAP:
            continue
        theirs = Cover([w.stem for w in reading.words], glossary)
        if share(own, _gives(theirs), each) >= FITS:
            return back
    return None


def _gives(answer: Cover) -> Callable[[str], bool]:
    """Whether a typed stem gives one of ``answer``'s stems."""
    return lambda stem: any(answer.match(stem, e) for e in answer.typed)


def _shares_a_word(expected: str, given: str) -> bool:
    """A content word in common as written, or a typed word that starts one of the answer's
    ("reparam"): the glossary may read them apart, but they are no strangers."""
    mine = {t.stem for t in tokens(given) if t.content}
    theirs = {t.stem for t in tokens(expected) if t.content}
    return any(
        same_word(a, b) or (len(a) >= PREFIX and b.startswith(a)) for a in mine for b in theirs
    )


def _same_counts(typed: set[tuple[str, str]], expected: set[tuple[str, str]]) -> bool:
    """No typed number counts what the answer counts with another number only ("one" in an
    answer is as often "one ... another" as a count, so it counts nothing there)."""
    for number, what in typed:
        theirs = {n for n, w in expected if same_word(w, what) and n != "one"}
        if theirs and number not in theirs:
            return False
    return True


def _another_number(want: Reading, got: Reading) -> bool:
    """The typed answer gives a number the answer does not, and not the answer's own."""
    mine = {w.stem for w in got.words if w.stem.isdigit() or w.stem in NUMBERS}
    theirs = {w.stem for w in want.words if w.stem.isdigit() or w.stem in NUMBERS}
    return bool(mine - theirs) and bool(theirs - mine)


def _right(wanted: Sequence[Word], given: float, mine: float) -> bool:
    """Enough of the key terms for the share of the typed words that is the answer's."""
    many = len({w.stem for w in wanted})
    return (
        (given >= MOST and mine >= OWN)
        or (given >= FAIR and mine >= MOST)
        or (given >= HALF and mine >= MOST and many >= 3)
        or (given > HALF and mine >= ALL)
        or (given >= ALL and mine >= SOME and many >= 2)
    )


def grade(
    expected: str, given: str, glossary: Glossary | None = None, prompt: str = ""
) -> TypedGrade:
    """Grade ``given`` against ``expected``; the words of ``prompt`` (the question) are not
    asked for again. ``glossary`` defaults to the built-ins and the bundled decks."""
    glossary = glossary or bundled()
    asked = set(glossary.read(prompt))
    shapes = glossary.memo.setdefault("shapes", {})
    assert isinstance(shapes, dict)
    answer = shapes.get((expected, prompt))
    if answer is None:  # a quiz grades many answers to one question: read it once
        answer = shapes[(expected, prompt)] = shape(expected, glossary, asked)
    want, got = answer.whole, read(given, glossary)
    cover = Cover([w.stem for w in got.words], glossary)
    gives = _gives(Cover([w.stem for w in want.words], glossary))

    def expected_status(word: Word) -> MarkStatus:
        return "same" if word.stem in got.stems else "close" if cover(word.stem) else "missing"

    def typed_status(word: Word) -> MarkStatus:
        return "same" if word.stem in want.stems else "close" if gives(word.stem) else "extra"

    marks = (_marks(want, expected_status), _marks(got, typed_status))
    terms = _terms(want, keys(want, asked), cover)

    def verdict(
        outcome: Outcome, basis: Basis, reason: str, conflict: Conflict | None = None
    ) -> TypedGrade:
        return TypedGrade(outcome, reason, *marks, terms, conflict, basis)

    if not got.words or _NO_ANSWER.match(given):
        return verdict("wrong", "no answer", "no answer given")
    conflict = _conflict(answer, got, expected, given, cover, glossary, asked)
    if conflict:
        return verdict("wrong", "contradiction", conflict.sentence(), conflict)
    own = [w for w in got.words if not w.aside]
    answered = lambda s: gives(s) or any(same_word(s, a) for a in asked)  # noqa: E731
    mine = share(own, answered, each) if own else 1.0
    known = share(own, glossary.known, each)
    brief = len({w.stem for w in own}) <= BRIEF and not _OPEN.search(prompt)
    if not any(cover(w.stem) for w in want.words) and not _shares_a_word(expected, given):
        shortest = min(len({w.stem for w in keys(r, asked)}) for _, r in answer.readings())
        if brief or (known > KNOWN and shortest <= SHORT):
            return verdict("wrong", "no key term", "none of the answer's key terms")
        return verdict("unsure", "no key term", "none of the answer's key terms")
    if not any(cover(w.stem) for _, r in answer.readings() for w in keys(r, asked)):
        if brief and any(not answered(w.stem) for w in own):
            return verdict("wrong", "other terms", "only the question's words and others")
        return verdict("unsure", "question's words", "only the question's own words")
    items = [
        share(keys(item, asked), cover, glossary.weight) >= ITEM
        or share(keys(head, asked), cover, glossary.weight) >= ITEM
        for item, head in zip(answer.items, answer.heads, strict=True)
    ]
    foreign = any(w.stem in glossary.terms and not answered(w.stem) for w in own) or (
        _another_number(want, got)
    )
    numbers = counts(got)
    for name, reading in answer.readings():
        if foreign or not all(items):
            break  # another technical term ("D is a CNN") or number, or an item left out
        if not _same_counts(numbers, counts(reading)):
            continue  # another count ("one discriminator" for "two discriminators")
        wanted = keys(reading, asked)
        if _right(wanted, share(wanted, cover, glossary.weight), mine):
            return verdict("right", "key terms", "the key terms of the " + name)
    if answer.head and len({w.stem for w in own}) <= 2 and known > KNOWN:
        head = keys(answer.head, asked)
        if len({w.stem for w in head}) <= 2 and not any(cover(w.stem) for w in head):
            return verdict("wrong", "first line", "not the answer's first line")
    if answer.items and mine >= ALL and not all(items):
        untouched = [
            item for item, ok in zip(answer.items, items, strict=True)
            if not ok and not any(cover(w.stem) for w in keys(item, asked))
        ]  # fmt: skip
        if untouched:
            n = len(answer.items)
            return verdict(
                "wrong",
                "part of the list",
                f"{n - len(untouched)} of the {n} items the answer lists",
            )
    best = max(share(keys(r, asked), cover, glossary.weight) for _, r in answer.readings())
    if best < LITTLE and mine < OWN:
        other = _answers_another(expected, own, cover, glossary, best)
        if other is not None:
            shown = " ".join(other.split())
            shown = shown if len(shown) <= QUOTE else shown[: QUOTE - 1] + "\u2026"
            return verdict("wrong", "another card", f"another card's answer: '{shown}'")
    if not all(items):
        return verdict("unsure", "not every item", "not every item of the list")
    if mine < OWN:
        return verdict("unsure", "own words", "words the answer does not have")
    return verdict("unsure", "terms missing", "some key terms missing")


def _conflict(
    answer: Answer,
    got: Reading,
    expected: str,
    given: str,
    cover: Cover,
    glossary: Glossary,
    asked: set[str],
) -> Conflict | None:
    """The first contradiction of the answer's claims. A listed item of one word ("•
    convergence") names a problem: "non-convergence" for it is the same problem."""
    want = answer.whole
    bare = {k[0].stem for item in answer.items if len(k := keys(item, asked)) == 1}
    exempt: Callable[[Word], bool] = lambda w: w.stem in bare  # noqa: E731
    return (
        formula(expected, given)
        or denial(want, got, cover.match, exempt)
        or opposite(want, got, glossary, cover.match, exempt)
        or swapped(want, got, cover.match, glossary.roles())
        or crossed(want, got, glossary, cover.match)
    )


def lenient_match(expected: str, given: str, glossary: Glossary | None = None) -> bool:
    """True when ``given`` is graded right for ``expected`` (see :func:`grade`)."""
    return grade(expected, given, glossary).accepted
