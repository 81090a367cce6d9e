"""LaTeX math in card text, rewritten as Unicode that reads well in a terminal.

Only ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` segments are converted; the text
around them is left exactly as written (a ``%`` or ``{`` in prose stays). ``$`` pairs follow
pandoc's rule (no space just inside, closing ``$`` not followed by a digit), so "$5 and $10"
stays literal. Conversion uses pylatexenc's parser (imported only when a card has math) and
its symbol tables, with our own rendering of fractions, roots and sub/superscripts, e.g.
``$\\min_G \\max_D V(G,D)$`` -> ``min_G max_D V(G,D)`` and ``$\\theta^g$`` -> ``θᵍ``.

Broken LaTeX from real exports never raises: a brace group glued to a letter or to
``\\mathbb{E}`` is read as the subscript whose ``_`` was lost (``\\mathbb{E}{x\\sim p{data}(x)}``
-> ``𝔼_(x∼p_data(x))``), and anything the parser cannot handle falls back to the raw text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A body never runs past the next opener of its kind, so unclosed openers cost one scan to
# the next opener each: linear, where ``.+?`` to the end of the text was quadratic.
_MATH_RE = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|\\\((?P<paren>(?:(?!\\\().)+?)\\\)"
    r"|\\\[(?P<bracket>(?:(?!\\\[).)+?)\\\]"
    r"|\$(?P<inline>[^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)",
    re.DOTALL,
)

_SUB = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)
_SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ*′",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡ*′",
        strict=True,
    )
)
_SUP["\\prime"] = "′"

# Macros that print as a word followed by a space (\log x -> "log x").
_WORDS = {
    "log", "ln", "exp", "min", "max", "sup", "inf", "lim", "arg", "argmin", "argmax",
    "sin", "cos", "tan", "tanh", "det", "dim", "Pr", "var", "mod", "gcd", "softmax",
}  # fmt: skip
# Macros that only change the font of their argument.
_FONTS = {
    "text", "textrm", "textit", "textbf", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
    "bm", "boldsymbol", "operatorname", "mbox", "emph", "textnormal", "pmb",
}  # fmt: skip
_SPACES = {",", ";", ":", "!", "quad", "qquad", " ", "enspace", "thinspace"}
_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
         "displaystyle", "textstyle", "limits", "nolimits"}  # fmt: skip
_WORD_GAP = re.compile(r"\b(" + "|".join(sorted(_WORDS)) + r") (?=[_^(\[{|₀-₉ᵢⱼₖ])")
_OPERATORS = {"mathbb", "sum", "prod", "max", "min", "sup", "inf", "lim", "argmax", "argmin"}


def has_math(text: str) -> bool:
    """Cheap test: could ``text`` hold a math segment?"""
    return "$" in text or "\\(" in text or "\\[" in text


def convert(text: str) -> str:
    """``text`` with every math segment rewritten as terminal-readable Unicode."""
    if not has_math(text):
        return text
    return _MATH_RE.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    body = next(group for group in match.groups() if group is not None)
    return math_to_unicode(body)


MAX_MATH_CHARS = 1000
"""A longer math segment is shown as written: no formula on a card is that long, and the
LaTeX parser costs ~5 µs a character (a 1 MB ``$x_x_...$`` took 10 s)."""


@lru_cache(maxsize=4096)
def math_to_unicode(latex: str) -> str:
    """One math expression (without delimiters) as Unicode; the raw text if unparseable or
    longer than ``MAX_MATH_CHARS``."""
    if len(latex) > MAX_MATH_CHARS:
        return latex.strip()
    try:
        from pylatexenc.latexwalker import LatexWalker

        latex = _balance_braces(latex)
        nodes, _, _ = LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()
        out = _Renderer().render(nodes or [])
    except Exception:  # pylatexenc raises many types on garbage; fall back to the source
        return latex.strip()
    out = _WORD_GAP.sub(r"\1", out)
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out or latex.strip()


def _balance_braces(latex: str) -> str:
    """Drop unmatched ``}`` and close unclosed ``{`` (escaped braces are left alone)."""
    if "{" not in latex and "}" not in latex:
        return latex
    out: list[str] = []
    depth = 0
    escaped = False
    for ch in latex:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + "}" * depth


class _Renderer:
    """Walks pylatexenc nodes, handling what latex2text renders poorly."""

    def __init__(self) -> None:
        self.fallback = _fallback()

    def render(self, nodes: list[Any]) -> str:
        tokens = self._tokens(nodes)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if isinstance(token, str) and token in ("_", "^"):
                j = i + 1
                while j < len(tokens) and isinstance(tokens[j], str) and tokens[j] == " ":
                    j += 1
                operand = self._one(tokens[j]) if j < len(tokens) else ""
                out.append(_script(operand, token))
                i = j + 1
                continue
            if (
                not isinstance(token, str)
                and _kind(token) == "group"
                and i > 0
                and _glues_subscript(tokens[i - 1])
            ):
                # A group stuck to a letter or to \mathbb{E}: the export lost its "_".
                out.append(_script(self._one(token), "_"))
                i += 1
                continue
            out.append(self._one(token))
            i += 1
        return "".join(out)

    def _tokens(self, nodes: list[Any]) -> list[Any]:
        """Chars nodes split into characters; other nodes kept whole."""
        tokens: list[Any] = []
        for node in nodes:
            kind = _kind(node)
            if kind == "chars":
                tokens.extend(node.chars)
            elif kind == "comment":
                continue
            else:
                tokens.append(node)
        return tokens

    def _one(self, token: Any) -> str:
        if isinstance(token, str):
            return {"-": "−", "~": " "}.get(token, token)
        kind = _kind(token)
        if kind == "group":
            return self.render(token.nodelist or [])
        if kind == "macro":
            return self._macro(token)
        if kind == "math":
            return self.render(token.nodelist or [])
        if kind == "specials":
            return " " if token.specials_chars in ("~", "&") else str(token.specials_chars)
        return self.fallback.nodelist_to_text([token])

    def _arg(self, node: Any, index: int) -> str:
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if index < len(args) and args[index] is not None:
            return self._one(args[index])
        return ""

    def _macro(self, node: Any) -> str:
        name = node.macroname
        space = " " if node.macro_post_space else ""
        if name in _WORDS:
            return name + " "
        if name in _FONTS:
            return self._arg(node, 0)
        if name in _SPACES:
            return " "
        if name in _DROP:
            return ""
        if name in ("{", "}", "_", "%", "&", "#", "$"):
            return name
        if name in ("frac", "dfrac", "tfrac"):
            return f"{_wrap(self._arg(node, 0))}/{_wrap(self._arg(node, 1))}"
        if name == "sqrt":
            root = self._arg(node, 0)
            inner = _wrap(self._arg(node, 1))
            return f"{_script(root, '^') if root else ''}√{inner}"
        if name in ("mathbb", "mathcal", "mathfrak", "mathscr", "hat", "bar", "tilde", "vec",
                    "dot", "ddot", "overline", "widehat", "widetilde"):  # fmt: skip
            return self.fallback.nodelist_to_text([node])
        text = self.fallback.nodelist_to_text([node])
        if not text.strip():
            # Unknown macro: its name is more useful than nothing.
            args = [self._arg(node, i) for i in range(_nargs(node))]
            return name + "".join(f"({arg})" for arg in args) + " "
        if space and not text[-1:].isalnum():
            return f" {text} "  # a relation or operator written with spaces: x ∼ p
        return text + space


def _kind(node: Any) -> str:
    name = type(node).__name__
    return {
        "LatexCharsNode": "chars",
        "LatexGroupNode": "group",
        "LatexMacroNode": "macro",
        "LatexMathNode": "math",
        "LatexCommentNode": "comment",
        "LatexSpecialsNode": "specials",
    }.get(name, "other")


def _nargs(node: Any) -> int:
    return len(node.nodeargd.argnlist) if node.nodeargd is not None else 0


def _glues_subscript(previous: Any) -> bool:
    if isinstance(previous, str):
        return len(previous) == 1 and previous.isalpha()
    return _kind(previous) == "macro" and previous.macroname in _OPERATORS


def _wrap(text: str) -> str:
    """Parenthesise a multi-symbol operand so ``a+b/c`` stays unambiguous."""
    text = text.strip()
    if len(text) <= 1 or text.isalnum() or (text.startswith("(") and text.endswith(")")):
        return text
    return f"({text})"


def _script(operand: str, mark: str) -> str:
    """A subscript (``_``) or superscript (``^``): Unicode when every character has one."""
    operand = operand.strip()
    if not operand:
        return ""
    table = _SUB if mark == "_" else _SUP
    if all(ch in table for ch in operand):
        return "".join(table[ch] for ch in operand)
    if operand.isalnum() or (operand.startswith("(") and operand.endswith(")")):
        return mark + operand
    return f"{mark}({operand})"


@lru_cache(maxsize=1)
def _fallback() -> Any:
    import logging

    from pylatexenc.latex2text import LatexNodes2Text

    # pylatexenc logs a warning for every macro it cannot substitute; cards are best effort.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
