"""A card's media image in review and the browser: graphics protocol or half-blocks.

Imported Anki cards name their pictures in the text as ``[image: NAME]``; the files live in
the data dir's ``media/`` folder (copied by the import). :class:`CardImage` shows the first
picture a text names: through ``textual-image`` (kitty graphics protocol or Sixel) when the
terminal supports one and :func:`warm_up` ran before the app started (it has to ask the
terminal, which it cannot do once Textual owns it), otherwise as half-block characters, two
pixels per cell, like the experiment pictures. Nothing shows when the text names no image or
the file is missing. Names are untrusted: one plain file name, never a link.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

IMAGE_RE = re.compile(r"\[image: ([^\]\n]+)\]")
MAX_CELLS = (60, 16)
"""Largest half-block picture, in columns and rows (each row two pixels)."""
_GRAPHICS_TERMS = ("kitty", "wezterm", "ghostty", "foot", "mlterm")


def image_names(text: str) -> list[str]:
    """The image names ``text`` refers to (``[image: NAME]``), in order."""
    return [m.group(1).strip() for m in IMAGE_RE.finditer(text or "")]


def media_dir() -> Path:
    from studyapp.paths import data_dir

    return data_dir() / "media"


def media_path(name: str, folder: Path | None = None) -> Path | None:
    """The regular file ``name`` in the media folder; None for an unsafe name, a link or
    a missing file."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return None
    path = (folder or media_dir()) / name
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return path if stat.S_ISREG(info.st_mode) else None


def warm_up() -> None:
    """Before the app starts: load ``textual-image`` (it asks the terminal what it supports)
    when the terminal may speak a graphics protocol and imported media exist. Cheap otherwise."""
    term = f"{os.environ.get('TERM', '')} {os.environ.get('TERM_PROGRAM', '')}".lower()
    graphics = "KITTY_WINDOW_ID" in os.environ or any(t in term for t in _GRAPHICS_TERMS)
    if not graphics or not sys.__stdout__ or not sys.__stdout__.isatty():
        return
    try:
        if not any(media_dir().iterdir()):
            return
        import textual_image.widget  # noqa: F401  (the terminal is asked here, once)
    except Exception:  # no media folder, or the terminal did not answer: half-blocks
        return


def _graphics_widget() -> type | None:
    """textual-image's widget when :func:`warm_up` found a graphics protocol, else None."""
    module = sys.modules.get("textual_image.widget")
    if module is None:
        return None
    chosen = module.Image
    if chosen in (module.HalfcellImage, module.UnicodeImage):
        return None
    return chosen  # type: ignore[no-any-return]


def half_block_picture(path: Path, cells: tuple[int, int] = MAX_CELLS) -> Any:
    """The picture at ``path`` as half-block text fitting ``cells`` (columns, rows)."""
    from PIL import Image

    from studyapp.ui.widgets.pixels import half_block

    with Image.open(path) as image:
        picture = image.convert("RGB")
    picture.thumbnail((max(1, cells[0]), max(2, cells[1] * 2)))
    import numpy as np

    return half_block(np.asarray(picture))


class CardImage(Vertical):
    """The first image a card text names (see the module docstring); hidden without one."""

    DEFAULT_CSS = """
    CardImage { height: auto; display: none; }
    CardImage.-shown { display: block; }
    CardImage Static { width: auto; height: auto; }
    """

    def __init__(self, *, folder: Path | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = folder
        self.path: Path | None = None

    def show_text(self, text: str | None) -> None:
        """Show the first image ``text`` names (nothing when it names none)."""
        path = next(
            (p for p in (media_path(n, self.folder) for n in image_names(text or "")) if p),
            None,
        )
        if path == self.path:
            return
        self.path = path
        self.set_class(path is not None, "-shown")
        self.remove_children()
        if path is None:
            return
        graphics = _graphics_widget()
        try:
            if graphics is not None:
                self.mount(graphics(str(path)))
            else:
                self.mount(Static(half_block_picture(path), classes="picture"))
        except Exception as error:  # an unreadable or corrupt picture: say so, in one line
            self.mount(Static(Content(f"(cannot show {path.name}: {type(error).__name__})")))
