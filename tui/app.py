"""The plantrail terminal application: built by a factory that takes its store and actor, so
tests hand it a temporary database (and a fixed "today")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import WorkerFailed

from ..domain.clock import today_in_london
from ..store.service import PlanService
from .crash import crash_message, write_crash_log
from .palette import PlanCommands
from .screens.help import HelpScreen
from .screens.plan import PlanScreen
from .typeahead import KEEP_AT_MOST, KeptKeys, ReleaseKeys


class PlantrailApp(App[None]):
    """Navigate standards → actions → key actions and record changes, keyboard only."""

    CSS_PATH = "app.tcss"
    TITLE = "plantrail"
    COMMANDS = App.COMMANDS | {PlanCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        service: PlanService,
        actor: str,
        today: Callable[[], date] = today_in_london,
        poll_seconds: float = 1.0,
        remote: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self.actor = actor
        #: Over SSH: nothing may be written to the server's files (exports go to stdout).
        self.remote = remote
        #: The actor's role from the access list when the app opened (None: no list yet).
        self.role: str | None = service.grants().get(actor, {}).get("role")
        self.today = today
        self.poll_seconds = poll_seconds
        self.as_at: date | None = None
        self.crash_log: Path | None = None
        #: Keys typed while a form opens (None: keys are handled as they come); typeahead.py.
        self._kept_keys: KeptKeys | None = None
        self._keep_timer: Timer | None = None

    def on_mount(self) -> None:
        self.push_screen(PlanScreen())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications quote stored text (names, refusals): never read it as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def keep_keys(self) -> None:
        """Keep keys and pastes from now on: a form is opening and they are meant for it."""
        if self._kept_keys is None:
            self._kept_keys = KeptKeys()
            self._keep_timer = self.set_timer(KEEP_AT_MOST, lambda: self.release_keys(False))

    def release_keys(self, replay: bool) -> None:
        """Handle the kept keys (``replay``: as typed into what has focus now) or drop them.
        Done from the app's own queue, after any key that is still waiting there."""
        if self._kept_keys is not None:
            self.post_message(ReleaseKeys(replay))

    async def on_event(self, event: events.Event) -> None:
        if self._kept_keys is not None and self._kept_keys.keep(event):
            return
        await super().on_event(event)

    async def on_release_keys(self, message: ReleaseKeys) -> None:
        kept, self._kept_keys = self._kept_keys, None
        if self._keep_timer is not None:
            self._keep_timer.stop()
            self._keep_timer = None
        if kept is None or not kept.events:
            return
        if not message.replay:
            self.bell()
            return
        for event in kept.as_typed():
            await super().on_event(event)

    def action_help(self) -> None:
        from .widgets.pane_keys import ACTION_KEYS, PLAN_KEYS, STEP_KEYS, help_bindings

        shown = [b for b in PlanScreen.BINDINGS if isinstance(b, Binding) and b.show]
        changes = help_bindings([*ACTION_KEYS, *STEP_KEYS, *PLAN_KEYS])
        own = [b for b in self.BINDINGS if isinstance(b, Binding)]
        self.push_screen(HelpScreen([*changes, *shown, *own]))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "every key (?)", self.action_help)

    def _handle_exception(self, error: Exception) -> None:
        """An error nobody planned for: log it to a file, say so in one message, exit 1.

        Textual's own handler prints a full traceback over the person's terminal; this keeps
        the traceback in a log file instead (tui/crash.py).
        """
        cause = error.error if isinstance(error, WorkerFailed) else error
        try:
            self.crash_log = write_crash_log(cause)
        except OSError:
            self.crash_log = None
        if self._exception is None:
            self._exception = error  # Pilot re-raises it, so tests see every crash
            self._exception_event.set()
        self.exit(return_code=1, message=crash_message(cause, self.crash_log))


def make_app(service: PlanService, actor: str, **options: object) -> PlantrailApp:
    return PlantrailApp(service, actor, **options)  # type: ignore[arg-type]


def run_tui(service: PlanService, actor: str, *, remote: bool = False) -> int:
    """Run the interface on ``service`` for ``actor`` and close the service after; returns the
    exit code (1 after a crash). ``remote``: an SSH session (no files written on the server)."""
    try:
        app = make_app(service, actor, remote=remote)
        app.run()
    finally:
        service.close()
    return app.return_code or 0
