"""Text that is safe to put on a terminal: C0/C1 control characters removed.

:func:`strip_controls` is the one place this is decided. Deck parsing applies it to all the
text it produces (card text, deck names, tags), and every CLI output that prints deck or
card text (``deck parse``, ``decks``, ``import``, ``stats``) applies it again before
writing, so an escape sequence in a deck can neither clear the screen nor set the title.
Tab and newline are kept; everything else in U+0000-U+001F, U+007F-U+009F goes.
"""

from __future__ import annotations

import re

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every C0 and C1 control character except tab (U+0009) and newline (U+000A)."""


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 control characters (tab and newline kept)."""
    if text.isprintable() or CONTROL_RE.search(text) is None:
        return text
    return CONTROL_RE.sub("", text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character that :func:`strip_controls` removes."""
    return CONTROL_RE.search(text) is not None
