"""Words of a typed answer: normalised, lightly stemmed tokens that remember their source word."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

_PIECE = re.compile(r"\S+|\s+")
_WORD = re.compile(r"[^\W_]+")
_BRITISH = re.compile(r"is(e|ed|es|ing|ation)$")
_CAN_NOT = re.compile(r"\b(ca)n['\u2019]t\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
"""A hyphen inside a word: "min-max" reads "minmax", as "minimax" nearly does."""
_CANNOT = re.compile(r"\b(can)(not)\b", re.IGNORECASE)
_CONTRACTION = re.compile(r"n['\u2019]t\b", re.IGNORECASE)

STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "and", "or", "is", "are", "be", "being", "been",
    "it", "its", "for", "on", "with", "as", "by", "that", "this", "these", "those", "from",
    "at", "which", "can", "could", "into", "we", "our", "us", "their", "they", "them",
    "than", "do", "does", "did", "has", "have", "had", "was", "were", "will", "would",
    "should", "i", "e", "g", "eg", "ie", "etc", "so", "then", "also", "very", "some",
    "such", "there", "you", "your", "one", "each", "any", "all", "want", "wants", "need",
    "needs", "just", "really", "basically", "get", "gets", "make", "makes", "because",
    "through", "what", "when", "where", "who", "whom", "whose", "why", "how",
    "instead", "rather",
})  # fmt: skip
NEGATIONS = frozenset(["not", "no", "never", "without", "neither", "nor", "none"])
NEGATING_PREFIXES = ("un", "non", "in", "im", "ir", "il", "dis")
CLOSE = 0.8
"""difflib ratio from which two words of five letters or more are the same word, misspelt."""


@dataclass(frozen=True, slots=True)
class Token:
    """One stem and the indices of the display pieces (see :func:`pieces`) it came from."""

    stem: str
    source: tuple[int, ...]

    @property
    def content(self) -> bool:
        """A word that carries meaning (not a stopword, not a negation)."""
        return self.stem not in STOPWORDS and self.stem not in NEGATIONS


def fold(text: str) -> str:
    """Casefolded text without accents; "can't" reads "can not"."""
    text = text.casefold()  # first: the patterns below are lower case ("MOVER'S")
    text = _POSSESSIVE.sub("", _CAN_NOT.sub(r"\1n not", text))
    text = _CANNOT.sub(r"\1 not", text)
    decomposed = unicodedata.normalize("NFKD", _CONTRACTION.sub(" not", text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ly, -ing, -ed and a final e go (consistently)."""
    if len(word) > 5:
        word = _BRITISH.sub(r"iz\1", word)  # optimise, optimize
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ly", "ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def pieces(text: str) -> list[str]:
    """The text cut into words and the whitespace between them (joined, the text again)."""
    return _PIECE.findall(text)


def tokens(text: str) -> list[Token]:
    """Stems of the text's words, each naming the piece of :func:`pieces` it came from."""
    out = []
    for index, piece in enumerate(pieces(text)):
        if piece.isspace():
            continue
        for word in _WORD.findall(_HYPHEN.sub("", fold(piece))):
            kept = word in STOPWORDS or word in NEGATIONS
            out.append(Token(word if kept else stem(word), (index,)))
    return out


def same_word(a: str, b: str) -> bool:
    """Equal stems, or long stems one typo apart (not "correlated" and "uncorrelated")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or negated(a, b):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= CLOSE


def negated(a: str, b: str) -> bool:
    """``a`` is ``b`` with a negating prefix, or the reverse ("uncorrelated", "correlated")."""
    for longer, shorter in ((a, b), (b, a)):
        for prefix in NEGATING_PREFIXES:
            least = 4 if prefix in ("un", "non") else 5
            if len(shorter) >= least and longer == prefix + shorter:
                return True
    return False
