"""The one table of the app's screens, read by navigation, help and the command palette.

Adding a screen is one :class:`ScreenEntry` in :data:`SCREENS`: ``app.open(name, *args)``
opens it, help lists its bindings under its title, and the palette offers it (once, and
once per item of ``targets`` when given, e.g. per deck or per experiment). Screen modules
load only when a screen opens (or help lists them), so the table itself imports nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from textual.screen import Screen

    from studyapp.study.views import DeckSummary
    from studyapp.ui.app import StudyApp


class Target(NamedTuple):
    """One palette command for an entry: ``"{entry.title}: {label}"`` opens it with ``args``."""

    label: str
    help: str
    args: tuple[Any, ...] = ()


class PaletteContext(NamedTuple):
    """What :attr:`ScreenEntry.targets` may read; built once per palette opening, on a thread."""

    app: StudyApp
    decks: Sequence[DeckSummary]


TargetsFn = Callable[[PaletteContext], Iterable[Target]]


class ScreenEntry(NamedTuple):
    """A screen (or dialog) of the app."""

    name: str
    """What ``app.open(name, ...)`` takes."""
    title: str
    """Its section in help and its palette command."""
    description: str
    factory: str
    """``"module:Class"``; called with ``app.open``'s arguments and :attr:`kwargs`."""
    key: str = ""
    """The key that opens it from home ('' none); home's bindings carry the same key."""
    kwargs: tuple[tuple[str, Any], ...] = ()
    palette: bool = True
    """Offered as one palette command without arguments."""
    targets: TargetsFn | None = None
    """Palette commands per item (deck, experiment), run on a thread when the palette opens."""
    dialog: bool = False
    """A modal opened by other screens: in help only."""

    def screen_class(self) -> type[Screen[Any]]:
        module, _, name = self.factory.partition(":")
        cls: type[Screen[Any]] = getattr(importlib.import_module(module), name)
        return cls

    def make(self, *args: Any) -> Screen[Any]:
        return self.screen_class()(*args, **dict(self.kwargs))


def each_deck(args: Callable[[DeckSummary], tuple[Any, ...]], help: str) -> TargetsFn:
    """Targets: one per deck, opened with ``args(deck)``."""

    def targets(context: PaletteContext) -> Iterable[Target]:
        for deck in context.decks:
            shown = help.format(due=deck.due + deck.learning, new=deck.new)
            yield Target(deck.name, shown, args(deck))

    return targets


S = "studyapp.ui.screens."

SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("home", "Home", "The decks with today's counts", S + "home:HomeScreen"),
    ScreenEntry(
        "review", "Review", "Review every deck's due cards", S + "review:ReviewScreen",
        key="enter", targets=each_deck(lambda d: (d.id, d.name), "{due} due, {new} new"),
    ),
    ScreenEntry(
        "quiz", "Quiz", "Multiple choice, schedule untouched", S + "quiz:QuizScreen",
        key="q", kwargs=(("mode", "choice"),), palette=False,
        targets=each_deck(lambda d: (d.id,), "Multiple choice, schedule untouched"),
    ),
    ScreenEntry(
        "typed-quiz", "Typed quiz", "Type the answers, schedule untouched",
        S + "quiz:QuizScreen", key="t", kwargs=(("mode", "typed"),), palette=False,
        targets=each_deck(lambda d: (d.id,), "Type the answers, schedule untouched"),
    ),
    ScreenEntry(
        "browser", "Browse", "Search every card", S + "browser:BrowserScreen", key="b",
        targets=each_deck(lambda d: (d.id,), "This deck's cards"),
    ),
    ScreenEntry(
        "stats", "Statistics", "Reviews, forecast, retention, buttons",
        S + "stats:StatsScreen", key="s",
    ),
    ScreenEntry(
        "exam-plan", "Exam plan", "A deck's exam: the plan until then and the recall figure",
        S + "exam:ExamScreen", key="p",
        targets=each_deck(lambda d: (d.id, d.name), "Reviews and new cards each day to the exam"),
    ),
    ScreenEntry(
        "experiment", "Experiment", "A card's PyTorch experiment",
        S + "experiment:ExperimentScreen", key="x", palette=False,
    ),
    ScreenEntry(
        "experiments", "Experiments", "Every experiment with its linked cards",
        S + "experiments:ExperimentsScreen",
    ),
    ScreenEntry(
        "runs", "Runs", "Saved runs of an experiment", S + "runs:RunsScreen", palette=False
    ),
    ScreenEntry("help", "Help", "Every key binding", S + "help:HelpScreen", key="?"),
    ScreenEntry(
        "edit", "Edit dialog", "Edit a card", S + "modals:EditCardModal", dialog=True,
        palette=False,
    ),
    ScreenEntry(
        "exam", "Exam dialog", "Set a deck's exam date", S + "modals:ExamDateModal",
        dialog=True, palette=False,
    ),
    ScreenEntry(
        "choose", "Chooser", "Pick one option", S + "modals:ChooseModal", dialog=True,
        palette=False,
    ),
)  # fmt: skip
"""Every screen, in help's reading order."""

BY_NAME = {entry.name: entry for entry in SCREENS}


def entry(name: str) -> ScreenEntry:
    """The entry called ``name``; KeyError names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no screen {name!r} (known: {', '.join(BY_NAME)})") from None
