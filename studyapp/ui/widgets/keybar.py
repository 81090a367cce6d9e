"""A one-line footer of the screen's active key bindings, drawn as a single widget.

Textual's ``Footer`` recomposes one widget per key on every bindings change, which cost
tens of milliseconds per card on the review screen; this draws the same information
(key, description, dimmed when disabled) as one :class:`Content` line.
"""

from __future__ import annotations

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

    def _draw(self) -> None:
        self._pending = False
        if not self.is_attached:  # the screen was dismissed before this refresh
            return
        parts: list[str | tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            style = "" if active.enabled else "dim"
            key = self.app.get_key_display(binding)
            parts.append((f" {key}", f"bold $footer-key-foreground {style}".strip()))
            parts.append((f" {binding.description} ", style or "$footer-description-foreground"))
        parts.append((" ^p", "bold $footer-key-foreground"))
        parts.append((" palette", "$footer-description-foreground"))
        self.update(Content.assemble(*parts))
