"""Linear-time scanning of ``opener ... closer`` spans, for text from untrusted files.

A regex such as ``<[^>]*>`` or ``\\[sound:[^\\]]*\\]`` restarts at every opener and, when no
closer follows, reads the rest of the text from each one: 130,000 ``<`` took 32 s. Here an
opener with no closer after it ends the search (no later opener can have one), and a
:class:`Finder` remembers the next occurrence of a needle, so text is read about once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator


class Finder:
    """The next occurrence of ``needle`` (a string or a compiled regex) at or after a
    position; positions asked for must not decrease, so the text is searched once."""

    def __init__(self, text: str, needle: str | re.Pattern[str]) -> None:
        self.text, self.needle = text, needle
        self.at, self.end = -2, -2  # -2: not searched yet; -1: none left

    def find(self, pos: int) -> int:
        """Index of the next occurrence at or after ``pos``, else -1."""
        if self.at == -1 or self.at >= pos:
            return self.at
        if isinstance(self.needle, str):
            self.at = self.text.find(self.needle, pos)
            self.end = self.at + len(self.needle)
        else:
            found = self.needle.search(self.text, pos)
            self.at, self.end = (found.start(), found.end()) if found else (-1, -1)
        return self.at


def spans(text: str, opener: str, closer: str) -> Iterator[tuple[int, int, int, int]]:
    """``(start, body start, body end, end)`` of each ``opener body closer``, left to right,
    the closer being the first after its opener: what ``opener(.*?)closer`` (DOTALL) finds."""
    pos = 0
    while True:
        start = text.find(opener, pos)
        if start < 0:
            return
        body = start + len(opener)
        stop = text.find(closer, body)
        if stop < 0:
            return  # no closer after this opener, so none after a later one
        yield start, body, stop, stop + len(closer)
        pos = stop + len(closer)


def sub_spans(text: str, opener: str, closer: str, replace: Callable[[str], str]) -> str:
    """``text`` with each span of :func:`spans` replaced by ``replace(body)``."""
    out: list[str] = []
    pos = 0
    for start, body, stop, end in spans(text, opener, closer):
        out += (text[pos:start], replace(text[body:stop]))
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
