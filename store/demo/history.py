"""Lays down the demo plan's history (``plan.py``) through the application service.

The plan is laid out relative to today, so it always looks live: the plan date is about six
months ago, some key actions are overdue, some due soon. Every change goes through the same
typed changes as the command line, with the recording clock moved through those six months
so that "as known at" has something to show: progress written late and back-dated, a
rescheduled key action, a reassigned lead, a Red rating with its reason, a corrected entry, a
withdrawn one, a closed action.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ...domain import commands as c
from ...domain.clock import LONDON, clock_set_to, now
from .. import changes
from ..service import PlanService
from . import plan as demo
from .plan import Entry, Happened, When


class _Clock:
    """Moves the recording clock forward through the demo's months, never past now."""

    def __init__(self) -> None:
        self.real_now = now()
        self.moment = self.real_now - timedelta(days=400)

    def at(self, day: date, hour: int = 10) -> None:
        wanted = datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)
        latest = self.real_now - timedelta(minutes=5)
        self.moment = max(self.moment + timedelta(seconds=1), min(wanted, latest))

    def __call__(self) -> datetime:
        self.moment += timedelta(milliseconds=7)
        return self.moment


class _Months:
    """Month 0 is six months before today's month; templates in ``plan.py`` name them."""

    def __init__(self, today: date) -> None:
        self.first = [_month(today, k - 6) for k in range(10)]
        self.plan_date = self.first[0].replace(day=12)
        self.names: dict[str, Any] = {
            "before": _month(self.first[0], -1),
            "visit": self.first[0] - timedelta(days=40),
        }
        for k, first in enumerate(self.first):
            end = _end(first)
            self.names[f"m{k}"] = first
            self.names[f"e{k}"] = end
            self.names[f"o{k}"] = _ordinal(end.day)
            self.names[f"q{k}"] = f"Q{(first.month - 1) // 3 + 1} {first.year}"
            self.names[f"short{k}"] = f"{first:%b}".replace("Sep", "Sept")

    def day(self, when: When) -> date:
        first = self.first[when.month]
        return (first.replace(day=when.day) if when.day else _end(first)) + timedelta(
            days=when.late
        )

    def words(self, value: Any) -> Any:
        """``value`` with its month templates filled in."""
        if isinstance(value, str):
            return value.format(**self.names)
        if isinstance(value, list):
            return [self.words(v) for v in value]
        return value


def load_demo(service: PlanService) -> None:
    """Record the demo plan into an empty store through ``service``."""
    clock = _Clock()
    months = _Months(clock.real_now.astimezone(LONDON).date())
    with clock_set_to(clock):
        _lay_out_the_plan(service, clock, months)
        entries: dict[str, str] = {}
        for happened in demo.TIMELINE:
            _happen(service, clock, months, happened, entries)


def _lay_out_the_plan(service: PlanService, clock: _Clock, months: _Months) -> None:
    start = {"effective_on": months.plan_date}

    def do(change: changes.Change[Any, Any], actor: str, **data: Any) -> Any:
        return change(service, c.validate(change.model, **data, **start), actor)

    clock.at(months.plan_date, 9)
    do(
        changes.CREATE_PLAN,
        demo.OWNER,
        title=demo.TITLE,
        organisation=demo.ORGANISATION,
        owners=[demo.OWNER, demo.HEAD],
        plan_date=months.plan_date,
        cadence_days=28,
    )
    for code, text in demo.SOURCES:
        do(changes.ADD_SOURCE, demo.OWNER, code=code, text=months.words(text))
    for number, title in enumerate(demo.STANDARDS, 1):
        do(changes.ADD_STANDARD, demo.OWNER, number=number, title=title)
    for name, role in demo.PEOPLE:
        do(changes.ADD_PERSON, demo.OWNER, name=name, role=role)
    for name, role in demo.ROLES:
        do(changes.ADD_PERSON, demo.OWNER, name=name, kind="role", role=role)
    for name, members in demo.GROUPS:
        do(changes.ADD_GROUP, demo.OWNER, name=name, members=members)
    for note in demo.NOTES:
        do(changes.ADD_NOTE, demo.OWNER, text=note)
    clock.at(months.plan_date, 11)
    for action in demo.ACTIONS:
        ref = do(
            changes.RAISE_ACTION,
            demo.HEAD,
            standard=action.standard,
            text=action.text,
            sources=action.sources,
            key_outcome=action.outcome,
            expected_evidence=action.evidence,
        )
        for text, timescale, leads in action.key_actions:
            do(
                changes.ADD_STEP,
                demo.HEAD,
                ref=ref,
                text=text,
                timescale=months.words(timescale),
                leads=leads,
            )


def _happen(
    service: PlanService,
    clock: _Clock,
    months: _Months,
    happened: Happened,
    entries: dict[str, str],
) -> None:
    clock.at(months.day(happened.recorded), happened.hour)
    data = {
        key: entries[value.name] if isinstance(value, Entry) else months.words(value)
        for key, value in happened.data.items()
    }
    if happened.period_of is not None:
        first = months.first[happened.period_of]
        data["period"] = f"{calendar.month_name[first.month]} {first.year}"
    command = c.validate(happened.change.model, effective_on=months.day(happened.effective), **data)
    result = happened.change(service, command, happened.actor)
    if happened.name:
        entries[happened.name] = str(result)


def _month(start: date, k: int) -> date:
    """The first day of the month ``k`` months after ``start``'s month."""
    index = start.year * 12 + start.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
