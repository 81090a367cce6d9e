"""Command palette provider: every screen of the table, per-deck commands, long actions.

The commands are built once per palette opening in :meth:`StudyCommands.startup` (the
deck list is read there, on a thread), never per keystroke.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from studyapp.textsafe import escape_controls

if TYPE_CHECKING:
    from studyapp.study.views import DeckSummary
    from studyapp.ui.app import StudyApp

DISCOVERED = 6
"""Commands listed before anything is typed (the plain screens and actions)."""


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    callback: Callable[[], object]


def commands(app: StudyApp, decks: list[DeckSummary]) -> list[Command]:
    """The palette's commands: screens, actions, then one per (screen, deck or item)."""
    from studyapp.ui.screens.table import SCREENS, PaletteContext

    found = [Command(e.title, e.description, partial(app.open, e.name)) for e in SCREENS
             if e.palette and not e.dialog]  # fmt: skip
    found += [
        Command("Cycle theme", "Switch to the app's next theme", app.action_cycle_theme),
        Command("Optimize parameters", "Fit FSRS to your review log", partial(app.optimize)),
    ]
    context = PaletteContext(app, decks)
    for entry in SCREENS:
        if entry.targets is None:
            continue
        for target in entry.targets(context):
            open_it = partial(app.open, entry.name, *target.args)
            found.append(Command(f"{entry.title}: {target.label}", target.help, open_it))
    for deck in decks:
        ask = partial(app.ask_exam_date, deck.id, deck.name, deck.exam_date)
        found.append(
            Command(f"Exam date: {escape_controls(deck.name)}", "Set or clear the exam date", ask)
        )
    return found


class StudyCommands(Provider):
    """Screens, decks (review, quiz, browse, exam date) and the long actions."""

    _commands: list[Command] | None = None

    async def startup(self) -> None:
        app: StudyApp = self.app  # type: ignore[assignment]
        decks: list[DeckSummary] = []
        if app.ready:
            try:
                decks = await asyncio.to_thread(app.service.decks.list, now=app.now())
            except Exception as error:
                app.report_failure("Palette: decks", error)
        self._commands = commands(app, decks)

    async def discover(self) -> Hits:
        for command in (self._commands or [])[:DISCOVERED]:
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands or []:
            score = matcher.match(command.title)
            if score > 0:
                # Deck names are data: highlight only titles that cannot hold markup.
                title = command.title
                shown = matcher.highlight(title) if "[" not in title else Content(title)
                yield Hit(score, shown, command.callback, help=command.help)
