"""The base of the app's screens: a typed ``app``, one error path, loads on thread workers.

Database work that can block (seconds on a busy PostgreSQL) runs through :meth:`load`: a
thread worker, exclusive per result type, whose value comes back as that screen's typed
message (a :class:`~studyapp.ui.messages.Loaded` dataclass, handled with ``@on``). Quick
calls on the UI thread go through :meth:`reported`. A worker that raises, like a reported
call, ends in ``app.report_failure``: one notification, never a traceback.
:class:`DataChanged` reloads the screen now if it is showing, else when it is next shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from studyapp.ui.messages import DataChanged, Loaded

if TYPE_CHECKING:
    from studyapp.ui.app import StudyApp

T = TypeVar("T")


class StudyScreen(Screen[None]):
    """A screen of :class:`StudyApp`; subclasses override :meth:`reload` and handle their
    :class:`Loaded` messages."""

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

    def load(
        self,
        message: Callable[[T], Loaded],
        func: Callable[..., T],
        *args: Any,
        label: str = "",
        **kwargs: Any,
    ) -> Worker[None]:
        """Run ``func(*args, **kwargs)`` on a thread worker and post ``message(value)`` to
        this screen; a newer load of the same message type cancels this one's message."""
        group = getattr(message, "__name__", "load")
        return self.run_worker(
            partial(self._call, message, func, args, kwargs),
            name=label or group,
            group=group,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _call(
        self,
        message: Callable[[T], Loaded],
        func: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.post_message(message(func(*args, **kwargs)))

    @contextmanager
    def reported(self, label: str) -> Iterator[None]:
        """Run the block on the UI thread (quick calls); when it raises, the rest of the
        block is skipped and the error reported as ``label`` failing (the one error path)."""
        try:
            yield
        except Exception as error:
            self.app.report_failure(label, error)

    # -- handlers ------------------------------------------------------------------------

    # Textual calls the handler of every class in the MRO, a subclass's first: a subclass's
    # ``on_mount`` or ``on_screen_resume`` must not call ``super()`` (this one would run twice).

    def on_mount(self) -> None:
        self.reload()

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
