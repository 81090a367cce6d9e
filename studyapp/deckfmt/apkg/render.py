"""Anki note fields -> terminal text: card templates, clozes, HTML and MathJax.

Templates are rendered with the small subset of Anki's syntax that decides what a card shows:
``{{Field}}``, ``{{FrontSide}}``, sections ``{{#F}}..{{/F}}`` and ``{{^F}}..{{/F}}``, and
filters (``cloze:``, ``text:``, ``hint:``; ``type:`` shows nothing). HTML becomes text with
line breaks, list bullets, sub/superscripts and entities; ``\\(..\\)``, ``\\[..\\]`` and
``[$]..[/$]`` go through the LaTeX renderer.

Everything is linear in the input size, hostile input included (``<a`` and 2,000 spaces,
``<a `` or ``{{c1::`` or ``\\(`` repeated took 12-41 s through regexes and HTMLParser): HTML
is read by one left-to-right tokenizer (:func:`feed_html`), and every ``opener ... closer``
is found with :mod:`studyapp.deckfmt.scan`, never by a regex that rescans from each opener.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import unescape

from studyapp.deckfmt.latex import math_to_unicode
from studyapp.deckfmt.scan import Finder, sub_spans

_TAG = re.compile(r"\{\{([#^/]?)([^{}]*)\}\}")
_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
_MATH_OPEN = re.compile(r"\\\(|\\\[|\[\$\$?\]")
_MATH_CLOSE: dict[str, str | re.Pattern[str]] = {
    "\\(": "\\)",
    "\\[": "\\]",
    "[$": re.compile(r"\[/\$\$?\]"),
}
"""Each opener's closer, the opener by its first two characters."""
_HR = re.compile(r"<hr", re.IGNORECASE)
_ANSWER_ID = re.compile(r"id=['\"]?answer", re.IGNORECASE)
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
    hr = _answer_hr(back_html)
    if hr is not None:
        back_html = back_html[hr:]
    media: list[str] = []
    return html_to_text(front_html, media), html_to_text(back_html, media), media


def _clozes(text: str) -> Iterator[tuple[int, int, str, str, str | None]]:
    """``(start, end, number, body, hint)`` of each ``{{cN::body::hint}}``, as the regex
    ``\\{\\{c(\\d+)::(.*?)(?:::([^{}]*?))?\\}\\}`` (DOTALL) finds them, in linear time: a
    cloze ends at the first ``}}`` after its opener; its hint starts at the first ``::`` with
    no brace between it and that end."""
    pos = 0
    while (opener := _CLOZE_OPEN.search(text, pos)) is not None:
        body = opener.end()
        stop = text.find("}}", body)
        if stop < 0:
            return  # no later opener can close either
        brace = max(text.rfind("{", body, stop), text.rfind("}", body, stop))
        split = text.find("::", max(body, brace + 1), stop)
        number, end = opener.group(1), stop + 2
        if split < 0:
            yield opener.start(), end, number, text[body:stop], None
        else:
            yield opener.start(), end, number, text[body:split], text[split + 2 : stop]
        pos = end


def _answer_hr(html: str) -> int | None:
    """Where the text after the first ``<hr id=answer>`` starts (case and quotes as Anki
    allows), else None; linear: each ``<hr`` reuses the next ``>`` and the next ``id=answer``."""
    close, answer = Finder(html, ">"), Finder(html, _ANSWER_ID)
    pos = 0
    while (hr := _HR.search(html, pos)) is not None:
        end = close.find(hr.end())
        found = answer.find(hr.end())
        if end < 0 or found < 0:
            return None
        if found < end:
            return end + 1
        pos = hr.start() + 1
    return None


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
    out: list[str] = []
    pos = 0
    for start, end, n, body, hint in _clozes(text):
        out.append(text[pos:start])
        if question and int(n) == number:
            out.append(f"[{hint}]" if hint else CLOZE_BLANK)
        else:
            out.append(body)
        pos = end
    out.append(text[pos:])
    return "".join(out)


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


def _convert(html: str, found: list[str]) -> str:
    if "[sound:" in html:
        html = sub_spans(html, "[sound:", "]", lambda name: _sound(name, found))
    parser = _TextParser(found)
    feed_html(parser, html)
    text = parser.text()
    if "\\(" in text or "\\[" in text or "[$" in text:
        text = _math_sub(text)
    return text


def _sound(name: str, found: list[str]) -> str:
    found.append(name)
    return f"[sound: {name}]"


def _math_sub(text: str) -> str:
    """Each ``\\(..\\)``, ``\\[..\\]`` and ``[$]..[/$]`` (``[$$]..[/$$]``) as Unicode; an opener
    whose kind has no closer left is text, and its kind is not looked for again."""
    closers = {kind: Finder(text, closer) for kind, closer in _MATH_CLOSE.items()}
    out: list[str] = []
    pos = search = 0
    while len(closers) and (opener := _MATH_OPEN.search(text, search)) is not None:
        finder = closers.get(opener.group()[:2])
        stop = -1 if finder is None else finder.find(opener.end())
        if finder is None or stop < 0:
            closers.pop(opener.group()[:2], None)
            search = opener.end()
            continue
        out += (text[pos : opener.start()], math_to_unicode(text[opener.end() : stop]))
        pos = search = finder.end
    out.append(text[pos:])
    return "".join(out)


_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
"""A tag name, as HTMLParser reads one."""
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_RAW_END = {
    "script": re.compile(r"</\s*script\s*>", re.IGNORECASE),
    "style": re.compile(r"</\s*style\s*>", re.IGNORECASE),
}
"""Elements whose content is raw text up to their end tag (HTMLParser's CDATA elements)."""


def feed_html(parser: _TextParser, html: str) -> None:
    """Give ``parser`` the events HTMLParser would (data unescaped, tag names lower case,
    ``<x/>`` as start and end, comments and declarations dropped), in one pass.

    A tag ends at its first ``>`` outside a quoted attribute value; an unclosed quote or
    comment ends at the first ``>`` or at the end. ``<`` that starts no tag is text."""
    if "<" not in html:
        if html:
            parser.handle_data(unescape(html) if "&" in html else html)
        return
    less, more = Finder(html, "<"), Finder(html, ">")
    quotes = {'"': Finder(html, '"'), "'": Finder(html, "'")}
    values = Finder(html, re.compile(r"=\s*[\"']"))
    pos, size = 0, len(html)
    while pos < size:
        start = less.find(pos)
        if start < 0:
            start = size
        if start > pos:
            data = html[pos:start]
            parser.handle_data(unescape(data) if "&" in data else data)
        if start >= size:
            return
        if html.startswith("<!--", start):
            stop = html.find("-->", start + 4)
            if stop < 0:
                return  # an unclosed comment hides the rest, as in a browser
            pos = stop + 3
            continue
        follower = html[start + 1 : start + 2]
        name = _NAME.match(html, start + 2 if follower == "/" else start + 1)
        if follower in ("!", "?", "/") or name is not None:
            end = _tag_end(more, values, quotes, start + 1)
            if end < 0:  # no '>' after this '<', so none after any later one: text
                parser.handle_data(unescape(html[start:]))
                return
            if name is not None:
                _tag(parser, html, name, follower == "/", end)
            pos = end + 1
            if name is not None and follower != "/" and name.group().lower() in _RAW_END:
                pos = _raw_text(parser, html, name.group().lower(), pos)
            continue
        parser.handle_data("<")
        pos = start + 1


def _tag_end(more: Finder, values: Finder, quotes: dict[str, Finder], pos: int) -> int:
    """Index of the ``>`` that ends a tag whose text starts at ``pos`` (quoted attribute
    values skipped), else -1."""
    while True:
        end = more.find(pos)
        value = values.find(pos)
        if end < 0 or value < 0 or value > end:
            return end
        quote = values.text[values.end - 1]
        closing = quotes[quote].find(values.end)
        if closing < 0:
            return end  # an unclosed quote: the first '>' ends the tag
        pos = closing + 1


def _tag(parser: _TextParser, html: str, name: re.Match[str], closing: bool, end: int) -> None:
    tag = name.group().lower()
    if closing:
        parser.handle_endtag(tag)
        return
    inside = html[name.end() : end]
    attrs: list[tuple[str, str | None]] = []
    if tag == "img":  # the only element whose attributes show (its src)
        for found in _ATTR.finditer(inside):
            value = next((v for v in found.groups()[1:] if v is not None), None)
            attrs.append((found.group(1).lower(), None if value is None else unescape(value)))
    parser.handle_starttag(tag, attrs)
    if _self_closing(inside):
        parser.handle_endtag(tag)


def _self_closing(inside: str) -> bool:
    """``<x/>``, ``<x a="1"/>``, ``<x a/>``; not ``<x a=1/>`` (the slash is the value's)."""
    text = inside.rstrip()
    if not text.endswith("/"):
        return False
    last = text[:-1].split()[-1:] or [""]
    _, equals, value = last[0].partition("=")
    return not equals or value[:1] in ('"', "'") or text[-2:-1].isspace()


def _raw_text(parser: _TextParser, html: str, tag: str, pos: int) -> int:
    """Pass the raw content of ``<script>``/``<style>`` as data; where its end tag starts."""
    found = _RAW_END[tag].search(html, pos)
    stop = len(html) if found is None else found.start()
    if stop > pos:
        parser.handle_data(html[pos:stop])
    return stop


class _TextParser:
    """Collects text; blocks and ``<br>`` break lines, list items get bullets or numbers."""

    def __init__(self, media: list[str]) -> None:
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
