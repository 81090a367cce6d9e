"""Grading a typed answer as a person would, and a word-level diff to show beside it.

Accepted: the same words up to case, accents, punctuation, plurals, small typos and
abbreviations ("KL divergence" for "Kullback-Leibler divergence"); or most of the answer's key
words and little else ("random noise" for "Randomly sampled noise"); or the first clause or
the bullet heads of a long answer. Rejected: an opposite ("maximize" for "minimize",
"correlated" for "uncorrelated", an added "not"), or roles swapped between two pairs
("generator: maximize, discriminator: minimize").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from studyapp.study.quiz_glossary import DEFAULT, Glossary
from studyapp.study.quiz_words import Token, negated, pieces, same_word, stem, tokens

MarkStatus = Literal["same", "close", "missing", "extra", "plain"]
SIMILAR = 0.85
"""difflib ratio of the whole answers from which they are the same answer, misspelt."""
MOST = 0.75
"""Share of the key words that accepts an answer with a few words of its own."""
FAIR = 0.6
"""Share of the key words that accepts an answer with one word of its own in four."""
HALF = 0.5
"""Share of the typed key words that must be the answer's."""
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("implicit", "explicit"), ("maximize", "minimize"), ("maximum", "minimum"),
    ("max", "min"), ("increase", "decrease"), ("higher", "lower"), ("high", "low"),
    ("more", "less"), ("larger", "smaller"), ("large", "small"), ("big", "small"),
    ("real", "fake"), ("true", "false"), ("deterministic", "probabilistic"),
    ("deterministic", "stochastic"), ("deterministic", "random"), ("encoder", "decoder"),
    ("generator", "discriminator"), ("generator", "critic"), ("upsample", "downsample"),
    ("upscaling", "downscaling"), ("overfitting", "underfitting"),
    ("supervised", "unsupervised"), ("discrete", "continuous"), ("positive", "negative"),
    ("before", "after"), ("first", "last"), ("input", "output"), ("fast", "slow"),
    ("easy", "hard"), ("stable", "unstable"), ("good", "bad"), ("better", "worse"),
    ("strong", "weak"), ("sharp", "blurry"), ("same", "different"), ("convex", "concave"),
    ("upper", "lower"), ("wide", "narrow"), ("shallow", "deep"), ("add", "subtract"),
    ("zero", "one"), ("always", "never"), ("all", "none"), ("similar", "different"),
    ("clean", "noisy"),
)  # fmt: skip
"""Words whose swap turns a right answer into a wrong one."""
_PAIRS = tuple((stem(a), stem(b)) for a, b in ANTONYMS)
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _PAIRS:
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)
_NEGATIONS = frozenset({"not", "no", "never", "without", "neither", "nor", "none"})
_CLAUSE = re.compile(r"[.;:!?\n]|\s[-\u2013\u2014]\s")
_BULLET = re.compile(r"^\s*(?:[\u2022*-]|\d+[.)])\s+")
_ASIDE = re.compile(
    r"\([^()]*\)|,?\s*\b(?:such as|e\.g\.|eg\.|i\.e\.|for example|for instance)[^.;\n]*",
    re.IGNORECASE,
)
"""Parentheses and examples: not key words."""
_HEAD_END = re.compile(r"[,(:;]|\s[-\u2013\u2014]\s")


@dataclass(frozen=True, slots=True)
class Mark:
    """A piece of the expected or typed answer and how it compares (whitespace is plain)."""

    text: str
    status: MarkStatus


@dataclass(frozen=True)
class TypedGrade:
    """The verdict on one typed answer, why, and both answers marked word by word."""

    accepted: bool
    reason: str
    expected: tuple[Mark, ...]
    typed: tuple[Mark, ...]


def _stems(words: Sequence[Token]) -> set[str]:
    return {t.stem for t in words}


def _has(stems: set[str], word: str) -> bool:
    return any(same_word(word, s) for s in stems)


def _before(words: Sequence[Token], target: str) -> str | None:
    """The key word before the first ``target`` (outside its own antonym pair)."""
    last = None
    for token in words:
        if token.stem == target:
            return last
        if token.content and target not in _OPPOSITE.get(token.stem, ()):
            last = token.stem
    return None


def _ruled_out(expected: Sequence[Token]) -> set[str]:
    """Key words after "instead of" / "rather than" (to the end of the answer)."""
    out: set[str] = set()
    on = False
    for token in expected:
        if token.stem in ("instead", "rather"):
            on = True
        elif on and token.content:
            out.add(token.stem)
    return out


def _ruled_in(expected: Sequence[Token]) -> set[str]:
    """Key words before the first "instead" / "rather"."""
    out: set[str] = set()
    for token in expected:
        if token.stem in ("instead", "rather"):
            break
        if token.content:
            out.add(token.stem)
    return out


def opposite(expected: Sequence[Token], typed: Sequence[Token]) -> str | None:
    """Why ``typed`` says the opposite of ``expected``, or None."""
    want, got = _stems(expected), _stems(typed)
    for word in got:
        if _has(want, word):
            continue
        for other in _OPPOSITE.get(word, ()):
            if other in want and other not in got:  # "real from fake" contrasts, not opposes
                return f"{word!r} where the answer says {other!r}"
        for other in want:
            if negated(word, other):
                return f"{word!r} where the answer says {other!r}"
    agrees = any(_has(want, t.stem) for t in typed if t.content)
    if agrees and got & _NEGATIONS and not want & _NEGATIONS:
        return "a negation the answer does not have"
    ruled_out = _ruled_out(expected) - _ruled_in(expected)
    keys = {t.stem for t in typed if t.content and _has(want, t.stem)}
    if keys and len(keys & ruled_out) * 2 >= len(keys) and not got & {"instead", "rather"}:
        return "what the answer rules out (" + ", ".join(sorted(keys & ruled_out)) + ")"
    for pair in _PAIRS:
        if set(pair) <= want and set(pair) <= got:
            for word in pair:
                before_want, before_got = _before(expected, word), _before(typed, word)
                if (
                    before_want and before_got and before_want != before_got
                    and before_got in want and before_want in got
                ):  # fmt: skip
                    return f"{word!r} said of {before_got!r}, not of {before_want!r}"
    return None


def _variants(expected: str, glossary: Glossary) -> list[tuple[str, list[str]]]:
    """The whole answer, its first clause and its bullet heads; each a list of bullets."""
    lines = [line for line in expected.splitlines() if line.strip()]
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line)]
    out = [("whole answer", bullets if len(bullets) >= 2 else [expected])]
    core, previous = expected, ""
    while core != previous:  # nested parentheses, innermost first
        core, previous = _ASIDE.sub("", core), core
    if core.strip() and core != expected:
        out.append(("answer without asides", [core]))
    first = _CLAUSE.split(expected.strip(), maxsplit=1)[0]
    if first.strip() and first.strip() != expected.strip():
        out.append(("first clause", [first]))
    if len(bullets) >= 2:
        out.append(("bullet heads", [_HEAD_END.split(b, maxsplit=1)[0] for b in bullets]))
    return out


def _key_words(
    parts: list[str], typed: set[str], glossary: Glossary, asked: set[str]
) -> tuple[int, int, bool]:
    """Key words of the parts typed, all key words, and whether every part (bullet) has one
    of its words typed. Words of the question and what the answer rules out are no key
    words."""
    keys: set[str] = set()
    covered = True
    for part in parts:
        found = glossary.canonical(tokens(part))
        words = {t.stem for t in found if t.content}
        own = words - asked - (_ruled_out(found) - _ruled_in(found)) or words
        keys |= own
        if own and not any(_has(typed, w) for w in own):
            covered = False
    return sum(1 for w in keys if _has(typed, w)), len(keys), covered and bool(keys)


def _marks(text: str, words: Sequence[Token], other: set[str], missing: MarkStatus) -> list[Mark]:
    status: dict[int, MarkStatus] = {}
    rank = {"plain": 0, "same": 1, "close": 2, missing: 3}
    for token in words:
        if not token.content:
            mark: MarkStatus = "plain"
        elif token.stem in other:
            mark = "same"
        elif _has(other, token.stem):
            mark = "close"
        else:
            mark = missing
        for index in token.source:
            if rank[mark] > rank[status.get(index, "plain")]:
                status[index] = mark
    return [Mark(piece, status.get(i, "plain")) for i, piece in enumerate(pieces(text))]


def grade(expected: str, given: str, glossary: Glossary = DEFAULT, prompt: str = "") -> TypedGrade:
    """Grade ``given`` against ``expected``; words of ``prompt`` do not count as key words."""
    want = glossary.canonical(tokens(expected))
    got = glossary.canonical(tokens(given))
    want_keys = {t.stem for t in want if t.content}
    got_keys = {t.stem for t in got if t.content}
    marks = (
        tuple(_marks(expected, want, got_keys, "missing")),
        tuple(_marks(given, got, want_keys, "extra")),
    )

    def verdict(accepted: bool, reason: str) -> TypedGrade:
        return TypedGrade(accepted, reason, *marks)

    if not got_keys and not {t.stem for t in got}:
        return verdict(False, "nothing typed")
    why = opposite(want, got)
    if why:
        return verdict(False, f"opposite: {why}")
    joined_want = " ".join(t.stem for t in want)
    joined_got = " ".join(t.stem for t in got)
    if joined_want == joined_got:
        return verdict(True, "the same words")
    if SequenceMatcher(None, joined_want, joined_got, autojunk=False).ratio() >= SIMILAR:
        return verdict(True, "the same words, misspelt")
    if not got_keys:
        return verdict(False, "no key word of the answer")
    asked = {t.stem for t in glossary.canonical(tokens(prompt)) if t.content}
    precision = sum(1 for w in got_keys if _has(want_keys, w)) / len(got_keys)
    for name, parts in _variants(expected, glossary):
        hits, total, covered = _key_words(parts, got_keys, glossary, asked)
        most = (hits >= MOST * total and precision >= HALF) or (
            hits >= FAIR * total and precision >= MOST
        )
        # all typed words are the answer's: more than half of it (half of a long one)
        half = precision == 1.0 and (2 * hits > total or (2 * hits == total and total >= 4))
        if covered and (most or half):
            return verdict(True, f"the key words of the {name}")
    return verdict(False, "key words missing")


def lenient_match(expected: str, given: str, glossary: Glossary = DEFAULT) -> bool:
    """True when a person would accept ``given`` for ``expected`` (see :func:`grade`)."""
    return grade(expected, given, glossary).accepted
