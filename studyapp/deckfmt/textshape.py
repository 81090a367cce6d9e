"""Line-shape tests shared by the heuristic formats (is this a question, a formula, a label?)."""

from __future__ import annotations

import re

QUESTION_WORDS = frozenset(
    {
        "what", "what's", "whats", "why", "how", "when", "where", "which", "who", "whom",
        "whose", "name", "list", "define", "describe", "explain", "give", "state", "compare",
        "contrast", "briefly", "outline", "discuss", "summarize", "summarise", "derive",
        "identify", "t/f", "true/false", "fill",
    }
)  # fmt: skip
"""Words that open a question or a task. Auxiliaries (is, can, do) count only with a "?"."""
_WORD_RE = re.compile(r"[A-Za-z]+")
_MATH_NAMES = frozenset(
    {
        "log", "exp", "min", "max", "sup", "inf", "lim", "sin", "cos", "tan", "tanh", "sum",
        "prod", "argmax", "argmin", "softmax", "sigma", "mu", "det", "var", "cov", "kl", "relu",
    }
)  # fmt: skip
_FORMULA_CHARS = frozenset("=+<>^_[]()|∑∫∏√≤≥≈∼")
_CHOICE_RE = re.compile(r"\(\s*\w+\s*/\s*\w+\s*\)")


def first_word(text: str) -> str:
    head = text.split(None, 1)
    return head[0].lower().replace("’", "'").rstrip(":,") if head else ""


def is_question(text: str) -> bool:
    """Ends with (or contains) ``?``, starts with a question or task word, or has a blank."""
    return "?" in text or first_word(text) in QUESTION_WORDS or "__" in text


def asks_short_answer(text: str) -> bool:
    """A prompt whose answer may be one bare word: a blank, a choice, T/F or a question."""
    lowered = text.lower()
    return (
        "__" in text
        or "?" in text
        or lowered.startswith(("t/f", "true or false", "true/false"))
        or _CHOICE_RE.search(text) is not None
    )


def is_formula(text: str) -> bool:
    """Mostly symbols: ``E[log D(x)] + E[log(1 - D(G(z)))]``, ``$...$`` on its own."""
    text = text.strip()
    if not text:
        return False
    if text.startswith("$") and text.endswith("$") and len(text) > 2:
        return True
    if _FORMULA_CHARS.isdisjoint(text):
        return False
    words = _WORD_RE.findall(text)
    return all(len(word) <= 3 or word.lower() in _MATH_NAMES for word in words)


def is_sentence(text: str) -> bool:
    """Reads as prose rather than a term: lower-case start, end punctuation, or long."""
    text = text.strip()
    return text[:1].islower() or text.endswith((".", "!", ",", ";")) or len(text.split()) > 8


def is_label(text: str, max_words: int = 6) -> bool:
    """A short heading-like phrase: few words, no sentence punctuation, no maths."""
    text = text.strip()
    if not text or len(text.split()) > max_words:
        return False
    return not any(mark in text for mark in (". ", ":", "=", "$", ",", ";")) and not text.endswith(
        (".", "!", "?")
    )


_TODO = re.compile(
    r"\b(?:to[- ]?dos?|(?:things |papers |models |stuff )?to (?:add|read|watch|check|learn|"
    r"review|try|look (?:at|into)|do)(?: here| later| next)?|reading list|wish ?list|backlog)\b",
    re.IGNORECASE,
)


def is_todo(heading: str) -> bool:
    """A heading of a to-do list ("Papers To Read", "Models To Add Here", "TODO"): a student's
    plan, not knowledge, so never a card."""
    return is_label(heading, 8) and _TODO.search(heading) is not None


_REFERS_TO_FORMULA = re.compile(
    r"\b(below|following|this (?:formula|equation|expression)|shown)\b", re.IGNORECASE
)


def formula_continues_prompt(prompt: str, formula: str, following: str | None) -> bool:
    """Is ``formula`` (the line after ``prompt``) part of the question, not its answer?

    Yes when it has variables and the prompt asks to fill a blank or pick a choice, points at
    it ("the estimator below"), or is followed by a short answer ("maximize"). A plain term
    followed by a formula (``Bellman equation`` / ``V(s) = ...``) is answered by it.
    """
    if not any(ch.isalpha() for ch in formula) or following is None:
        return False
    following = following.strip()
    if not following or following[:1] in "-*•":
        return False
    if "__" in prompt or _CHOICE_RE.search(prompt) or _REFERS_TO_FORMULA.search(prompt):
        return True
    return len(following.split()) <= 3 and not is_formula(following) and not is_question(following)
