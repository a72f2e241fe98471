"""Which actions a screen shows: a text search and the quick filters people ask for.

The rules live here, not in the screen, so the TUI, the command line and reports can agree on
what "overdue", "due soon" and "mine" mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..domain.vocabulary import CLOSED_STATUSES, StepStatus
from .dashboard import led_by
from .views import ActionSummary, PlanOverview

#: Quick filters: (key, what the menu and the status bar call it).
QUICK_FILTERS = [
    ("all", "All actions"),
    ("overdue", "Overdue key actions"),
    ("soon", "Key actions due in the next 30 days"),
    ("mine", "My actions (I or my group lead)"),
    ("red", "BRAG: Red"),
    ("amber", "BRAG: Amber"),
    ("green", "BRAG: Green"),
    ("blue", "BRAG: Blue"),
    ("grey", "BRAG: Grey"),
    ("unrated", "Not yet rated"),
]
QUICK_LABELS = dict(QUICK_FILTERS)
SOON_DAYS = 30


@dataclass(frozen=True)
class ActionFilter:
    """Text to look for (in the action, its key actions and their leads) and a quick filter."""

    text: str = ""
    quick: str = "all"

    @property
    def active(self) -> bool:
        return bool(self.text) or self.quick != "all"

    def describe(self) -> str:
        """For a status bar: "overdue key actions; text 'audit'", or "none"."""
        parts = [] if self.quick == "all" else [QUICK_LABELS[self.quick].lower()]
        if self.text:
            parts.append(f"text '{self.text}'")
        return "; ".join(parts) or "none"

    def keeper(self, plan: PlanOverview, person: str) -> Keeper:
        """A predicate over the plan's actions, for ``person`` (whose actions are "mine")."""
        return Keeper(self, plan, person)


class Keeper:
    """``keeper(action)`` says whether the filter keeps ``action``; built once per plan."""

    def __init__(self, wanted: ActionFilter, plan: PlanOverview, person: str) -> None:
        self.text = wanted.text.casefold()
        self.quick = wanted.quick
        self.mine = led_by(plan, person) if wanted.quick == "mine" else set()
        self.until = plan.viewed_on + timedelta(days=SOON_DAYS)
        self.viewed_on = plan.viewed_on

    def __call__(self, action: ActionSummary) -> bool:
        return self._matches_text(action) and self._matches_quick(action)

    def _matches_text(self, action: ActionSummary) -> bool:
        if not self.text:
            return True
        if self.text in f"{action.ref} {action.text}".casefold():
            return True
        return any(
            self.text in step.text.casefold()
            or any(self.text in lead.casefold() for lead in step.leads)
            for step in action.steps
        )

    def _matches_quick(self, action: ActionSummary) -> bool:
        quick = self.quick
        if quick == "all":
            return True
        if quick == "overdue":
            return action.overdue_steps > 0
        if quick == "soon":
            return action.state == "open" and any(
                s.timescale.due is not None
                and not s.overdue
                and self.viewed_on <= s.timescale.due <= self.until
                and StepStatus(s.status) not in CLOSED_STATUSES
                for s in action.steps
            )
        if quick == "mine":
            return action.ref in self.mine
        if quick == "unrated":
            return action.brag is None
        return action.brag == quick
