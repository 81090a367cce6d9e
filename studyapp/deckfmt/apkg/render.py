"""Anki note fields -> terminal text: card templates, clozes, HTML and MathJax.

Templates are rendered with the small subset of Anki's syntax that decides what a card shows:
``{{Field}}``, ``{{FrontSide}}``, sections ``{{#F}}..{{/F}}`` and ``{{^F}}..{{/F}}``, and
filters (``cloze:``, ``text:``, ``hint:``; ``type:`` shows nothing). HTML becomes text with
line breaks, list bullets, sub/superscripts and entities; ``\\(..\\)``, ``\\[..\\]`` and
``[$]..[/$]`` go through the LaTeX renderer. Everything is linear in the input size.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

from studyapp.deckfmt.latex import math_to_unicode

_TAG = re.compile(r"\{\{([#^/]?)([^{}]*)\}\}")
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::([^{}]*?))?\}\}", re.DOTALL)
_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]|\[\$\$?\](.*?)\[/\$\$?\]", re.DOTALL)
_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_ANSWER_HR = re.compile(r"<hr[^>]*id=['\"]?answer['\"]?[^>]*>", re.IGNORECASE)
_SUP = str.maketrans("0123456789+-=()nix", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣ")
_SUB = str.maketrans("0123456789+-=()aeijoux", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₒᵤₓ")
_BLOCKS = {"div", "p", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
           "blockquote", "pre", "section", "dl", "dt", "dd"}  # fmt: skip
CLOZE_BLANK = "[...]"
_SPACE = re.compile(r"\s+")
_SPACES = re.compile(r" {2,}")


def _script(data: str, table: dict[int, int], mark: str) -> str:
    """``data`` in Unicode super/subscript when every character has one, else ``^(data)``."""
    if data and all(ord(c) in table for c in data):
        return data.translate(table)
    return f"{mark}{data}" if len(data) == 1 else f"{mark}({data})"


def render_card(
    qfmt: str, afmt: str, fields: dict[str, str], cloze: int | None
) -> tuple[str, str, list[str]]:
    """(question, answer, media names) as terminal text for one card of a note."""
    front_html = _render(qfmt, fields, cloze, question=True, front="")
    back_html = _render(afmt, fields, cloze, question=False, front="\x00FRONT\x00")
    # the answer side repeats the question ({{FrontSide}}): keep only what follows it
    if "\x00FRONT\x00" in back_html:
        back_html = back_html.split("\x00FRONT\x00", 1)[1]
        back_html = _ANSWER_HR.split(back_html, 1)[-1]
    elif _ANSWER_HR.search(back_html):
        back_html = _ANSWER_HR.split(back_html, 1)[1]
    media: list[str] = []
    return html_to_text(front_html, media), html_to_text(back_html, media), media


def _render(template: str, fields: dict[str, str], cloze: int | None, question: bool,
            front: str) -> str:  # fmt: skip
    out: list[str] = []
    skip_until: list[tuple[str, bool]] = []  # open sections: (name, showing)
    showing = True
    for literal, kind, body in _tokens(template):
        if showing:
            out.append(literal)
        if kind == "" and showing:
            out.append(_substitute(body, fields, cloze, question, front))
        elif kind in ("#", "^"):
            present = bool(_field(body, fields).strip())
            skip_until.append((body, present if kind == "#" else not present))
            showing = all(show for _, show in skip_until)
        elif kind == "/":
            if skip_until:
                skip_until.pop()
            showing = all(show for _, show in skip_until)
    return "".join(out)


@lru_cache(maxsize=256)
def _tokens(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """``(text before, tag kind, tag body)`` per ``{{tag}}``; the tail as kind None."""
    out: list[tuple[str, str | None, str]] = []
    pos = 0
    for match in _TAG.finditer(template):
        out.append((template[pos : match.start()], match.group(1), match.group(2).strip()))
        pos = match.end()
    out.append((template[pos:], None, ""))
    return tuple(out)


def _substitute(body: str, fields: dict[str, str], cloze: int | None, question: bool,
                front: str) -> str:  # fmt: skip
    *filters, name = body.split(":")
    if name == "FrontSide":
        return front
    value = _field(name, fields)
    if "type" in filters:
        return ""
    if "cloze" in filters:
        return _cloze(value, cloze or 1, question)
    return value


def _field(name: str, fields: dict[str, str]) -> str:
    value = fields.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in fields.items() if k.lower() == lowered), "")
    return value


def _cloze(text: str, number: int, question: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if not question:
            return match.group(2)
        hint = match.group(3)
        return f"[{hint}]" if hint else CLOZE_BLANK

    return _CLOZE.sub(replace, text)


def html_to_text(html: str, media: list[str] | None = None) -> str:
    """HTML field text as plain terminal text; image and sound names appended to ``media``.

    Converted once per distinct string (a package repeats its fields and templates)."""
    cached = _CACHE.get(html)
    if cached is None:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.clear()
        found: list[str] = []
        cached = _CACHE[html] = (_convert(html, found), tuple(found))
    if media is not None:
        media.extend(cached[1])
    return cached[0]


CACHE_SIZE = 50_000
_CACHE: dict[str, tuple[str, tuple[str, ...]]] = {}


def clear_cache() -> None:
    """Forget the converted strings (a package reader clears it before and after a read)."""
    _CACHE.clear()


_PLAIN_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*?)?\s*(/?)>")
_RAW_TAGS = frozenset({"img", "script", "style", "textarea", "title"})


def _convert(html: str, found: list[str]) -> str:
    if "[sound:" in html:
        html = _SOUND.sub(lambda m: _sound(m, found), html)
    parser = _TextParser(found)
    if not _simple(parser, html):
        parser = _TextParser(found)
        parser.feed(html)
        parser.close()
    text = parser.text()
    if "\\(" in text or "\\[" in text or "[$" in text:
        text = _MATH.sub(_math, text)
    return text


def _simple(parser: _TextParser, html: str) -> bool:
    """Feed ``parser`` the way HTMLParser would, for HTML of plain tags only (no comments,
    no ``<img>``, no raw-text elements, no stray ``<``); False (nothing fed) otherwise."""
    if "<" not in html:
        if html:
            parser.handle_data(unescape(html) if "&" in html else html)
        return True
    events: list[tuple[int, str, str]] = []  # (0 data | 1 start | 2 end | 3 start+end, ...)
    pos = 0
    for match in _PLAIN_TAG.finditer(html):
        if "<" in html[pos : match.start()]:
            return False
        tag, attrs, slash = match.group(2).lower(), (match.group(3) or "").strip(), match.group(4)
        if tag in _RAW_TAGS or (attrs and slash) or (attrs and "/" in attrs[-1:]):
            return False
        if pos < match.start():
            events.append((0, html[pos : match.start()], ""))
        closing = match.group(1) == "/"
        events.append((2 if closing else 3 if slash else 1, tag, ""))
        pos = match.end()
    if "<" in html[pos:]:
        return False
    if pos < len(html):
        events.append((0, html[pos:], ""))
    for kind, value, _ in events:
        if kind == 0:
            parser.handle_data(unescape(value) if "&" in value else value)
        elif kind == 2:
            parser.handle_endtag(value)
        else:
            parser.handle_starttag(value, [])
            if kind == 3:
                parser.handle_endtag(value)
    return True


def _sound(match: re.Match[str], found: list[str]) -> str:
    found.append(match.group(1))
    return f"[sound: {match.group(1)}]"


def _math(match: re.Match[str]) -> str:
    body = next(group for group in match.groups() if group is not None)
    return math_to_unicode(body)


class _TextParser(HTMLParser):
    """Collects text; blocks and ``<br>`` break lines, list items get bullets or numbers."""

    def __init__(self, media: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media = media
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.script = self.sup = self.sub = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.script += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            if src:
                self.media.append(src)
            self.parts.append(f"[image: {src}]")
        elif tag == "li":
            self._newline()
            depth = "\x01" * max(0, len(self.lists) - 1)  # indentation, kept below
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                self.parts.append(f"{depth}{numbering[0]}. ")
                numbering[0] += 1
            else:
                self.parts.append(f"{depth}- ")
        elif tag in ("ul", "ol"):
            self._newline()
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "sup":
            self.sup += 1
        elif tag == "sub":
            self.sub += 1
        elif tag == "hr":
            self._newline()
            self.parts.append("───\n")
        elif tag in _BLOCKS:
            self._newline()
        elif tag == "td" and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.script = max(0, self.script - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag == "sup":
            self.sup = max(0, self.sup - 1)
        elif tag == "sub":
            self.sub = max(0, self.sub - 1)
        elif tag in _BLOCKS or tag == "li":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.script:
            return
        data = _SPACE.sub(" ", data.replace("\xa0", " ")).replace("\x01", "")
        if self.sup:
            data = _script(data, _SUP, "^")
        elif self.sub:
            data = _script(data, _SUB, "_")
        self.parts.append(data)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def text(self) -> str:
        raw = "".join(self.parts).replace("\x01", "\x02").split("\n")
        lines = [_SPACES.sub(" ", line).strip().replace("\x02", "  ") for line in raw]
        out: list[str] = []
        for line in lines:
            if line.strip() or (out and out[-1]):
                out.append(line if line.strip() else "")
        while out and not out[-1]:
            out.pop()
        return "\n".join(out)
