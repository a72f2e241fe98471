"""The plantrail terminal application: built by a factory that takes its store and actor, so
tests hand it a temporary database (and a fixed "today")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..domain.clock import today_in_london
from ..store.service import PlanService
from .screens.help import HelpScreen
from .screens.plan import PlanScreen


class PlantrailApp(App[None]):
    """Navigate standards → actions → key actions and record changes, keyboard only."""

    CSS_PATH = "app.tcss"
    TITLE = "plantrail"
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
    ) -> None:
        super().__init__()
        self.service = service
        self.actor = actor
        self.today = today
        self.poll_seconds = poll_seconds
        self.as_at: date | None = None

    def on_mount(self) -> None:
        self.push_screen(PlanScreen())

    def action_help(self) -> None:
        bindings = [*PlanScreen.BINDINGS, *self.BINDINGS]
        self.push_screen(HelpScreen([b for b in bindings if isinstance(b, Binding) and b.show]))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, PlanScreen):
            for binding in PlanScreen.BINDINGS:
                if isinstance(binding, Binding) and binding.show:
                    key = binding.key.replace("slash", "/")
                    yield SystemCommand(
                        binding.description,
                        f"key: {key}",
                        partial(screen.run_action, binding.action),
                    )
        yield SystemCommand("Help", "every key (?)", self.action_help)


def make_app(service: PlanService, actor: str, **options: object) -> PlantrailApp:
    return PlantrailApp(service, actor, **options)  # type: ignore[arg-type]


def run_tui(db: str | None, actor: str) -> int:
    """Open the plan in ``db`` for ``actor``; returns the exit code."""
    service = PlanService.open(db)
    try:
        make_app(service, actor).run()
    finally:
        service.close()
    return 0
