"""What a typed answer's words read as: abbreviations, the field's synonyms, word weights.

Abbreviations are built in and mined from cards following Schwartz & Hearst (2003): "Long
Form (LF)" and "LF (Long Form)" where the short form's letters appear in order in the long
form, the first at a word start; and cards asking "What is LF short for?". The field's
synonyms come from :mod:`studyapp.study.quiz_synonyms`. A glossary built from cards also
weighs words by how few cards use them (a rare word says more than "data").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studyapp.study.quiz_synonyms import ANTONYMS, BROADER, ROLES, SYNONYMS
from studyapp.study.quiz_words import STOPWORDS, Token, tokens, typo

BUILT_IN: dict[str, tuple[str, ...]] = {
    "AE": ("autoencoder", "auto-encoder"),
    "BCE": ("binary cross entropy",),
    "CNN": ("convolutional neural network",),
    "DCGAN": ("deep convolutional GAN",),
    "ELBO": ("evidence lower bound", "variational lower bound"),
    "EMD": ("earth mover's distance", "earth mover distance"),
    "GAN": (
        "generative adversarial network",
        "generative adversarial net",
        "generative adversary network",
    ),
    "GP": ("gradient penalty",),
    "ICA": ("independent component analysis",),
    "JS": ("Jensen-Shannon",),
    "JSD": ("Jensen-Shannon divergence", "JS divergence"),
    "KL": ("Kullback-Leibler",),
    "KLD": ("Kullback-Leibler divergence", "KL divergence"),
    "MCMC": ("Markov chain Monte Carlo",),
    "MAE": ("mean absolute error",),
    "MLE": ("maximum likelihood estimation", "maximum likelihood estimate"),
    "MLP": ("multi-layer perceptron", "multilayer perceptron"),
    "MSE": ("mean squared error", "mean square error"),
    "NN": ("neural network",),
    "PCA": ("principal component analysis",),
    "PDF": ("probability density function",),
    "ReLU": ("rectified linear unit",),
    "SGD": ("stochastic gradient descent",),
    "VAE": ("variational autoencoder", "variational auto-encoder"),
    "WGAN": ("Wasserstein GAN",),
}
"""The abbreviations of the subject that a deck may use without ever spelling out."""

_SHORT = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,9}$")
_IN_PARENS = re.compile(r"\(([^()\n]{1,80})\)")
SHORT_FOR = re.compile(
    r"^\s*what\s+(?:is|does|do|are)\s+(?:an?\s+|the\s+)?(?P<short>[^?]{2,40}?)\s+"
    r"(?:short\s+for|stand\s+for|an?\s+abbreviation\s+(?:of|for))\b",
    re.IGNORECASE,
)
"""A question asking what a short form stands for ("What is VAE short for?")."""


def is_short_form(word: str) -> bool:
    """Two to ten characters with at least two capitals ("KL", "WGANs", "ReLU")."""
    return bool(_SHORT.match(word)) and sum(ch.isupper() for ch in word) >= 2


def long_form_matches(short: str, long: str) -> bool:
    """Schwartz-Hearst: the short form's letters in order in ``long``, the first at a word start,
    and ``long`` begins with the word holding that first letter."""
    letters = [ch for ch in short.lower().removesuffix("s") if ch.isalnum()]
    text = long.lower()
    if not letters or not text or not text[0].isalnum() or text[0] != letters[0]:
        return False
    at = len(text) - 1
    for i in range(len(letters) - 1, -1, -1):
        while at >= 0 and (
            text[at] != letters[i] or (i == 0 and at > 0 and text[at - 1].isalnum())
        ):
            at -= 1
        if at < 0:
            return False
        at -= 1
    return at < 0 or not text[: at + 1].strip()


def _before(text: str, end: int, short: str) -> str | None:
    """The shortest run of words ending at ``end`` that ``short`` abbreviates."""
    words = text[:end].split()
    most = min(len(short) + 5, 2 * len(short))
    for n in range(1, min(most, len(words)) + 1):
        candidate = " ".join(words[-n:]).strip(" ,;:")
        if long_form_matches(short, candidate):
            return candidate
    return None


def mine(cards: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Short form -> long forms found in (front, back) pairs."""
    found: dict[str, set[str]] = {}
    for front, back in cards:
        for text in (front, back):
            for match in _IN_PARENS.finditer(text):
                inside = match.group(1).strip()
                if is_short_form(inside):  # Long Form (LF)
                    long = _before(text, match.start(), inside)
                    if long:
                        found.setdefault(inside.removesuffix("s"), set()).add(long)
                    continue
                words = text[: match.start()].split()
                if words and is_short_form(words[-1].strip(",;:")):  # LF (Long Form)
                    short = words[-1].strip(",;:")
                    if len(inside.split()) >= 2 and long_form_matches(short, inside):
                        found.setdefault(short.removesuffix("s"), set()).add(inside)
        asked = SHORT_FOR.match(front)
        answer = back.strip().splitlines()[0].strip(" .") if back.strip() else ""
        if asked and answer:
            said, spelt = asked.group("short").split(), answer.split()
            while len(said) > 1 and spelt and said[-1].casefold() == spelt[-1].casefold():
                said, spelt = said[:-1], spelt[:-1]  # "KL divergence" / "... divergence"
            if len(said) == 1 and spelt and long_form_matches(said[0], " ".join(spelt)):
                found.setdefault(said[0], set()).add(" ".join(spelt))
    return found


PASSES = 4
"""Rounds of reading: "normal with mean 0 and sd 1" reads "gaussian mean0 var1", then
"stdnormal"; "earth mover's distance" reads "emd", then "wasserstein distance"."""
GAP = 3
"""Stopwords a phrase may skip between two of its words ("size of the latent space")."""


def phrase_key(text: str) -> tuple[str, ...]:
    """The stems of a phrase that matching compares: its words without stopwords."""
    return tuple(t.stem for t in tokens(text) if t.stem not in STOPWORDS)


@dataclass(frozen=True)
class Glossary:
    """Phrases (stems without stopwords) and what they read as ("kullback leibler" -> "kl",
    "n 0 1" -> "stdnormal"), with the number of cards using each stem (``df``) out of
    ``documents``, to weigh words."""

    phrases: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    df: Mapping[str, int] = field(default_factory=dict)
    documents: int = 0
    terms: frozenset[str] = frozenset()
    """The short forms: technical terms of the field ("cnn", "mse", "kl")."""
    cards: tuple[tuple[str, str], ...] = ()
    """The (front, back) cards it was built from: the questions a typed answer may answer."""
    memo: dict[str, object] = field(init=False, repr=False, compare=False, default_factory=dict)
    """What readers derive from :attr:`cards` once (the grader's readings of them)."""
    _starts: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _near: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _long_firsts: dict[str, list[str]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _derived: dict[str, dict[str, frozenset[str]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for key, read in sorted(self.phrases.items(), key=lambda kv: -len(kv[0])):
            self._starts.setdefault(key[0], []).append((key, read))
        for first in self._starts:
            if len(first) >= 5:
                self._long_firsts.setdefault(first[0], []).append(first)

    @classmethod
    def of(cls, pairs: Mapping[str, Iterable[str]]) -> Glossary:
        """Abbreviations (short -> long forms) and the field's synonyms."""
        spelt: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for short, longs in pairs.items():
            shorts = phrase_key(short)
            if shorts:
                spelt.setdefault(shorts, set()).update(
                    phrase_key(spelling)
                    for long in longs
                    for spelling in {long, re.sub(r"[-\u2010\u2011\u2013]", " ", long)}
                )
        contract: dict[tuple[str, ...], tuple[str, ...]] = {
            long: ("".join(shorts),)
            for shorts, longs in spelt.items()
            for long in longs
            if long and long != ("".join(shorts),)
        }
        contract.update({shorts: ("".join(shorts),) for shorts in spelt if len(shorts) > 1})
        phrases = dict(contract)
        keys = {"".join(shorts) for shorts in spelt}
        for shorts, spellings in spelt.items():
            key = "".join(shorts)
            plain = cls({k: v for k, v in contract.items() if v != (key,)})
            for spelling in spellings:
                read = tuple(t.stem for t in plain.canonical([Token(s, ()) for s in spelling]))
                if len(read) > 1 and read[0] in keys - {key}:  # "kl divergence"
                    phrases[(key,)] = read
                    for other in spellings:
                        phrases.pop(other, None)
                    break
        for canonical, variants in SYNONYMS.items():
            reads = phrase_key(canonical)
            for variant in variants:
                spelt_as = phrase_key(variant)
                if spelt_as and spelt_as != reads:
                    phrases.setdefault(spelt_as, reads)
        return cls(phrases, terms=frozenset(keys))

    @classmethod
    def from_cards(cls, cards: Iterable[tuple[str, str]]) -> Glossary:
        """The built-in abbreviations, those the cards spell out, and the cards' word weights."""
        cards = list(cards)
        pairs: dict[str, set[str]] = {k: set(v) for k, v in BUILT_IN.items()}
        for short, longs in mine(cards).items():
            pairs.setdefault(short, set()).update(longs)
        glossary = cls.of(pairs)
        df: dict[str, int] = {}
        for front, back in cards:
            for stem in {t.stem for t in glossary.canonical(tokens(f"{front}\n{back}"))}:
                df[stem] = df.get(stem, 0) + 1
        return cls(glossary.phrases, df, len(cards), glossary.terms, tuple(cards))

    def weight(self, stem: str) -> float:
        """How much a word says: 1 plus its inverse card frequency (all 1 without cards)."""
        if not self.documents:
            return 1.0
        return 1.0 + math.log((self.documents + 1) / (self.df.get(stem, 0) + 1))

    def known(self, stem: str) -> bool:
        """A word some card uses (every word, without cards)."""
        return not self.documents or stem in self.df or stem in self.terms

    def read(self, text: str) -> tuple[str, ...]:
        """What ``text`` reads as: its canonical stems, stopwords left out."""
        reads = self.memo.setdefault("read", {})
        assert isinstance(reads, dict)
        found = reads.get(text)
        if found is None:
            words = self.canonical(tokens(text))
            found = reads[text] = tuple(t.stem for t in words if t.stem not in STOPWORDS)
        return found

    def _candidates(self, stem: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        near = self._near.get(stem)
        if near is None:
            near = tuple(
                f
                for f in self._long_firsts.get(stem[:1], ())
                if abs(len(f) - len(stem)) <= 2 and typo(f, stem)
            )
            self._near[stem] = near
        found = list(self._starts.get(stem, ()))
        for first in near:
            found.extend(self._starts[first])
        return found

    def _match(self, words: Sequence[Token], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest phrase starting at ``words[i]``: where it ends and what it reads as."""
        best: tuple[int, int, tuple[str, ...]] | None = None
        for key, read in self._candidates(words[i].stem):
            if best is not None and len(key) <= best[0]:
                continue
            j, ok = i, True
            for k, want in enumerate(key):
                if k:
                    j += 1
                    skipped = 0
                    while j < len(words) and words[j].stem in STOPWORDS and skipped < GAP:
                        j, skipped = j + 1, skipped + 1
                    if j >= len(words) or words[j].line != words[i].line:
                        ok = False
                        break
                got = words[j].stem
                if got != want and not (len(want) >= 5 and typo(got, want)):
                    ok = False
                    break
            if ok:
                best = (len(key), j + 1, read)
        return None if best is None else (best[1], best[2])

    def canonical(self, words: list[Token]) -> list[Token]:
        """Phrases replaced by what they read as, longest phrase first, until stable."""
        if not self.phrases:
            return words
        for _ in range(PASSES):
            out: list[Token] = []
            changed = False
            i = 0
            while i < len(words):
                first = words[i]
                match = None if first.stem in STOPWORDS else self._match(words, i)
                if match is None:
                    out.append(first)
                    i += 1
                    continue
                end, read = match
                span = words[i:end]
                kept = [t.stem for t in span if t.stem not in STOPWORDS]
                changed = changed or tuple(kept) != read
                source = tuple(sorted({s for t in span for s in t.source}))
                out.extend(
                    Token(s, source, first.clause, first.sentence, first.line, first.aside)
                    for s in read
                )
                i = end
            words = out
            if not changed:
                break
        return words

    def opposites(self, stem: str) -> frozenset[str]:
        """The words that say the opposite of ``stem`` (both canonical)."""
        if "opposites" not in self._derived:
            found: dict[str, set[str]] = {}
            for a, b in ANTONYMS:
                x, y = self.read(a), self.read(b)
                if len(x) == 1 and len(y) == 1 and x != y:
                    found.setdefault(x[0], set()).add(y[0])
                    found.setdefault(y[0], set()).add(x[0])
            self._derived["opposites"] = {k: frozenset(v) for k, v in found.items()}
        return self._derived["opposites"].get(stem, frozenset())

    def broader(self, stem: str) -> frozenset[str]:
        """The answer's terms a typed ``stem`` covers besides itself (a Gaussian is a
        distribution)."""
        if "broader" not in self._derived:
            found: dict[str, set[str]] = {}
            for narrow, wide in BROADER.items():
                for word in self.read(narrow):
                    found.setdefault(word, set()).update(s for w in wide for s in self.read(w))
            self._derived["broader"] = {k: frozenset(v) for k, v in found.items()}
        return self._derived["broader"].get(stem, frozenset())

    def roles(self) -> frozenset[str]:
        """The canonical words for the parts a claim can be about."""
        if "roles" not in self._derived:
            roles = frozenset(s for role in ROLES for s in self.read(role)[:1])
            self._derived["roles"] = {"": roles}
        return self._derived["roles"][""]


DEFAULT = Glossary.of(BUILT_IN)
"""The built-in abbreviations and the field's synonyms, without word weights."""


def bundled() -> Glossary:
    """:data:`DEFAULT` with the abbreviations and word weights of the bundled decks (read once
    per decks folder, on first use; the built-ins alone where the decks cannot be read)."""
    from studyapp.paths import bundled_decks_dir

    return _from_folder(bundled_decks_dir())


@lru_cache(maxsize=4)
def _from_folder(folder: Path) -> Glossary:
    """:func:`bundled` for the deck files in ``folder`` (cached by folder: ``STUDYAPP_DECKS``
    may point elsewhere later in the same process)."""
    from studyapp.deckfmt import DeckParseError, parse_file

    cards: list[tuple[str, str]] = []
    try:
        for path in sorted(folder.glob("*.txt")):
            cards.extend((card.front, card.back) for card in parse_file(path).cards)
    except (OSError, DeckParseError):
        return DEFAULT
    return Glossary.from_cards(cards)
