"""Command palette provider: one command per experiment.

"experiment" lists them all; any words of a title (``mode coll``) or an id find one.
Choosing one opens its experiment screen (grading no card). The specs are read once per
palette opening in :meth:`ExperimentCommands.startup`; no torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from collections.abc import Callable

    from studyapp.ui.app import StudyApp


@dataclass(frozen=True)
class ExperimentCommand:
    title: str
    help: str
    callback: Callable[[], object]


def experiment_commands(app: StudyApp) -> list[ExperimentCommand]:
    """``Experiment: <title> (<id>)`` for every experiment (the list of them all is the
    "Experiments" screen, offered with the other screens)."""
    import models

    return [
        ExperimentCommand(
            f"Experiment: {spec.title} ({spec.id})",
            spec.summary,
            partial(app.open, "experiment", spec.id),
        )
        for spec in models.all_specs()
    ]


class ExperimentCommands(Provider):
    """Every experiment by title or id."""

    _commands: list[ExperimentCommand] | None = None

    async def startup(self) -> None:
        app: StudyApp = self.app  # type: ignore[assignment]
        self._commands = experiment_commands(app)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands or []:
            score = matcher.match(command.title)
            if score > 0:
                title = command.title  # titles are data: highlight only markup-free ones
                shown = matcher.highlight(title) if "[" not in title else Content(title)
                yield Hit(score, shown, command.callback, help=command.help)
