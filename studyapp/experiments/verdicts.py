"""How a verdict is said: its word, its one plain sentence, then the numbers. No Textual.

Every place that shows a run's verdict (the experiment screen, the saved figure) says it
the same way: the word (PASSED, FAILED, or how the run ended), one sentence a student
understands (``Verdict.plain``; while an experiment has none, the first clause of its
summary), and only then the measurements and the bar they were held to.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.base import Result, Verdict

PASSED = "PASSED"
FAILED = "FAILED"

_CLAUSE_END = re.compile(r"[:;]\s|\s\(|\.\s|\.$")
"""Where a summary's first clause ends: a colon or semicolon, an opening parenthesis, or
the end of the first sentence."""


def verdict_word(result: Result) -> str:
    """``PASSED`` or ``FAILED`` for a completed run; ``CANCELLED`` or ``DIVERGED`` else."""
    return word_of(result.status, result.verdict.passed)


def word_of(status: str, passed: bool) -> str:
    """:func:`verdict_word` of a run that ended with ``status`` (a stored run, say)."""
    if status != "completed":
        return status.upper()
    return PASSED if passed else FAILED


def plain_sentence(verdict: Verdict) -> str:
    """The verdict's one sentence for a student: ``Verdict.plain``, or the first clause of
    the summary made a sentence (``"the KL weight sets the rate: KL ..."`` gives
    ``"The KL weight sets the rate."``)."""
    plain = " ".join(verdict.plain.split())
    if plain:
        return plain
    summary = " ".join(verdict.summary.split())
    if not summary:
        return ""
    found = _CLAUSE_END.search(summary)
    clause = summary[: found.start()] if found else summary
    clause = clause.rstrip(" ,.") or summary
    return clause[0].upper() + clause[1:] + "."


def seeds_text(verdict: Verdict) -> str:
    """``4 of 5 seeds met the bar`` (empty for one seed)."""
    if verdict.seeds_total <= 1:
        return ""
    return f"{verdict.seeds_agreed} of {verdict.seeds_total} seeds met the bar"
