"""Command palette provider: decks (review, quiz, browse), screens and actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from studyapp.ui.app import StudyApp


class StudyCommands(Provider):
    """Every deck (review, quiz, browse, exam date), every screen, the long actions."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: StudyApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Home", "Back to the deck list", app.go_home),
            ("Browse all cards", "Search every card", partial(app.open_browser, None)),
            ("Statistics", "Reviews, forecast, retention, buttons", app.open_stats),
            ("Help", "Every key binding", app.action_help),
            ("Cycle theme", "Switch between the app's themes", app.action_cycle_theme),
        ]
        if app.ready:
            commands.append(
                ("Optimise parameters", "Fit FSRS to your review log", partial(app.optimise, None))
            )
            try:
                decks = app.service.decks(now=app.now())
            except Exception:
                decks = []
            for deck in decks:
                name = deck.name
                commands += [
                    (f"Review: {name}", f"{deck.due} due, {deck.new} new",
                     partial(app.open_review, deck.id, name)),
                    (f"Quiz: {name}", "Multiple choice, schedule untouched",
                     partial(app.open_quiz, deck.id, "choice")),
                    (f"Typed quiz: {name}", "Type the answers, schedule untouched",
                     partial(app.open_quiz, deck.id, "typed")),
                    (f"Browse: {name}", "This deck's cards", partial(app.open_browser, deck.id)),
                    (f"Exam date: {name}", "Set or clear the exam date",
                     partial(app.ask_exam_date, deck.id, name, deck.exam_date)),
                ]  # fmt: skip
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands()[:5]:
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                # Deck names are data: highlight only titles that cannot hold markup.
                shown = matcher.highlight(title) if "[" not in title else Content(title)
                yield Hit(score, shown, callback, help=help_text)
