"""A one-line footer of the screen's active key bindings, drawn as a single widget.

Textual's ``Footer`` recomposes one widget per key on every bindings change, which cost
tens of milliseconds per card on the review screen; this draws the same information
(key, description, dimmed when disabled) as one :class:`Content` line. When the line is
too long for the terminal, whole keys are left out from the end (the palette hint first,
then the app's quit, then the screen's last keys) so that back and help always stay and no
description is ever cut in the middle.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The visible bindings of the current screen (and the app), like Textual's Footer."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        if not self._pending:  # several changes in one tick draw once
            self._pending = True
            self.call_after_refresh(self._draw)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def _draw(self) -> None:
        self._pending = False
        if not self.is_attached:  # the screen was dismissed before this refresh
            return
        items: list[Item] = []
        seen: set[tuple[str, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            key = self.app.get_key_display(binding)
            items.append(Item(key, binding.description, active.enabled, binding.action in KEEP))
        self.update(render(items, self.size.width), layout=False)  # one line: no re-layout


KEEP = frozenset({"back", "help"})
"""Actions whose keys stay on a narrow bar: the way out, and the list of every key."""


class Item(NamedTuple):
    """One binding on the bar."""

    key: str
    description: str
    enabled: bool = True
    keep: bool = False

    @property
    def width(self) -> int:
        return cell_len(self.key) + cell_len(self.description) + 2

    def parts(self) -> list[tuple[str, str]]:
        dim = "" if self.enabled else "dim"
        return [
            (f" {self.key}", f"bold $footer-key-foreground {dim}".strip()),
            (f" {self.description}", dim or "$footer-description-foreground"),
        ]


PALETTE = Item("^p", "palette")


def render(items: list[Item], width: int) -> Content:
    """The bar for ``width`` cells: every item and the palette hint if they fit; else the
    kept items at the end and as many of the others, whole and in order, as fit."""
    everything = [*items, PALETTE]
    if width <= 0 or _width(everything) <= width:
        return _assemble(everything)
    kept = [item for item in items if item.keep]
    others = [item for item in items if not item.keep]
    while others and _width(others) + _width(kept) > width:
        others.pop()
    return _assemble(others + kept)


def _width(items: list[Item]) -> int:
    return sum(item.width for item in items)


def _assemble(items: list[Item]) -> Content:
    return Content.assemble(*(part for item in items for part in item.parts()))
