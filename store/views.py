"""What queries return: pydantic models built from the folded view, with derived fields.

Derived values (a key action's interpreted due date, whether it is overdue, an action's next
due date and latest progress) are computed here for the date being viewed, never stored: an
overdue flag is a fact about a date, not about the plan. ``--format json`` output is these
models' JSON, so scripts can rely on the shape (documented in the README).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from ..domain.timescale import Timescale
from ..domain.vocabulary import CLOSED_STATUSES, DONE_STATUSES, StepStatus
from .fold import summarise_action


class StageOut(BaseModel):
    words: str
    due: date


class TimescaleOut(BaseModel):
    """The plan's words for when, and how plantrail read them."""

    words: str
    kind: str
    start: date | None
    due: date | None
    stages: list[StageOut]
    note: str


class RescheduleOut(BaseModel):
    from_words: str
    to_words: str
    reason: str
    effective_on: date
    by: str


class StepOut(BaseModel):
    """A key action as shown: its words, timescale, leads, status and whether it is late."""

    ref: str
    number: int
    text: str
    timescale: TimescaleOut
    leads: list[str]
    status: str
    status_on: date
    overdue: bool
    reschedules: list[RescheduleOut]


class EvidenceOut(BaseModel):
    id: str
    title: str
    location: str
    sha256: str
    size: int | None
    step: int | None
    added_on: date
    added_by: str


class ProgressOut(BaseModel):
    """A progress entry; corrected and withdrawn entries stay, marked as such."""

    id: str
    period: str
    narrative: str
    next_actions: str
    author: str
    effective_on: date
    recorded_at: datetime
    state: str
    corrects: str | None
    corrected_by: str | None
    reason: str


class ActionSummary(BaseModel):
    """An action as the plan overview shows it: everything but its progress and evidence lists."""

    id: str
    ref: str
    standard: int | None
    number: int
    text: str
    sources: list[str]
    key_outcome: str
    expected_evidence: str
    state: str
    state_reason: str
    brag: str | None
    brag_reason: str
    brag_on: date | None
    version: int
    raised_on: date
    updated_at: datetime
    updated_by: str
    steps: list[StepOut]
    steps_done: int
    steps_total: int
    overdue_steps: int
    next_due: date | None
    latest_progress: ProgressOut | None
    progress_count: int
    evidence_count: int
    last_update_by: dict[str, date]


class ActionOut(ActionSummary):
    """An action in full: its progress entries (newest first, corrections kept) and evidence."""

    progress: list[ProgressOut]
    evidence: list[EvidenceOut]


class StandardSummary(BaseModel):
    number: int | None
    title: str
    actions: list[ActionSummary]


class StandardOut(BaseModel):
    number: int | None
    title: str
    actions: list[ActionOut]


class PersonOut(BaseModel):
    name: str
    kind: str
    role: str


class PlanHeader(BaseModel):
    """The plan's header and directory, as it stood on ``viewed_on``."""

    id: str
    title: str
    organisation: str
    owners: list[str]
    plan_date: date
    cadence_days: int
    viewed_on: date
    as_at: date | None
    as_known_at: datetime | None
    events: int
    position: int
    sources: dict[str, str]
    people: list[PersonOut]
    groups: dict[str, list[str]]
    notes: list[str]


class PlanOverview(PlanHeader):
    """The plan for screens and tables: every action summarised (see ``service.action``)."""

    standards: list[StandardSummary]

    def actions(self) -> list[ActionSummary]:
        """Every action, in plan order."""
        return [a for s in self.standards for a in s.actions]

    def find(self, ref: str) -> ActionSummary | None:
        return next((a for a in self.actions() if a.ref == ref), None)


class PlanOut(PlanHeader):
    """The whole plan with every action in full (``show --format json``, reports)."""

    standards: list[StandardOut]

    def actions(self) -> list[ActionOut]:
        """Every action, in plan order."""
        return [a for s in self.standards for a in s.actions]

    def find(self, ref: str) -> ActionOut | None:
        return next((a for a in self.actions() if a.ref == ref), None)


class FieldChange(BaseModel):
    ref: str
    field: str
    before: Any
    after: Any


class AuditRow(BaseModel):
    """One event of the audit trail: who, when (both clocks), what, before and after."""

    seq: int
    recorded_at: datetime
    effective_on: date
    actor: str
    ref: str
    event: str
    summary: str
    changes: list[FieldChange]
    provenance: str = ""


def _header(
    view: dict[str, Any], viewed_on: date, as_at: date | None, as_known_at: datetime | None
) -> dict[str, Any]:
    plan = view["plan"]
    return {
        "id": plan["id"],
        "title": plan["title"],
        "organisation": plan["organisation"],
        "owners": plan["owners"],
        "plan_date": plan["plan_date"],
        "cadence_days": plan["cadence_days"],
        "viewed_on": viewed_on,
        "as_at": as_at,
        "as_known_at": as_known_at,
        "events": view["events"],
        "position": view["position"],
        "sources": plan["sources"],
        "groups": plan["groups"],
        "notes": plan["notes"],
        "people": [PersonOut(name=n, **p) for n, p in plan["people"].items()],
    }


def _standards(plan: dict[str, Any], actions: list[Any]) -> list[dict[str, Any]]:
    actions = sorted(actions, key=lambda a: (a.standard or 0, a.number))
    groups = [
        {"number": int(n), "title": t, "actions": [a for a in actions if a.standard == int(n)]}
        for n, t in sorted(plan["standards"].items(), key=lambda kv: int(kv[0]))
    ]
    loose = [a for a in actions if a.standard is None]
    if loose or not groups:
        groups.insert(0, {"number": None, "title": "", "actions": loose})
    return groups


def build_plan(
    view: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
) -> PlanOut | None:
    """A full :class:`PlanOut` from a folded view (None before the plan existed)."""
    if view["plan"] is None:
        return None
    plan_date = date.fromisoformat(view["plan"]["plan_date"])
    actions = [build_action(a, plan_date, viewed_on) for a in view["actions"].values()]
    standards = [StandardOut(**s) for s in _standards(view["plan"], actions)]
    return PlanOut(**_header(view, viewed_on, as_at, as_known_at), standards=standards)


def build_overview(
    overview: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
) -> PlanOverview | None:
    """A :class:`PlanOverview` from the persisted overview (plan + action summaries)."""
    if overview["plan"] is None:
        return None
    plan_date = date.fromisoformat(overview["plan"]["plan_date"])
    actions = [build_summary(s, plan_date, viewed_on) for s in overview["summaries"].values()]
    standards = [StandardSummary(**s) for s in _standards(overview["plan"], actions)]
    header = _header(overview, viewed_on, as_at, as_known_at)
    return PlanOverview(**header, standards=standards)


def _summary_fields(s: dict[str, Any], plan_date: date, viewed_on: date) -> dict[str, Any]:
    steps = sorted(
        (build_step(s["ref"], step, plan_date, viewed_on) for step in s["steps"].values()),
        key=lambda step: step.number,
    )
    open_dues = [
        step.timescale.due
        for step in steps
        if step.timescale.due and StepStatus(step.status) not in CLOSED_STATUSES
    ]
    fields = {k: s[k] for k in ActionSummary.model_fields if k in s}
    fields.update(
        steps=steps,
        steps_done=sum(StepStatus(step.status) in DONE_STATUSES for step in steps),
        steps_total=sum(step.status != StepStatus.WITHDRAWN for step in steps),
        overdue_steps=sum(step.overdue for step in steps),
        next_due=min(open_dues, default=None),
    )
    return fields


def build_summary(s: dict[str, Any], plan_date: date, viewed_on: date) -> ActionSummary:
    return ActionSummary(**_summary_fields(s, plan_date, viewed_on))


def build_action(a: dict[str, Any], plan_date: date, viewed_on: date) -> ActionOut:
    """A full :class:`ActionOut` from a folded action."""
    fields = _summary_fields(summarise_action(a), plan_date, viewed_on)
    progress = sorted(
        (ProgressOut(**p) for p in a["progress"]),
        key=lambda p: (p.effective_on, p.recorded_at),
        reverse=True,
    )
    return ActionOut(
        **fields, progress=progress, evidence=[EvidenceOut(**e) for e in a["evidence"]]
    )


def build_step(action_ref: str, s: dict[str, Any], plan_date: date, viewed_on: date) -> StepOut:
    timescale = Timescale.read(s["timescale"], plan_date)
    status = StepStatus(s["status"])
    overdue = bool(timescale.due and timescale.due < viewed_on and status not in CLOSED_STATUSES)
    return StepOut(
        ref=f"{action_ref}.{s['number']}",
        number=s["number"],
        text=s["text"],
        timescale=TimescaleOut.model_validate(timescale.as_dict()),
        leads=s["leads"],
        status=s["status"],
        status_on=s["status_on"],
        overdue=overdue,
        reschedules=[
            RescheduleOut(
                from_words=r["from"],
                to_words=r["to"],
                reason=r["reason"],
                effective_on=r["on"],
                by=r["by"],
            )
            for r in s["reschedules"]
        ],
    )
