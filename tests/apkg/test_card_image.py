"""The card image widget: names found in card text, unsafe names and links refused, a
picture drawn with half-blocks, nothing shown without an image."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from studyapp.ui.widgets.card_image import (
    CardImage,
    half_block_picture,
    image_names,
    media_path,
)


def png(path: Path, size: tuple[int, int] = (40, 20)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 30, 30)).save(path)
    return path


def test_names_come_from_the_card_text() -> None:
    text = "Which picture?\n[image: sample.png] and [image: two words.jpg]"
    assert image_names(text) == ["sample.png", "two words.jpg"]
    assert image_names("no picture [image:]") == []


@pytest.mark.parametrize("name", ["../secret.png", "/etc/passwd", "..", "a\\b.png", ""])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    assert media_path(name, tmp_path) is None


def test_links_and_missing_files_are_refused(tmp_path: Path) -> None:
    outside = png(tmp_path / "outside.png")
    media = tmp_path / "media"
    media.mkdir()
    (media / "link.png").symlink_to(outside)
    assert media_path("link.png", media) is None
    assert media_path("missing.png", media) is None
    assert media_path("real.png", media) is None
    png(media / "real.png")
    assert media_path("real.png", media) == media / "real.png"


def test_half_blocks_fit_the_cells(tmp_path: Path) -> None:
    text = half_block_picture(png(tmp_path / "p.png", (120, 60)), (30, 8))
    lines = text.plain.split("\n")
    assert len(lines) <= 8 and max(len(line) for line in lines) <= 30
    assert set(text.plain) <= {"▀", "\n"}


class Shell(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        yield CardImage(folder=self.folder, id="img")


async def test_widget_shows_an_image_and_hides_without_one(tmp_path: Path) -> None:
    png(tmp_path / "sample.png")
    app = Shell(tmp_path)
    async with app.run_test() as pilot:
        widget = app.query_one(CardImage)
        assert widget.display is False
        widget.show_text("Q\n[image: sample.png]")
        await pilot.pause()
        assert widget.display is True and widget.path == tmp_path / "sample.png"
        assert widget.region.height > 0
        widget.show_text("no image here")
        await pilot.pause()
        assert widget.display is False and widget.path is None
