"""What an answer claims, and where a typed answer contradicts the expected one.

An answer is read into its content words, each with the part it is said of (the generator,
the encoder...: the last one named in its sentence, or the one it directly precedes) and
whether it is denied ("not differentiable", "instead of a diverse range", "replace pooling").
A typed answer contradicts the expected one only on the same claim: an opposite said of the
same part or in the same context ("larger latent spaces" for "smaller latent spaces"), a
word denied that the answer asserts, a part's property given to another part ("the encoder
reconstructs"), or a formula with its terms in another order. A word of the antonym list
standing elsewhere ("fake samples realistic enough to fool the discriminator") is no
contradiction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Literal

from studyapp.study.quiz_glossary import Glossary
from studyapp.study.quiz_synonyms import HARD, RULING_OUT, RULING_OUT_VERBS
from studyapp.study.quiz_words import NEGATIONS, Token, fold, negated, pieces, same_word, tokens

ConflictKind = Literal["opposite", "denied", "ruled out", "swapped", "formula"]
NUMBERS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])
_SPAN = 12
"""Pieces (words and spaces) a quoted denial may span, from "not" to the word."""
_PREPOSITIONS = frozenset([
    "from", "by", "of", "to", "than", "between", "against", "for", "with", "w", "into", "on",
    "at", "over", "through", "via", "about", "as",
])  # fmt: skip
_CALL = re.compile(r"[a-z\u0394-\u03c9]\s*\(")
_LEADING_FORMULA = re.compile(r"^\s*(?:[a-z]\s*=|[a-z]\s*\(|e\s*\[)")
_SUBSCRIPT = re.compile(r"_(?:\{[^}]*\}|\([^)]*\)|\w+)")
_EXPECTATION = re.compile(r"\be\s*\[")
_SYMBOL = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Word:
    """A content word of an answer and the claim it stands in."""

    stem: str
    source: tuple[int, ...]
    clause: int
    sentence: int
    line: int
    aside: bool
    role: str | None
    """The part it is said of (canonical), or None."""
    denied: bool
    """The word a negation applies to, or ruled out ("instead of", "replace ... with")."""
    negative: bool
    """Said in a clause with a negation, or ruled out."""
    ruled_out: bool
    hedged: bool = False
    """Said in a clause that calls something hard to reach ("convergence ... is tough")."""
    because: tuple[int, ...] = ()
    """The pieces of the negation or ruling-out word that denies it ("not", "instead")."""
    subject: bool = False
    """A part named as the subject of its sentence (not after "from", "to", "of"...)."""


@dataclass(frozen=True)
class Reading:
    """An answer's content words in order, and the lines of its text."""

    text: str
    words: tuple[Word, ...]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(w.stem for w in self.words)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why a typed answer contradicts the expected one: its words against the answer's."""

    kind: ConflictKind
    typed: str
    expected: str

    def sentence(self) -> str:
        """One plain sentence for the student."""
        if self.kind == "opposite":
            return f"'{self.typed}' where the answer says '{self.expected}'"
        if self.kind == "denied":
            return f"'{self.typed}' where the answer says '{self.expected}'"
        if self.kind == "ruled out":
            return f"'{self.typed}' where the answer says '{self.expected}'"
        if self.kind == "swapped":
            return f"'{self.typed}' is said of another part in the answer ('{self.expected}')"
        return f"the formula '{self.typed}' is not the answer's '{self.expected}'"


def read(text: str, glossary: Glossary) -> Reading:
    """The content words of ``text`` with the part each is said of and its polarity."""
    words = glossary.canonical(tokens(text))
    roles = glossary.roles()
    negative_clauses = {t.clause for t in words if t.stem in NEGATIONS}
    hard_clauses = {t.clause for t in words if t.stem in HARD}
    hard_words = {i for i, t in enumerate(words) if t.stem in HARD}
    headers = _header_lines(words, roles)
    header: str | None = None  # "• Generator" heads the lines below it
    out: list[Word] = []
    role: str | None = None
    sentence = -1
    deny_clause: int | None = None  # a negation denies the next content word of its clause
    marker: tuple[int, ...] = ()  # where the negation or ruling-out word stands
    ruled_clause: int | None = None  # "instead of" rules out the rest of its clause
    ruling_verb: int | None = None  # "replace X with Y" rules out X
    replaced = False  # just past "replace X with": Y is the new subject
    after_part = False  # only stopwords since the last part named: "G and D are MLPs"
    for i, token in enumerate(words):
        if token.sentence != sentence:
            sentence, role, after_part = token.sentence, None, False
            header = headers.get(token.line, header)
            role = header
        if ruling_verb is not None and (token.clause != ruling_verb or token.stem == "with"):
            replaced = token.stem == "with"
            ruling_verb = None
        if token.stem in NEGATIONS:
            only = token.stem == "not" and _next_stem(words, i) == "only"
            deny_clause = None if only else token.clause
            marker = token.source
            continue
        if _starts_ruling_out(words, i):
            ruled_clause = token.clause
            marker = token.source
            continue
        if not token.content:
            continue
        ruled = ruled_clause == token.clause or ruling_verb is not None
        denied = ruled or deny_clause == token.clause
        if token.stem in RULING_OUT_VERBS:
            ruling_verb = token.clause
            marker = token.source
            denied = False
        subject = False
        if token.stem in roles and not denied:
            subject = replaced or _previous_stem(words, i) not in _PREPOSITIONS
            if subject:
                role = None if after_part else token.stem  # claims of both are of neither
            after_part = True
        else:
            after_part = False
        replaced = replaced and not token.content
        hedged = token.clause in hard_clauses and i not in hard_words
        negative = ruled or token.clause in negative_clauses
        out.append(
            Word(
                token.stem,
                token.source,
                token.clause,
                token.sentence,
                token.line,
                token.aside,
                role,
                denied,
                negative,
                ruled,
                hedged,
                marker if denied else (),
                subject,
            )
        )
        deny_clause = None
    return Reading(text, tuple(out))


def _header_lines(words: Sequence[Token], roles: frozenset[str]) -> dict[int, str | None]:
    """Each line's heading part: a line naming only a part heads the lines below it, until
    the next such line; the answer's first line heads nothing (it is the answer)."""
    by_line: dict[int, list[str]] = {}
    for token in words:
        if token.content:
            by_line.setdefault(token.line, []).append(token.stem)
    out: dict[int, str | None] = {}
    header: str | None = None
    for line in sorted(by_line):
        stems = by_line[line]
        if len(stems) == 1 and stems[0] in roles and len(by_line) > 2:
            header = stems[0]
        out[line] = header
    return out


def _next_stem(words: Sequence[Token], i: int) -> str:
    return words[i + 1].stem if i + 1 < len(words) else ""


def _previous_stem(words: Sequence[Token], i: int) -> str:
    """The word before ``words[i]`` in its clause, articles skipped."""
    j = i - 1
    while (
        j >= 0
        and words[j].stem in ("the", "a", "an", "its", "their")
        and words[j].clause == words[i].clause
    ):
        j -= 1
    return words[j].stem if j >= 0 and words[j].clause == words[i].clause else ""


def _starts_ruling_out(words: Sequence[Token], i: int) -> bool:
    return (words[i].stem, _next_stem(words, i)) in RULING_OUT


Match = Callable[[str, str], bool]
"""Whether a typed stem says an expected stem (the same word, or a narrower term)."""


def _said(words: Sequence[Word], stem: str, match: Match, *, typed_side: bool) -> list[Word]:
    if typed_side:
        return [w for w in words if match(w.stem, stem)]
    return [w for w in words if match(stem, w.stem)]


def _context(reading: Reading, word: Word, skip: set[str]) -> set[str]:
    return {
        w.stem
        for w in reading.words
        if w.clause == word.clause and w.stem != word.stem and w.stem not in skip
    }


def opposite(
    expected: Reading,
    typed: Reading,
    glossary: Glossary,
    match: Match,
    exempt: Callable[[Word], bool],
) -> Conflict | None:
    """An opposite (antonym or negating prefix) said of the same part or in the same context,
    which the typed answer does not contrast with the answer's own word."""
    for t in typed.words:
        if t.aside:
            continue
        if _said(expected.words, t.stem, match, typed_side=False):
            continue  # the answer says it too: a contrast ("real from fake")
        if any(w.stem in glossary.opposites(t.stem) for w in typed.words):
            continue  # the typed answer contrasts it itself ("makes blurry images sharp")
        for e in expected.words:
            if e.aside or e.ruled_out:
                continue
            prefixed = negated(t.stem, e.stem)
            if not prefixed and e.stem not in glossary.opposites(t.stem):
                continue
            if prefixed and exempt(e):
                continue  # "non-convergence" listed for "convergence": the same problem
            if _said(typed.words, e.stem, match, typed_side=True):
                continue  # the typed answer says both
            if t.negative != e.negative or t.hedged or e.hedged:
                continue  # "not deterministic" agrees with "random"; "stable is tough": unclear
            if _same_claim(expected, typed, e, t, glossary):
                return Conflict("opposite", _text(typed, t), _text(expected, e))
    return None


def _same_claim(expected: Reading, typed: Reading, e: Word, t: Word, glossary: Glossary) -> bool:
    roles = glossary.roles()
    if e.stem in roles or t.stem in roles:  # one part for another: in the same place
        if e.subject != t.subject:
            return False
    elif e.role is not None and t.role is not None:
        return e.role == t.role
    skip = {e.stem, t.stem, *glossary.opposites(e.stem), *glossary.opposites(t.stem)}
    mine, theirs = _context(typed, t, skip), _context(expected, e, skip)
    if not mine or not theirs:
        return True  # one of them says nothing else: the whole claim is this word
    return any(same_word(a, b) for a in mine for b in theirs)


def denial(
    expected: Reading, typed: Reading, match: Match, exempt: Callable[[Word], bool]
) -> Conflict | None:
    """A word the typed answer denies that the answer asserts, or the reverse."""
    for t in typed.words:
        if t.aside:
            continue
        said = [e for e in expected.words if not e.aside and same_word(t.stem, e.stem)]
        if not said or all(exempt(e) for e in said):
            continue
        if t.denied and not any(e.negative for e in said):
            return Conflict("denied", _text(typed, t), _text(expected, said[0]))
        if not t.negative and all(e.denied for e in said):
            return Conflict("ruled out", _text(typed, t), _text(expected, said[0]))
    return None


def swapped(
    expected: Reading, typed: Reading, match: Match, parts: frozenset[str] = frozenset()
) -> Conflict | None:
    """A property the answer gives to one part only, given to another part instead, more
    often than the typed answer gives parts their own properties. ``parts``: the glossary's
    (a property right after naming its own part is that part's, subject or not)."""
    own: dict[str, list[Word]] = {}
    for e in expected.words:
        if e.role is not None and _property(e):
            own.setdefault(e.role, []).append(e)
    wrong: list[tuple[Word, Word]] = []
    right = 0
    for t in typed.words:
        if t.role is None or not _property(t):
            continue
        owners = [r for r, ws in own.items() if any(match(t.stem, w.stem) for w in ws)]
        if owners == [t.role]:
            right += 1
        elif len(owners) == 1 and t.role not in owners:
            theirs = [w for w in typed.words if w.role == owners[0] and match(w.stem, t.stem)]
            if not theirs and not _named_with(typed, t, owners[0], parts | set(own)):
                wrong.append((t, next(w for w in own[owners[0]] if match(t.stem, w.stem))))
    if wrong and not right:
        t, e = wrong[0]
        return Conflict(
            "swapped", f"{_text(typed, t)} ({t.role})", f"{_text(expected, e)} ({e.role})"
        )
    return None


def _named_with(reading: Reading, word: Word, part: str, parts: Set[str]) -> bool:
    """The last part named before ``word`` in its clause is ``part``, though not as the
    subject ("two generators ... with a discriminator for each domain"): the word is said of
    it, so it is not given to another part."""
    before = [w for w in reading.words[: reading.words.index(word)] if w.clause == word.clause]
    named = [w.stem for w in before if w.stem in parts]
    return bool(named) and named[-1] == part


def _property(word: Word) -> bool:
    """A word that can be a part's property: not the part, an aside, a denial or a number."""
    return not (
        word.stem == word.role or word.aside or word.denied or len(word.stem) < 2
        or word.stem.isdigit() or word.stem in NUMBERS
    )  # fmt: skip


def crossed(expected: Reading, typed: Reading, glossary: Glossary, match: Match) -> Conflict | None:
    """Two opposites both answers use, each given what the other qualifies in the answer
    ("clean inputs ... noisy outputs" for "noisy inputs ... clean output")."""
    for t in typed.words:
        for other in glossary.opposites(t.stem):
            mine_other = [w for w in typed.words if w.stem == other]
            e_t = [w for w in expected.words if w.stem == t.stem]
            e_other = [w for w in expected.words if w.stem == other]
            if not (mine_other and e_t and e_other):
                continue
            a, b = _neighbours(typed, [t]), _neighbours(typed, mine_other)
            x, y = _neighbours(expected, e_t), _neighbours(expected, e_other)
            if _meet(a, y, match) and _meet(b, x, match) and not _meet(a, x, match):
                return Conflict("swapped", _text(typed, t), _text(expected, e_other[0]))
    return None


def _neighbours(reading: Reading, words: Sequence[Word]) -> set[str]:
    """What each word qualifies: the next content word of its clause, else the one before."""
    out: set[str] = set()
    for word in words:
        i = reading.words.index(word)
        after = [w for w in reading.words[i + 1 :] if w.clause == word.clause]
        before = [w for w in reading.words[:i] if w.clause == word.clause]
        near = after[:1] or before[-1:]
        out.update(w.stem for w in near)
    return out


def _meet(a: set[str], b: set[str], match: Match) -> bool:
    return any(match(x, y) for x in a for y in b)


def counts(reading: Reading) -> set[tuple[str, str]]:
    """The numbers an answer gives and what each counts ("two", "generator")."""
    out: set[tuple[str, str]] = set()
    for i, word in enumerate(reading.words):
        if word.stem.isdigit() or word.stem in NUMBERS:
            after = [w for w in reading.words[i + 1 :] if w.clause == word.clause][:1]
            out.update((word.stem, w.stem) for w in after)
    return out


def _symbols(line: str) -> list[str]:
    text = _EXPECTATION.sub("[", _SUBSCRIPT.sub("", fold(line)))
    return [s for s in _SYMBOL.findall(text) if len(s) == 1]


def leads_with_formula(text: str) -> bool:
    """The answer's first line begins with a formula ("D(x) - D(G(z))", "x = g(z)")."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and bool(_LEADING_FORMULA.match(fold(lines[0])))


def formula(expected: str, typed: str) -> Conflict | None:
    """A typed formula whose symbols are in no line of the answer in that order, where the
    answer leads with a formula ("D(G(z)) - D(x)" for "D(x) - D(G(z))")."""
    lines = [line for line in expected.splitlines() if line.strip()]
    if not leads_with_formula(expected) or not _CALL.search(fold(typed)):
        return None
    mine = _symbols(typed)
    if not mine or any(_subsequence(mine, _symbols(line)) for line in lines):
        return None
    return Conflict("formula", typed.strip(), lines[0].strip())


def _subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    it = iter(long)
    return all(any(s == x for x in it) for s in short)


def _text(reading: Reading, word: Word) -> str:
    """The word as written, from the word that denies it ("not", "instead of") if any."""
    parts = pieces(reading.text)
    start = min(word.because or word.source)
    if max(word.source) - start > _SPAN:
        start = min(word.source)
    shown = "".join(parts[start : max(word.source) + 1])
    return " ".join(shown.split()).strip(" .,;:()[]\"'\u201c\u201d")
