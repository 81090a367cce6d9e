"""LaTeX math becomes terminal-readable Unicode; prose and broken input stay safe."""

from __future__ import annotations

import re

import pytest

from studyapp.deckfmt.latex import convert


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"$\min_G \max_D V(G,D)$", "min_G max_D V(G,D)"),
        (r"$\mathbb{E}_{z\sim p_z(z)}$", "𝔼_(z ∼ p_z(z))"),
        (r"$p_{data}$ and $p_{\text{model}}(z)$", "p_data and p_model(z)"),
        (r"$x = g(z; \theta^g)$", "x = g(z; θᵍ)"),
        (r"$x_i^2 + x_{10}$", "xᵢ² + x₁₀"),
        (r"$\frac{1}{2}$ vs $\frac{a+b}{c}$", "1/2 vs (a+b)/c"),
        (r"$\sqrt{d_k}$", "√dₖ"),
        (r"$\log(1-D(G(z)))$", "log(1−D(G(z)))"),
        (r"$\alpha \leq \beta$", "α ≤ β"),
        (r"$$E = mc^2$$", "E = mc²"),
        (r"\(a_1\) and \[b^2\]", "a₁ and b²"),
    ],
)
def test_math_segments(source: str, expected: str) -> None:
    assert convert(source) == expected


def test_broken_seed_latex_reads_as_subscripts() -> None:
    assert convert(r"$\mathbb{E}{x\sim p{data}(x)}$") == "𝔼_(x ∼ p_data(x))"


@pytest.mark.parametrize(
    "text",
    ["costs $5 and $10", "50% of {x}", "no math at all", "a $ b", "C:\\Users\\me", "$ spaced $"],
)
def test_prose_is_left_alone(text: str) -> None:
    assert convert(text) == text


@pytest.mark.parametrize(
    "text", [r"${unclosed \frac{a$", r"$\end{foo}$", r"$a}}b$", r"$\left($", "$^$", "$_{}$"]
)
def test_broken_latex_never_raises_or_vanishes(text: str) -> None:
    """Broken math is shown as best it can be: something always shows, and nothing the
    student wrote disappears."""
    out = convert(text)
    assert isinstance(out, str) and out.strip()
    assert kept(text, out), out


def kept(text: str, out: str) -> bool:
    """Every letter and digit of ``text`` outside command names is in ``out``, in order."""
    written = re.findall(r"[^\W_]", re.sub(r"\\[A-Za-z]+", "", text))
    shown = iter(re.findall(r"[^\W_]", out))
    return all(char in shown for char in written)


def test_the_broken_latex_check_catches_a_loss() -> None:
    assert kept(r"${unclosed \frac{a$", "unclosed a/")
    assert not kept(r"${unclosed \frac{a$", "unclosed /")
    assert not kept(r"$a}}b$", "ba")
