"""Packages Anki made, of both generations, read card by card as a student should see them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.deckfmt import parse_file
from studyapp.deckfmt.apkg import AnkiCard, extract_media, read_package
from studyapp.deckfmt.apkg.render import html_to_text
from tests.apkg.builders import EXPECTED, HISTORY, HISTORY_START, PNG

KINDS = ["legacy", "anki21b", "colpkg"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_card_reads_as_anki_shows_it(packages: dict[str, Path], kind: str) -> None:
    package = read_package(packages[kind])
    assert package.collection == {"legacy": "collection.anki21"}.get(kind, "collection.anki21b")
    assert package.schema == (11 if kind == "legacy" else 18)
    got: dict[tuple[str, str], list[AnkiCard]] = {}
    for card in package.cards:
        assert isinstance(card, AnkiCard)
        got.setdefault((card.notetype, card.guid), []).append(card)
    assert len(got) == len(EXPECTED)
    expected_cards = sorted(
        (e.notetype, e.deck, e.tags, front, back, ord_)
        for e in EXPECTED.values()
        for ord_, (front, back) in enumerate(e.cards)
    )
    actual_cards = sorted(
        (c.notetype, c.deck, tuple(sorted(c.tags)), c.front, c.back, c.ord)
        for c in package.cards
        if isinstance(c, AnkiCard)
    )
    assert actual_cards == expected_cards
    assert package.decks == ["Generative", "Generative::GAN", "Generative::VAE"]
    assert package.name == "Generative"
    assert len({c.identity for c in package.cards if isinstance(c, AnkiCard)}) == 8


@pytest.mark.parametrize("kind", KINDS)
def test_review_history_and_suspension_come_along(packages: dict[str, Path], kind: str) -> None:
    cards = [c for c in read_package(packages[kind]).cards if isinstance(c, AnkiCard)]
    [reviewed] = [c for c in cards if c.reviews]
    assert reviewed.front == "What does the KL term regularise?"
    assert [(r.rating, r.kind) for r in reviewed.reviews] == [(e, k) for _, e, k in HISTORY]
    assert reviewed.reviews[0].at == HISTORY_START
    assert all(r.duration_ms == 6000 for r in reviewed.reviews)
    assert [c.front for c in cards if c.suspended] == ["The GAN objective?"]


@pytest.mark.parametrize("kind", KINDS)
def test_media_is_listed_and_extracted(
    packages: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    package = read_package(packages[kind])
    assert [m.name for m in package.media] == ["sample.png"]
    [card] = [c for c in package.cards if isinstance(c, AnkiCard) and c.media]
    assert card.media == ["sample.png"]
    written = extract_media(packages[kind], package.media, tmp_path / "media")
    assert written == len(PNG)
    assert (tmp_path / "media" / "sample.png").read_bytes() == PNG
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == ["sample.png"]


def test_deck_parse_detects_the_package(packages: dict[str, Path]) -> None:
    deck = parse_file(packages["anki21b"])
    assert deck.format == "apkg" and len(deck.cards) == 8
    assert parse_file(packages["legacy"], fmt="apkg").name == "Generative"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("a<br>b<div>c</div>", "a\nb\nc"),
        ("<ol><li>one</li><li>two<ul><li>inner</li></ul></li></ol>", "1. one\n2. two\n  - inner"),
        ("x<sup>n+1</sup> y<sub>i</sub> z<sup>abc</sup>", "xⁿ⁺¹ yᵢ z^(abc)"),
        ("&lt;b&gt; &amp; &nbsp;&eacute;", "<b> & é"),
        (r"\[\sum_i x_i\] and [$]\alpha[/$]", "∑ᵢ xᵢ and α"),
        ("<script>alert(1)</script>ok<style>p{}</style>", "ok"),
        ("[sound:a.mp3] <img src='b.jpg'>", "[sound: a.mp3] [image: b.jpg]"),
    ],
)
def test_html_becomes_terminal_text(html: str, text: str) -> None:
    media: list[str] = []
    assert html_to_text(html, media) == text
    if "sound" in html:
        assert media == ["a.mp3", "b.jpg"]


def _parsed_slowly(html: str) -> str:
    """The reference: the same HTML through the standard library's HTMLParser."""
    from html.parser import HTMLParser

    from studyapp.deckfmt.apkg import render

    text = render._TextParser([])

    class Reference(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            text.handle_starttag(tag, attrs)

        def handle_endtag(self, tag: str) -> None:
            text.handle_endtag(tag)

        def handle_data(self, data: str) -> None:
            text.handle_data(data)

    parser = Reference(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return text.text()


_PIECES = ["<div>", "</div>", "<br>", "<br/>", "<br />", "<B>", "</b>", "<ul>", "<li>", "</li>",
           "</ul>", "<ol>", "<sup>", "</sup>", "<sub>", "</sub>", '<span style="a:b">',
           "</span>", "<p class=x>", "<hr>", "<td>", "<tr>", "&amp;", "&lt;", "&nbsp;", "&#x41;",
           " ", "  ", "\n", "x2", "n", "text", "a < b", "<!-- c -->", "<img src=a.png>",
           "<script>1<2</script>", "<div/>", "<sup x=1/>", "&", "<", ">", "\xa0",
           '"', "'", '<img src="x>y.png">', "<!DOCTYPE html>", "</ x>", "<?pi?>", "<!---->",
           "<a href='q'>", "</a>", "<b title=\"a'b\">", "<x a=1 />", '<br x="1"/>',
           "<script>", "</script>", "<style>a</style>", "<A HREF=x>",
           '<img src="a&amp;b.png">']  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_the_linear_tokenizer_equals_htmlparser(pieces: list[str]) -> None:
    from studyapp.deckfmt.apkg import render

    html = "".join(pieces)
    parser = render._TextParser([])
    render.feed_html(parser, html)
    assert parser.text() == _parsed_slowly(html)
