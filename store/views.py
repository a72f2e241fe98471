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


class ActionOut(BaseModel):
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
    progress: list[ProgressOut]
    evidence: list[EvidenceOut]


class StandardOut(BaseModel):
    number: int | None
    title: str
    actions: list[ActionOut]


class PersonOut(BaseModel):
    name: str
    kind: str
    role: str


class PlanOut(BaseModel):
    """The whole plan as it stood on ``viewed_on`` (today, an as-at date, or as known at)."""

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


def build_plan(
    view: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
) -> PlanOut | None:
    """Turn a folded view into a :class:`PlanOut` for ``viewed_on`` (None before the plan)."""
    plan = view["plan"]
    if plan is None:
        return None
    plan_date = date.fromisoformat(plan["plan_date"])
    actions = sorted(
        (build_action(a, plan_date, viewed_on) for a in view["actions"].values()),
        key=lambda a: (a.standard or 0, a.number),
    )
    standards = [
        StandardOut(number=int(n), title=t, actions=[a for a in actions if a.standard == int(n)])
        for n, t in sorted(plan["standards"].items(), key=lambda kv: int(kv[0]))
    ]
    loose = [a for a in actions if a.standard is None]
    if loose or not standards:
        standards.insert(0, StandardOut(number=None, title="", actions=loose))
    return PlanOut(
        id=plan["id"],
        title=plan["title"],
        organisation=plan["organisation"],
        owners=plan["owners"],
        plan_date=plan_date,
        cadence_days=plan["cadence_days"],
        viewed_on=viewed_on,
        as_at=as_at,
        as_known_at=as_known_at,
        events=view["events"],
        position=view["position"],
        sources=plan["sources"],
        people=[PersonOut(name=n, **p) for n, p in plan["people"].items()],
        groups=plan["groups"],
        notes=plan["notes"],
        standards=standards,
    )


def build_action(a: dict[str, Any], plan_date: date, viewed_on: date) -> ActionOut:
    steps = [build_step(a["ref"], s, plan_date, viewed_on) for s in a["steps"].values()]
    steps.sort(key=lambda s: s.number)
    progress = [ProgressOut(**p) for p in a["progress"]]
    progress.sort(key=lambda p: (p.effective_on, p.recorded_at), reverse=True)
    current = [p for p in progress if p.state == "current"]
    open_dues = [
        s.timescale.due
        for s in steps
        if s.timescale.due and StepStatus(s.status) not in CLOSED_STATUSES
    ]
    fields = {k: a[k] for k in ActionOut.model_fields if k in a}
    return ActionOut(
        **{
            **fields,
            "steps": steps,
            "progress": progress,
            "evidence": [EvidenceOut(**e) for e in a["evidence"]],
        },
        steps_done=sum(StepStatus(s.status) in DONE_STATUSES for s in steps),
        steps_total=sum(s.status != StepStatus.WITHDRAWN for s in steps),
        overdue_steps=sum(s.overdue for s in steps),
        next_due=min(open_dues, default=None),
        latest_progress=current[0] if current else None,
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
