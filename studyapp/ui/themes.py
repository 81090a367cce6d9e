"""The app's own themes; Textual's built-in themes stay available in the palette."""

from __future__ import annotations

from textual.theme import Theme

THEMES: tuple[Theme, ...] = (
    Theme(
        name="studyapp-dark",
        primary="#5FA8D3",
        secondary="#A78BFA",
        accent="#F2A65A",
        warning="#F2C14E",
        error="#E5636B",
        success="#6BCB77",
        foreground="#E6E6E6",
        background="#15181D",
        surface="#1D2127",
        panel="#262B33",
        dark=True,
    ),
    Theme(
        name="studyapp-light",
        primary="#1F6FA8",
        secondary="#6D4FC2",
        accent="#B35C00",
        warning="#9A6B00",
        error="#B3261E",
        success="#2E7D32",
        foreground="#1B1B1B",
        background="#F7F7F5",
        surface="#EFEFEC",
        panel="#E2E2DE",
        dark=False,
    ),
)
"""The first theme is the default."""
