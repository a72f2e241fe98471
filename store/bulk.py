"""Bulk loading: a whole plan document (an import) or a whole event log (a restore), each in
one transaction into an empty store. Nothing is written unless all of it is sound.

Imported values were validated by the plan document (``domain/document.py``), whose fields are
the same input types the command models use, and reach the aggregates through the same domain
methods as every single change; only the transaction is bigger.
"""

from __future__ import annotations

import uuid

from eventsourcing.persistence import StoredEvent

from ..domain.action import Action
from ..domain.base import provenance, with_provenance
from ..domain.clock import today_in_london
from ..domain.document import ActionDoc, PlanDocument
from ..domain.errors import PlanError
from ..domain.plan import Plan
from ..domain.vocabulary import StepStatus
from .service import PlanService, check_actor, new_action


def import_plan(service: PlanService, doc: PlanDocument, actor: str, source: str) -> int:
    """Record a whole plan document in one transaction; returns the number of events.

    Every event says where it came from (``source``: the file and its SHA-256) and who
    imported it. The items are effective from the plan date; dated progress entries from
    their own dates. Any refusal (an unknown lead, a future date, a duplicate reference)
    leaves the store untouched. Only into an empty store: one plan per database.
    """
    check_actor(actor)
    if service.last_position():
        raise PlanError(
            f"{service.database.describe()} already holds a plan; import into an "
            "empty database (nothing was written)"
        )
    today = today_in_london().isoformat()
    start = doc.plan_date.isoformat()
    with provenance(source):
        plan = Plan(
            title=doc.title,
            organisation=doc.organisation,
            owners=list(doc.owners),
            plan_date=start,
            cadence_days=doc.cadence_days,
            actor=actor,
            effective_on=start,
            **with_provenance(),
        )
        plan.check_effective(start, today, not_before=None, what="the plan")
        for source_doc in doc.sources:
            plan.add_source(source_doc.code, source_doc.text, actor, start, today)
        for standard in doc.standards:
            plan.add_standard(standard.number, standard.title, actor, start, today)
        for person in doc.people:
            plan.add_person(person.name, person.kind, person.role, actor, start, today)
        for group in doc.groups:
            plan.add_group(group.name, list(group.members), actor, start, today)
        for note in doc.notes:
            plan.add_note(note, actor, start, today)
        actions = [_imported_action(plan, item, actor, start, today) for item in doc.actions]
    service.save(plan, *actions)
    return plan.version + sum(a.version for a in actions)


def _imported_action(plan: Plan, item: ActionDoc, actor: str, start: str, today: str) -> Action:
    head, _, tail = item.ref.rpartition(".")
    standard = int(head) if head else None
    plan.check_standard(standard)
    action = new_action(
        plan,
        item.ref,
        standard,
        int(tail),
        item.text,
        list(item.sources),
        item.key_outcome,
        item.expected_evidence,
        actor,
        start,
        today,
    )
    for step in item.steps:
        leads = [plan.lead_named(name) for name in step.leads]
        number = action.add_step(step.text, step.timescale, leads, actor, start, today)
        if step.status is not StepStatus.NOT_STARTED:
            action.change_step_status(number, step.status, "", actor, start, today)
    latest = start
    for entry in sorted(item.progress, key=lambda p: p.effective_on):
        day = entry.effective_on.isoformat()
        action.record_progress(
            uuid.uuid4().hex,
            entry.period,
            entry.narrative,
            entry.next_actions,
            actor,
            day,
            today,
        )
        latest = max(latest, day)
    for evidence in item.evidence:
        action.add_evidence(
            uuid.uuid4().hex,
            evidence.title,
            evidence.location,
            evidence.sha256,
            evidence.size,
            evidence.step,
            actor,
            latest,
            today,
        )
    if item.brag is not None:
        action.rate(item.brag, item.brag_reason, actor, latest, today)
    if item.state == "closed":
        action.close(item.state_reason, actor, latest, today)
    elif item.state == "withdrawn":
        action.withdraw(item.state_reason, actor, latest, today)
    return action


def restore_log(service: PlanService, events: list[StoredEvent], actor: str) -> int:
    """Load a whole event log (a backup) into this empty store, in one transaction.

    The events are stored exactly as they were recorded, original actors and times
    included; ``actor`` is who restored them, for the message. Refused if the store
    already holds events, because two histories cannot be merged without rewriting one.
    """
    check_actor(actor)
    if service.last_position():
        raise PlanError(
            f"{service.database.describe()} already holds events; restore only into an empty "
            "database (nothing was written)"
        )
    service.recorder.insert_events(events)
    return len(events)
