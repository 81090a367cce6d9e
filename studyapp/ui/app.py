"""The study app: a Textual shell whose screens talk only to :class:`StudyService`.

On a local SQLite file that exists (:attr:`StudyApp.opens_at_load`) the service opens and
the deck list is read before the first frame, so home draws once, with its counts. Otherwise
the first frame shows at once: the service (migrations) opens on a thread worker started as
the app loads, which posts :class:`ServiceReady` (carrying the service, set on the UI
thread) or :class:`ServiceFailed`; the deck folders then sync on that worker (first, only
when the database has no deck yet), and :class:`DecksSynced` says what changed.
``studyapp review`` gets the service already open and syncs once the first card is drawn.
Nothing on this path imports torch, and screens load on first use (``studyapp review``
opens on the review screen without loading home's). Screens come from the one table in
:mod:`studyapp.ui.screens.table`; data changes reach them as :class:`DataChanged`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from studyapp.textsafe import escape_controls
from studyapp.ui.messages import DataChanged, DecksSynced, JobDone, ServiceFailed, ServiceReady
from studyapp.ui.settings import Settings, load_settings, save_settings
from studyapp.ui.themes import THEMES

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen

    from studyapp.study.service import StudyService
    from studyapp.study.views import DeckSummary, ImportReport
    from studyapp.ui.screens.modals import ExamChoice

T = TypeVar("T")
SYNC_DELAY_S = 1.0
"""The deck folders sync this long after the first screen shows (a sync of unchanged files
only reads, and the first card or the deck list need none)."""
ServiceFactory = Callable[[], "StudyService"]


def _study_commands() -> type[Provider]:
    """The palette's screens and deck commands (imported when the palette first opens)."""
    from studyapp.ui.commands import StudyCommands

    return StudyCommands


def _experiment_commands() -> type[Provider]:
    from studyapp.ui.experiment_commands import ExperimentCommands

    return ExperimentCommands


class ServiceNotReady(RuntimeError):
    """A screen asked for the service before it opened (or after it failed to open)."""


NO_EXPERIMENT = (
    "This card links no experiment: its text names none of the experiments' concepts "
    "(a deck file can link one with `experiments: ID`)."
)


class StudyApp(App[None]):
    """Spaced-repetition review of the lecture decks, with experiments one key away."""

    CSS_PATH = "app.tcss"
    TITLE = "studyapp"
    SUB_TITLE = "deep generative models"
    COMMANDS: ClassVar = App.COMMANDS | {_study_commands, _experiment_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Every key binding"),
        Binding("ctrl+t", "cycle_theme", "Theme", id="app.theme", show=False,
                tooltip="Switch to the next theme (remembered)"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Leave studyapp"),
    ]  # fmt: skip

    def __init__(
        self,
        service_factory: ServiceFactory,
        *,
        clock: Callable[[], datetime] | None = None,
        sync_decks: bool = True,
        review: tuple[int | None, str] | None = None,
    ) -> None:
        """``service_factory`` opens the service (on a worker); ``clock`` fixes "now" in tests.

        ``review=(deck_id, title)`` opens straight on a review session of that deck (None:
        every deck) instead of home (``studyapp review``). Then ``service_factory`` is
        called on the UI thread before the first frame, so it should return an open service.
        """
        super().__init__()
        self._service_factory = service_factory
        self._clock = clock
        self._sync_decks = sync_decks
        self._review = review
        self._service: StudyService | None = None
        self.startup_error: str | None = None
        self.settles_heap = False
        """Freeze the heap once the first frame is drawn (``run_app``: a real start, not a
        test's app; see :func:`settle_heap`)."""
        self.opens_at_load = False
        """Open the service and read the deck list on the UI thread before the first frame
        (``run_app`` on a local SQLite file that exists: a few milliseconds), so home draws
        once, with its counts; any failure falls back to the worker, which reports it."""
        self._first_decks: list[DeckSummary] | None = None
        for theme in THEMES:
            self.register_theme(theme)
        self.settings, self._settings_problem = load_settings()
        theme_name = self.settings.theme
        if theme_name not in self.available_themes:
            theme_name = THEMES[0].name
        # Not ``self.theme = ...``: its watcher re-parses every stylesheet (~20 ms) before
        # the first frame. The stylesheet is first parsed with the current theme's variables,
        # so only the class the watcher would add is needed.
        self.set_reactive(App.theme, theme_name)
        self.stylesheet.set_variables(self.get_css_variables())  # made with the default theme
        self.set_class(True, f"-theme-{theme_name}", update=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; unlike Textual's default, ``message`` is plain text (it often holds data),
        shown with any control character escaped (:mod:`studyapp.textsafe`)."""
        message, title = escape_controls(message), escape_controls(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- the service ---------------------------------------------------------------------

    @property
    def service(self) -> StudyService:
        """The open study service; raises :class:`ServiceNotReady` before it opens."""
        if self._service is None:
            raise ServiceNotReady(self.startup_error or "the database is still opening")
        return self._service

    @property
    def ready(self) -> bool:
        return self._service is not None

    def now(self) -> datetime | None:
        """The fixed clock's time in tests; ``None`` (the service's own clock) otherwise."""
        return self._clock() if self._clock is not None else None

    def attempt(self, label: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a service method on the UI thread; an error becomes a notification.

        Returns ``None`` when it failed (service methods that succeed with ``None`` are
        called directly by the screens that need to tell the two apart).
        """
        try:
            return func(*args, **kwargs)
        except Exception as error:
            self.report_failure(label, error)
        return None

    def report_failure(self, label: str, error: BaseException) -> None:
        """The one error path: a notification of one line, never a traceback."""
        if isinstance(error, ServiceNotReady):
            self.notify(str(error), title=label, severity="warning")
        else:
            self.notify(_one_line(error), title=f"{label} failed", severity="error", timeout=10)

    def announce(self, reason: str = "") -> None:
        """Tell every screen on the stack that decks or cards changed."""
        for screen in self.screen_stack:
            screen.post_message(DataChanged(reason))

    def on_load(self) -> None:
        if self._review is None:
            if not (self.opens_at_load and self._open_now()):
                # Before the first compose: the database opens while Textual draws home.
                self._open_service()
            return
        # ``studyapp review``: the first frame is the first card, so the (already open)
        # service is taken here, and a failure ends the app with its one-line error.
        try:
            self._service = self._service_factory()
        except Exception as error:
            self.startup_error = _one_line(error)
            self.exit(return_code=1)

    def _open_now(self) -> bool:
        """See :attr:`opens_at_load`; False leaves the opening to :meth:`_open_service`."""
        try:
            service = self._service_factory()
        except Exception:
            return False  # the worker tries again and reports it
        self._service_factory = lambda: service  # the worker, if it runs, takes this one
        try:
            if self._sync_decks and service.decks.empty():
                return False  # a first start: the worker syncs the decks before anything shows
            self._first_decks = service.decks.list(now=self.now())
        except Exception:
            return False  # the worker reads again and reports it
        self._service = service
        return True

    def get_default_screen(self) -> Screen[Any]:
        """The first screen is the one the app opens on (home, or ``studyapp review``'s
        session), not a blank one pushed over: the first frame is drawn once."""
        if self._review is not None and self.ready:
            from studyapp.ui.screens.review import ReviewScreen

            return ReviewScreen(*self._review)
        if self._review is not None:  # the service failed: ``on_load`` is exiting
            return super().get_default_screen()
        from studyapp.ui.screens.home import HomeScreen

        decks, self._first_decks = self._first_decks, None
        return HomeScreen(decks)

    def on_mount(self) -> None:
        if self.settles_heap:
            self.call_after_refresh(settle_heap)  # the first frame is drawn
        if self._settings_problem:
            self.notify(self._settings_problem, severity="warning")
        if self.ready and self._sync_decks:  # opened before the first frame
            self.set_timer(SYNC_DELAY_S, partial(self._sync, self.service))
        if self._review is None and self.ready:
            self._warm_review()

    @work(thread=True, exit_on_error=False, group="warm")
    def _warm_review(self) -> None:
        """Load the review screen's module off the UI thread so enter shows a card at once."""
        import studyapp.ui.screens.review  # noqa: F401

    @work(thread=True, exclusive=True, exit_on_error=False, group="service")
    def _open_service(self) -> None:
        try:
            service = self._service_factory()
            first = self._sync_decks and service.decks.empty()  # a first start: decks first
            synced = _synced(service.decks.sync()) if first else DecksSynced()
        except Exception as error:
            self.post_message(ServiceFailed(_one_line(error)))
            return
        self.post_message(ServiceReady(service, sync=self._sync_decks and not first))
        if synced.imported or synced.warnings:
            self.post_message(synced)
        # Warm the next screen's module off the UI thread so enter shows a card at once.
        import studyapp.ui.screens.review  # noqa: F401

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync", name="Deck sync")
    def _sync(self, service: StudyService) -> None:
        """Sync the deck folders (bundled decks, the user's copies) off the UI thread."""
        synced = _synced(service.decks.sync())
        if synced.imported or synced.warnings:
            self.post_message(synced)

    def on_service_ready(self, message: ServiceReady) -> None:
        self._service = message.service
        if self.settles_heap:
            settle_heap()  # the service's modules joined the heap
        self.announce("opened")
        if message.sync:  # the decks as stored show first; the folders sync a moment later
            self.set_timer(SYNC_DELAY_S, partial(self._sync, message.service))

    def on_decks_synced(self, message: DecksSynced) -> None:
        if message.imported:
            self.notify(f"{message.imported} cards added or updated from the deck folders")
        if message.warnings:
            files = sorted(message.warnings.items())
            decks = ", ".join(f"{path} ({n})" for path, n in files)
            self.notify(
                f"Deck warnings: {decks}. `studyapp deck parse {files[0][0]}` lists them.",
                severity="warning",
                markup=False,
            )
        if message.imported:
            self.announce("synced")

    def on_service_failed(self, message: ServiceFailed) -> None:
        self.startup_error = message.error
        self.notify(message.error, title="Cannot open the database", severity="error", timeout=30)
        self.announce("failed")  # screens read ``startup_error`` when they reload

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's workers that raised (screens' own go through StudyScreen's twin)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.name or "Background job", event.worker.error)

    def on_job_done(self, message: JobDone) -> None:
        self.notify(message.summary, title=message.title, timeout=10)
        self.announce(message.title)

    # -- navigation ----------------------------------------------------------------------

    def action_help(self) -> None:
        from studyapp.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.open("help", self.screen)

    def action_cycle_theme(self) -> None:
        names = [theme.name for theme in THEMES] + ["textual-dark", "textual-light"]
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.notify(f"Theme: {self.theme} (ctrl+t for the next one)", timeout=3)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme however it was chosen (ctrl+t or the palette)."""
        if theme == self.settings.theme:
            return
        self.settings = Settings(theme=theme)
        try:
            save_settings(self.settings)
        except OSError as error:
            self.report_failure("Saving the theme", error)

    def open(self, name: str, *args: Any) -> None:
        """Push the screen called ``name`` in :data:`~studyapp.ui.screens.table.SCREENS`."""
        from studyapp.ui.screens.table import entry

        if name == "home":
            self.go_home()
            return
        if not self.ready and name != "help":
            self.report_failure(entry(name).title, ServiceNotReady(self._not_ready()))
            return
        self.push_screen(entry(name).make(*args))

    def _not_ready(self) -> str:
        return self.startup_error or "the database is still opening"

    def open_review(self, deck_id: int | None, deck_name: str = "") -> None:
        """Review ``deck_id``'s due cards (every deck's for None)."""
        self.open("review", deck_id, deck_name)

    def go_home(self) -> None:
        from studyapp.ui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):  # started by ``studyapp review``: home
            self.push_screen(HomeScreen())  # goes over the first session's screen, which stays

    def ask_exam_date(self, deck_id: int, deck_name: str, current: date | None = None) -> None:
        """Modal asking for the deck's exam date (and time); saving it turns exam mode on (or
        off). A date already past is refused in the dialog, with the reason."""
        from studyapp.ui.screens.modals import ExamDateModal

        def check(choice: ExamChoice) -> None:
            assert choice.date is not None
            self.service.decks.check_exam(deck_id, choice.date, choice.at, now=self.now())

        def chosen(result: ExamChoice | None) -> None:
            if result is None:
                return
            set_exam = self.service.decks.set_exam
            summary = self.attempt("Exam date", set_exam, deck_id, result.date, result.at,
                                   now=self.now())  # fmt: skip
            if summary is None:
                return
            if summary.exam is None:
                self.notify(f"Exam mode off for {deck_name}", markup=False)
            else:
                self.notify(f"Exam on {summary.exam.exam_date} for {deck_name}", markup=False)
            self.announce("exam date")

        today = self.service.today(self.now())  # the study day, as the countdown counts
        figure = self.service.decks.get(deck_id, self.now()).exam if current else None
        at = figure.exam_time if figure is not None else "09:00"
        self.push_screen(ExamDateModal(deck_name, current, today, check, at), chosen)

    def optimize(self, deck_id: int | None = None) -> None:
        """Fit FSRS parameters on a worker (torch loads there); the report is a notification."""
        if not self.ready:
            self.report_failure("Optimize", ServiceNotReady(self._not_ready()))
            return
        self.notify("Optimizing FSRS parameters in the background…")
        self._optimize(deck_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="optimize", name="Optimize")
    def _optimize(self, deck_id: int | None) -> None:
        report = self.service.fsrs.optimize(deck_id)
        if report.applied and report.loss_before is not None and report.loss_after is not None:
            summary = (
                f"log loss {report.loss_before:.4f} → {report.loss_after:.4f} "
                f"on {report.reviews} reviews of {report.cards} cards"
            )
        else:
            summary = report.reason
        self.post_message(JobDone("FSRS parameters", summary, report))

    def open_experiment(
        self,
        experiments: Iterable[str],
        card_id: int | None,
        settings: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Open a card's experiment with the card's suggested ``settings`` (per experiment id,
        ``studyapp.experiments.links.card_suggestions``); a chooser when it links several."""
        ids = list(experiments)
        settings = settings or {}
        if not ids:
            self.notify(NO_EXPERIMENT, title="No experiment", severity="warning")
            return
        if len(ids) == 1:
            self._push_experiment(ids[0], card_id, settings.get(ids[0]))
            return
        from studyapp.ui.screens.modals import ChooseExperiment

        def chosen(experiment_id: str | None) -> None:
            if experiment_id:
                self._push_experiment(experiment_id, card_id, settings.get(experiment_id))

        self.push_screen(ChooseExperiment(ids, settings), chosen)

    def _push_experiment(
        self, experiment_id: str, card_id: int | None, settings: Mapping[str, str] | None = None
    ) -> None:
        try:
            from studyapp.ui.screens.experiment import ExperimentScreen
        except ImportError as error:
            self.notify(f"experiment screen unavailable: {error}", severity="error")
            return
        from studyapp.experiments.links import typed_settings

        overrides = typed_settings(experiment_id, settings or {})
        self.push_screen(ExperimentScreen(experiment_id, card_id=card_id, overrides=overrides))


def settle_heap() -> None:
    """Move every object made so far (modules, classes, the stylesheet) out of the garbage
    collector's view (``gc.freeze``) and let it collect again: later full collections (at a
    random frame: the first card, an answer) then walk only what the app makes next.

    The command line turns collection off while the app starts (``gc.disable`` before its
    imports: a start makes objects that live as long as the app, and every full collection
    walks them all again, tens of milliseconds before the first card for no garbage);
    :func:`run_app` turns it back on however the app ends."""
    import gc

    gc.freeze()  # no collection first: that alone would cost what this saves
    gc.enable()


def _synced(reports: Iterable[ImportReport]) -> DecksSynced:
    """What a sync of the deck folders changed, for the notifications."""
    synced = DecksSynced()
    for report in reports:
        synced.imported += report.added + report.updated + report.restored
        if report.warnings:
            synced.warnings[report.path] = len(report.warnings)
    return synced


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) < 300 else text[:297] + "..."


def open_service(db: str | None) -> StudyService:
    """Open the study service on ``db`` (``--db`` value, ``$STUDYAPP_DB`` or the default)."""
    from studyapp.study.service import StudyService

    return StudyService.open(db)
