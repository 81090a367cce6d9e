"""The base of the app's screens: a typed ``app``, one error path, loads on thread workers.

Database work that can block (seconds on a busy PostgreSQL) runs through :meth:`load`: a
thread worker, exclusive per ``group``, whose result comes back as a :class:`Loaded`
message handled by :meth:`loaded` on the UI thread. A worker that raises, like a failed
:meth:`attempt`, ends in ``app.report_failure``: one notification, never a traceback.
:class:`DataChanged` reloads the screen now if it is showing, else when it is next shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from studyapp.ui.messages import DataChanged, Loaded

if TYPE_CHECKING:
    from studyapp.ui.app import StudyApp

T = TypeVar("T")


class StudyScreen(Screen[None]):
    """A screen of :class:`StudyApp`; subclasses override :meth:`reload` and :meth:`loaded`."""

    RELOAD_ON_RESUME: ClassVar[bool] = False
    """Reload whenever the screen is shown again (home: counts change during a review)."""

    if TYPE_CHECKING:

        @property
        def app(self) -> StudyApp: ...  # type: ignore[override]

    def __init__(self) -> None:
        super().__init__()
        self._stale = False
        self._resumed = False

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch what the screen shows (usually with :meth:`load`); called on mount, on
        :class:`DataChanged` and on resume. Nothing by default."""

    def loaded(self, group: str, value: Any) -> None:
        """A :meth:`load` of ``group`` returned ``value`` (on the UI thread)."""

    def load(
        self, group: str, func: Callable[..., Any], *args: Any, label: str = "", **kwargs: Any
    ) -> Worker[None]:
        """Run ``func(*args, **kwargs)`` on a thread worker (a newer load of the same
        ``group`` cancels this one's message); its value arrives in :meth:`loaded`."""
        return self.run_worker(
            partial(self._call, group, func, args, kwargs),
            name=label or group,
            group=group,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _call(
        self, group: str, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        value = func(*args, **kwargs)
        self.post_message(Loaded(group, value))

    def attempt(self, label: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call ``func`` now (quick writes); an error is reported and gives ``None``."""
        return self.app.attempt(label, func, *args, **kwargs)

    # -- handlers ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.reload()

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        self.loaded(message.group, message.value)

    def on_data_changed(self, _message: DataChanged) -> None:
        if self.is_current:
            self.reload()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        again, self._resumed = self._resumed, True  # the first resume follows the mount
        if self._stale or (again and self.RELOAD_ON_RESUME):
            self._stale = False
            self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one error path for this screen's workers (their messages do not bubble)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_failure(event.worker.name or "Background job", event.worker.error)
