"""Words of a typed answer: normalised, lightly stemmed tokens that remember where they stand.

Each token knows the display piece it came from (to mark it), its clause (punctuation, a new
line or a bullet ends one), its line, and whether it stands in an aside (parentheses, or
after "e.g." / "such as" to the end of the clause). Hyphens split words ("min-max" reads
"min max", "non-convergence" reads "non convergence"); struck-through letters are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_PIECE = re.compile(r"\S+|\s+")
_PART = re.compile(r"[^\W_]+|[.;:!?,()\[\]{}\u2192\u21b3\u2022=+]")
_BOUNDARY = frozenset(".;:!?,()[]{}\u2192\u21b3\u2022=+")
_BRITISH = re.compile(r"is(e|ed|es|ing|ation)$")
_CAN_NOT = re.compile(r"\b(ca)n['\u2019]t\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_CANNOT = re.compile(r"\b(can)(not)\b", re.IGNORECASE)
_CONTRACTION = re.compile(r"n['\u2019]t\b", re.IGNORECASE)
_HOW_READS = {
    "good": "quality", "well": "quality", "big": "size", "large": "size", "small": "size",
    "many": "number", "much": "amount", "similar": "similarity", "different": "difference",
    "fast": "speed",
}  # fmt: skip
"""A "how" with its adjective is the noun it asks about ("how good" reads "quality")."""
_STRUCK = re.compile(r".\u0336")
_SCRIPTS = str.maketrans(
    "", "", "".join(map(chr, [*range(0x2070, 0x20A0), *range(0x1D2C, 0x1D6B)]))
)
"""Superscript and subscript letters (``θᵍ`` reads ``θ``): a parameter's index, not a word."""

STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "and", "or", "is", "are", "be", "being", "been",
    "it", "its", "for", "on", "with", "as", "by", "that", "this", "these", "those", "from",
    "at", "which", "can", "could", "into", "we", "our", "us", "their", "they", "them",
    "than", "do", "does", "did", "has", "have", "had", "was", "were", "will", "would",
    "should", "i", "e", "eg", "ie", "etc", "w", "so", "then", "also", "very", "some",
    "such", "there", "you", "your", "each", "any", "all", "want", "wants", "need",
    "needs", "just", "really", "basically", "get", "gets", "make", "makes", "because",
    "through", "what", "when", "where", "who", "whom", "whose", "why", "how", "too",
    "instead", "rather", "if", "while", "whilst", "whereas", "but", "both", "either",
    "other", "others", "another", "own", "much", "only", "enough", "often", "typically",
    "usually", "like", "might", "may", "must",
    "vs", "versus", "per", "via", "over", "about", "between", "within", "thing", "things",
    "way", "ways", "called", "used", "using", "use", "uses", "try", "tries", "trying",
    "tend", "tends", "generally", "mostly", "likely", "probably", "quite", "somewhat", "plus",
    "everything", "anything", "something", "nothing",
})  # fmt: skip
"""Words that carry no claim of their own ("more", "less" and "many" do: they oppose)."""
_NOT_SUPERLATIVE = frozenset([
    "interest", "request", "suggest", "forest", "harvest", "digest", "manifest", "modest",
    "honest", "contest", "protest", "arrest", "invest",
])  # fmt: skip
NEGATIONS = frozenset(["not", "no", "never", "without", "neither", "nor", "none", "non", "lack"])
NEGATING_PREFIXES = ("un", "non", "in", "im", "ir", "il", "dis")
_ASIDE_START = frozenset({"eg", "example", "instance"})
"""Words that begin an example: "e.g.", "for example", "for instance" (and "such as")."""
_EG = re.compile(r"\b(?:e\.\s?g\.?|eg\.)(?!\w)")
_IE = re.compile(r"\b(?:i\.\s?e\.?|ie\.)(?!\w)")
""""e.g." / "eg." and "i.e." / "ie." as one word (their dots end no sentence)."""
_SUFFIX = re.compile(
    r"^(?:at|it|iz|ic|iv|al|ion|or|er|ant|ent|anc|enc|ance|ence|ment|ness|ity|abl|ibl|ly|y|e|s)+$"
)
"""What a longer form of a word adds ("converg" -> "convergenc", "perturb" -> "perturbat")."""
BULLET = re.compile(r"^\s*(?:[\u2022*\u2013-]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class Token:
    """One stem, the display pieces (see :func:`pieces`) it came from, and where it stands."""

    stem: str
    source: tuple[int, ...]
    clause: int = 0
    sentence: int = 0
    line: int = 0
    aside: bool = False

    @property
    def content(self) -> bool:
        """A word that carries meaning (not a stopword, not a negation)."""
        return self.stem not in STOPWORDS and self.stem not in NEGATIONS


def fold(text: str) -> str:
    """Casefolded text without accents or struck letters; "can't" reads "can not"."""
    text = _STRUCK.sub("", text).translate(_SCRIPTS).casefold()
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
        if suffix == "ly" and word.endswith("ply"):  # multiply, apply
            continue
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) >= 7 and word.endswith("est") and word not in _NOT_SUPERLATIVE:
        word = word[:-3]  # richest, smallest
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def pieces(text: str) -> list[str]:
    """The text cut into words and the whitespace between them (joined, the text again)."""
    return _PIECE.findall(text)


def bullet_lines(text: str) -> set[int]:
    """Indices of the lines that begin with a bullet or a step number."""
    return {i for i, line in enumerate(text.split("\n")) if BULLET.match(line)}


def tokens(text: str) -> list[Token]:
    """Stems of the text's words, each naming the piece of :func:`pieces` it came from."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[Token, ...]:
    out: list[Token] = []
    bullets = bullet_lines(text)
    clause = sentence = line = depth = 0
    example = block = False  # in an example; in the bullets after "e.g. ...:"
    previous = ""
    for index, piece in enumerate(pieces(text)):
        if piece.isspace():
            if "\n" in piece:
                line += piece.count("\n")
                clause += 1
                sentence += 1
                block = (block or example) and line in bullets
                depth, example = 0, block
            continue
        for part in _PART.findall(_IE.sub("ie", _EG.sub("eg", fold(piece)))):
            if part in _BOUNDARY:
                if part in "([{":
                    depth += 1
                elif part in ")]}":
                    depth = max(0, depth - 1)
                elif depth == 0 and part in ".;!?\u2022":
                    example = block
                    sentence += 1
                clause += 1
                continue
            kept = part in STOPWORDS or part in NEGATIONS
            word = part if kept else stem(part)
            example = example or word in _ASIDE_START or (previous, word) == ("such", "as")
            previous = word
            out.append(Token(word, (index,), clause, sentence, line, depth > 0 or example))
    return tuple(_how(out))


def _how(words: list[Token]) -> list[Token]:
    """ "how good" as "quality", "how many" as "number": the noun a "how" asks about."""
    out: list[Token] = []
    for word in words:
        if out and out[-1].stem == "how" and out[-1].clause == word.clause:
            noun = _HOW_READS.get(word.stem)
            if noun is not None:
                out[-1] = Token(noun, out[-1].source + word.source, word.clause, word.sentence,
                                word.line, word.aside)  # fmt: skip
                continue
        out.append(word)
    return out


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped at
    ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def typo(a: str, b: str) -> bool:
    """Two stems a slip of the keys apart: one edit under nine letters, two from nine; never
    a prefix or suffix away ("deconvolution", "discriminator"/"discriminate") nor a different
    first or last letter ("encoder", "decoder"; "converg", "convert")."""
    short, long = sorted((a, b), key=len)
    if a == b or len(short) < 5 or a[0] != b[0] or short in long or negated(a, b):
        return False
    if a[-1] != b[-1]:  # "converg", "convert": a slip keeps the word's ends
        return False
    limit = 1 if len(short) < 9 else 2
    edits = _edits(a, b, limit)
    # two edits at the end make another word ("generator", "generation"), not a slip
    return edits <= 1 or (edits <= limit and a[-2:] == b[-2:])


@lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> bool:
    """Equal stems, one a longer form of the other ("converg", "convergenc"), or a typo
    apart (:func:`typo`)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < 5 or negated(a, b):
        return False
    return (long.startswith(short) and bool(_SUFFIX.match(long[len(short) :]))) or typo(a, b)


@lru_cache(maxsize=1 << 16)
def negated(a: str, b: str) -> bool:
    """``a`` is ``b`` with a negating prefix, or the reverse ("uncorrelated", "correlated")."""
    for longer, shorter in ((a, b), (b, a)):
        for prefix in NEGATING_PREFIXES:
            least = 4 if prefix in ("un", "non") else 5
            if len(shorter) >= least and longer == prefix + shorter:
                return True
    return False
