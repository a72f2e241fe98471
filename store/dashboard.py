"""What the plan owner asks first, computed from the overview: counts by BRAG and status per
standard, overdue key actions, what is due soon, who has not updated within the plan's cadence,
and how many key actions were done by each month's end. Also "my actions": those a person leads
directly or through a group. Pure functions over :class:`~.views.PlanOverview`, so the TUI and
reports show the same figures.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.vocabulary import DONE_STATUSES, Brag, StepStatus
from .views import ActionSummary, PlanOverview, StandardSummary, StepOut

UNRATED = "unrated"


@dataclass(frozen=True)
class StandardCounts:
    """One standard's figures: actions by BRAG, key actions by status, done, open, overdue."""

    number: int | None
    title: str
    brag: dict[str, int]
    status: dict[str, int]
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class DueStep:
    ref: str
    text: str
    due: date
    leads: list[str]
    status: str


@dataclass(frozen=True)
class StaleLead:
    """A lead with open key actions and no progress entry within the plan's cadence."""

    name: str
    last_update: date | None
    days_since: int | None
    first_ref: str  # the first key action they lead that is still open: where to look


@dataclass(frozen=True)
class MyStep:
    """A key action someone leads (directly or through a group), for "my key actions"."""

    ref: str
    action_ref: str
    text: str
    due: date | None
    timescale: str
    status: str
    overdue: bool
    leads: list[str]
    brag: str | None


@dataclass(frozen=True)
class Dashboard:
    viewed_on: date
    cadence_days: int
    standards: list[StandardCounts]
    overdue: list[DueStep]
    due_soon: list[DueStep]
    stale_leads: list[StaleLead]
    done_by_month: list[tuple[str, int]]


def _open_steps(action: ActionSummary) -> list[StepOut]:
    if action.state != "open":
        return []
    return [s for s in action.steps if s.status != StepStatus.WITHDRAWN]


def build_dashboard(plan: PlanOverview, soon_days: int = 30) -> Dashboard:
    """Every dashboard figure for the date the plan is viewed on."""
    today = plan.viewed_on
    standards = [_counts(s) for s in plan.standards]
    overdue, soon = [], []
    for action in plan.actions():
        for step in _open_steps(action):
            due = step.timescale.due
            if due is None or StepStatus(step.status) in DONE_STATUSES:
                continue
            item = DueStep(step.ref, step.text, due, step.leads, step.status)
            if step.overdue:
                overdue.append(item)
            elif due <= today + timedelta(days=soon_days):
                soon.append(item)
    return Dashboard(
        viewed_on=today,
        cadence_days=plan.cadence_days,
        standards=standards,
        overdue=sorted(overdue, key=lambda d: d.due),
        due_soon=sorted(soon, key=lambda d: d.due),
        stale_leads=stale_leads(plan),
        done_by_month=done_by_month(plan),
    )


def _counts(standard: StandardSummary) -> StandardCounts:
    steps = [step for a in standard.actions for step in a.steps]
    statuses = [StepStatus(step.status) for step in steps]
    done = sum(status in DONE_STATUSES for status in statuses)
    return StandardCounts(
        number=standard.number,
        title=standard.title,
        brag=dict(Counter(a.brag or UNRATED for a in standard.actions)),
        status=dict(Counter(step.status for step in steps)),
        done=done,
        open=len(steps) - done - statuses.count(StepStatus.WITHDRAWN),
        overdue=sum(a.overdue_steps for a in standard.actions),
    )


def stale_leads(plan: PlanOverview) -> list[StaleLead]:
    """Leads of open key actions whose last progress entry is older than the plan's cadence.

    A group's last update is its most recent member's; a role counts by its own name.
    """
    last: dict[str, date] = {}
    for action in plan.actions():
        for author, day in action.last_update_by.items():
            last[author] = max(last.get(author, day), day)
    first_step: dict[str, str] = {}
    for a in plan.actions():
        for s in _open_steps(a):
            if StepStatus(s.status) not in DONE_STATUSES:
                for lead in s.leads:
                    first_step.setdefault(lead, s.ref)
    stale = []
    for lead in sorted(first_step):
        members = plan.groups.get(lead, [lead])
        days = [last[m] for m in members if m in last]
        latest = max(days, default=None)
        since = (plan.viewed_on - latest).days if latest else None
        if since is None or since > plan.cadence_days:
            stale.append(StaleLead(lead, latest, since, first_step[lead]))
    return sorted(stale, key=lambda s: (s.last_update or date.min, s.name))


def done_by_month(plan: PlanOverview) -> list[tuple[str, int]]:
    """Cumulative key actions done by each month's end, from the plan date to the viewed date."""
    done_on = sorted(
        step.status_on
        for a in plan.actions()
        for step in a.steps
        if StepStatus(step.status) in DONE_STATUSES
    )
    months = []
    year, month = plan.plan_date.year, plan.plan_date.month
    while (year, month) <= (plan.viewed_on.year, plan.viewed_on.month):
        end = date(year, month, calendar.monthrange(year, month)[1])
        months.append(
            (f"{calendar.month_abbr[month]} {year % 100:02d}", sum(d <= end for d in done_on))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _names_for(plan: PlanOverview, person: str) -> set[str]:
    """``person`` and every group they belong to, case-folded: the leads that mean them."""
    wanted = person.casefold()
    return {
        n.casefold()
        for n, members in plan.groups.items()
        if any(m.casefold() == wanted for m in members)
    } | {wanted}


def led_by(plan: PlanOverview, person: str) -> set[str]:
    """References of actions with a key action led by ``person`` or a group they belong to."""
    names = _names_for(plan, person)
    return {
        a.ref
        for a in plan.actions()
        if any(lead.casefold() in names for s in a.steps for lead in s.leads)
    }


def my_key_actions(plan: PlanOverview, person: str) -> list[MyStep]:
    """Key actions ``person`` leads (or a group of theirs leads) on open actions, soonest due
    first, undated ones last; done and withdrawn key actions are left out."""
    names = _names_for(plan, person)
    mine = [
        MyStep(
            ref=s.ref,
            action_ref=a.ref,
            text=s.text,
            due=s.timescale.due,
            timescale=s.timescale.words,
            status=s.status,
            overdue=s.overdue,
            leads=s.leads,
            brag=a.brag,
        )
        for a in plan.actions()
        for s in _open_steps(a)
        if StepStatus(s.status) not in DONE_STATUSES
        and any(lead.casefold() in names for lead in s.leads)
    ]
    return sorted(mine, key=lambda m: (m.due is None, m.due or date.max, m.ref))


BRAG_ORDER = [b.value for b in Brag] + [UNRATED]
