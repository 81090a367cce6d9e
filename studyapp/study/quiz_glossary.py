"""Abbreviations and their long forms, built in and mined from cards, for typed-answer grading.

Mining follows Schwartz & Hearst (2003): "Long Form (LF)" and "LF (Long Form)" where the
short form's letters appear in order in the long form, the first at a word start; and cards
asking "What is LF short for?" / "What does LF stand for?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from studyapp.study.quiz_words import Token, tokens

BUILT_IN: dict[str, tuple[str, ...]] = {
    "AE": ("autoencoder", "auto-encoder"),
    "BCE": ("binary cross entropy",),
    "CNN": ("convolutional neural network",),
    "DCGAN": ("deep convolutional GAN",),
    "ELBO": ("evidence lower bound", "variational lower bound"),
    "EMD": ("earth mover's distance", "earth mover distance"),
    "GAN": ("generative adversarial network",),
    "GP": ("gradient penalty",),
    "ICA": ("independent component analysis",),
    "JS": ("Jensen-Shannon",),
    "JSD": ("Jensen-Shannon divergence", "JS divergence"),
    "KL": ("Kullback-Leibler",),
    "KLD": ("Kullback-Leibler divergence", "KL divergence"),
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
_SHORT_FOR = re.compile(
    r"^\s*what\s+(?:is|does|do|are)\s+(?:an?\s+|the\s+)?(?P<short>[^?]{2,40}?)\s+"
    r"(?:short\s+for|stand\s+for|an?\s+abbreviation\s+(?:of|for))\b",
    re.IGNORECASE,
)


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
        asked = _SHORT_FOR.match(front)
        answer = back.strip().splitlines()[0].strip(" .") if back.strip() else ""
        if asked and answer:
            said, spelt = asked.group("short").split(), answer.split()
            while len(said) > 1 and spelt and said[-1].casefold() == spelt[-1].casefold():
                said, spelt = said[:-1], spelt[:-1]  # "KL divergence" / "... divergence"
            if len(said) == 1 and spelt and long_form_matches(said[0], " ".join(spelt)):
                found.setdefault(said[0], set()).add(" ".join(spelt))
    return found


@dataclass(frozen=True)
class Glossary:
    """Phrases (tuples of stems) and what they read as: "kullback leibler" -> "kl", and
    short forms of a short form plus words expanded: "kld" -> "kl divergence"."""

    phrases: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Mapping[str, Iterable[str]]) -> Glossary:
        spelt: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for short, longs in pairs.items():
            shorts = tuple(t.stem for t in tokens(short))
            if shorts:
                spelt.setdefault(shorts, set()).update(
                    tuple(t.stem for t in tokens(spelling))
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
        return cls(phrases)

    @classmethod
    def from_cards(cls, cards: Iterable[tuple[str, str]]) -> Glossary:
        """The built-in abbreviations and those the cards spell out."""
        pairs: dict[str, set[str]] = {k: set(v) for k, v in BUILT_IN.items()}
        for short, longs in mine(cards).items():
            pairs.setdefault(short, set()).update(longs)
        return cls.of(pairs)

    def canonical(self, words: list[Token]) -> list[Token]:
        """Phrases replaced by what they read as, longest phrase first, until stable."""
        if not self.phrases:
            return words
        longest = max(len(p) for p in self.phrases)
        for _ in range(3):
            out: list[Token] = []
            i = 0
            while i < len(words):
                for n in range(min(longest, len(words) - i), 0, -1):
                    stems = tuple(t.stem for t in words[i : i + n])
                    read = self.phrases.get(stems)
                    if read is not None and read != stems:
                        source = tuple(sorted({s for t in words[i : i + n] for s in t.source}))
                        out.extend(Token(stem, source) for stem in read)
                        i += n
                        break
                else:
                    out.append(words[i])
                    i += 1
            if out == words:
                break
            words = out
        return words


DEFAULT = Glossary.from_cards(())
"""The built-in abbreviations only."""
