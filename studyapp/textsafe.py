"""Text that is safe to put on a terminal: control characters and bidi overrides out.

Two functions decide it, one per direction:

- :func:`strip_controls`, at every way in: deck parsing applies it to all the text it
  produces (card text, deck names, tags, names taken from file names), so nothing stored can
  clear the screen, set the window title (``ESC ] 2 ; ... BEL``), write the clipboard
  (``ESC ] 52 ; ...``) or reorder what a reader sees (U+202E and the other bidi overrides).
- :func:`escape_controls`, at every way out that shows something we did not write (a file
  path, a name, an error): each such character becomes a visible ``\\u001b``/``\\u202e``, so
  the user sees exactly which file is meant and the terminal never receives it raw.

Tab and newline are kept by both. Unsafe: U+0000-U+001F but tab and newline, U+007F-U+009F
(DEL and C1), and the bidi embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069.
"""

from __future__ import annotations

import re

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Every character a terminal must not receive raw (see the module docstring)."""


def strip_controls(text: str) -> str:
    """``text`` without control characters and bidi overrides (tab and newline kept)."""
    if text.isprintable() or CONTROL_RE.search(text) is None:
        return text
    return CONTROL_RE.sub("", text)


def escape_controls(text: str) -> str:
    """``text`` with each unsafe character shown as its escape (``\\u001b``, ``\\u202e``)."""
    if text.isprintable() or CONTROL_RE.search(text) is None:
        return text
    return CONTROL_RE.sub(_escape, text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character that :func:`strip_controls` removes."""
    return CONTROL_RE.search(text) is not None


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"  # the one form Python, JSON and JavaScript all read
