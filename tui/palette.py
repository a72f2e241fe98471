"""The command palette's plan commands: "Go to 2.3 …" for every action, each quick filter, and
each screen, found by typing part of the name (Ctrl+P)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..store.filters import QUICK_FILTERS, ActionFilter
from .format import plain_line


class PlanCommands(Provider):
    """Commands that need the plan screen: go to an action, filter, open a screen."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from .screens.plan import PlanScreen

        screen = self.screen
        if not isinstance(screen, PlanScreen):
            return []
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Open: history", "the audit trail of the highlighted row (h)", screen.action_history),
            ("Open: dashboard", "overdue, due soon, not updated (d)", screen.action_dashboard),
            ("Open: my key actions", "what I lead, by due date (m)", screen.action_my_key_actions),
            ("Open: export", "reports, audit trail, tracker (x)", screen.action_export),
            (
                "Show the plan as at a date, or as recorded by a time",
                "read only (a)",
                screen.action_as_at,
            ),
        ]
        for key, label in QUICK_FILTERS:
            commands.append(
                (
                    f"Filter: {label}",
                    "quick filter (f)",
                    partial(screen.set_filter, ActionFilter(screen.wanted.text, key)),
                )
            )
        if screen.plan is not None:
            for action in screen.plan.actions():
                commands.append(
                    (
                        f"Go to {action.ref} {plain_line(action.text)[:50]}",
                        "show this action",
                        partial(screen.go_to, action.ref),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands()[:12]:
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
