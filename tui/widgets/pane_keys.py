"""Keys shown in the footer for the focused pane, and why a change key sometimes cannot act.

Every change key is bound on the plan screen itself (hidden from the footer), so pressing it
always does something: opens its form, or says why it cannot (read only "as at" a date, a
standard highlighted rather than an action, nothing left visible by a filter). The tree and
the key-actions table also bind the keys that make sense in them, shown in the footer; each
pane hides its keys when they cannot act, so the footer lists only keys that work there
(``n``, new, works with a standard highlighted too, but not on a read-only plan; on a closed or
withdrawn action only ``c``, ``w`` and ``n`` work until it is reopened).
"""

from __future__ import annotations

from typing import Protocol

from textual.binding import Binding


class ChangeTarget(Protocol):
    """What a pane asks the screen before showing a change key."""

    @property
    def can_change(self) -> bool:
        """Whether the highlighted row is an action that can be changed now."""
        ...

    @property
    def read_only(self) -> bool:
        """Whether nothing can be changed (the plan as at a date, or a viewer)."""
        ...

    def can_make(self, name: str) -> bool:
        """Whether change ``name`` can act on the highlighted row now (an open action for
        progress, a rating, evidence and key action changes)."""
        ...

    def run_change(self, name: str) -> None:
        """Open the form for change ``name`` (the screen action of that name)."""
        ...


#: (key, screen action, footer label, what the help screen says).
ACTION_KEYS = [
    ("u", "record_progress", "Progress", "record progress on the action (BRAG optional)"),
    ("b", "rate", "BRAG", "set the action's BRAG rating (Red and Amber need a reason)"),
    ("e", "add_evidence", "Evidence", "add evidence (a file's SHA-256 and size are recorded)"),
    ("c", "correct", "Correct", "correct a progress entry (the original stays, marked)"),
    ("w", "state", "Close/reopen", "close, withdraw or reopen the action; withdraw an entry"),
]
#: Changes to the highlighted key action (its status, timescale and leads).
STEP_KEYS = [
    ("s", "change_status", "Status", "change a key action's status"),
    ("r", "reschedule", "Reschedule", "give a key action a new timescale, with a reason"),
    ("l", "assign_leads", "Leads", "assign a key action's lead(s)"),
]
#: A key that needs no action highlighted (a new action goes under a standard), only a plan
#: that can be changed: hidden with the others when the plan is read only.
PLAN_KEYS = [
    ("n", "new", "New", "new action or key action; reword an action or a key action"),
]
Keys = list[tuple[str, str, str, str]]


def pane_bindings(keys: Keys) -> list[Binding]:
    """Footer bindings for a pane; ``do('name')`` runs the screen's action ``name``."""
    return [Binding(key, f"do('{name}')", label) for key, name, label, _ in keys]


def screen_bindings(keys: Keys) -> list[Binding]:
    """The same keys on the screen, hidden: they run whatever pane has focus."""
    return [Binding(key, name, label, show=False) for key, name, label, _ in keys]


def help_bindings(keys: Keys) -> list[Binding]:
    """The same keys described in full, for the help screen."""
    return [Binding(key, name, long) for key, name, _, long in keys]


class PaneKeysMixin:
    """For a pane widget: ``do`` forwards to the screen; keys are shown only when they work."""

    @property
    def _target(self) -> ChangeTarget:
        return self.screen  # type: ignore[attr-defined]

    def action_do(self, name: str) -> None:
        self._target.run_change(name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "do":
            if parameters and parameters[0] in _PLAN_ACTIONS:
                return not self._target.read_only
            if parameters:
                return self._target.can_make(str(parameters[0]))
            return self._target.can_change
        return True


_PLAN_ACTIONS = {name for _, name, _, _ in PLAN_KEYS}
