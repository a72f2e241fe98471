"""Bulk loading: a whole plan document (an import) or a whole event log (a restore), each in
one transaction into an empty store. Nothing is written unless all of it is sound.

Every piece of an imported document goes through the command model the command line uses for
that change, then through the same domain method; only the transaction is bigger. A restore
is different by nature: it copies stored events verbatim (they were validated when first
recorded, and rewriting them would change the record).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from eventsourcing.persistence import StoredEvent

from ..domain import commands as c
from ..domain.action import Action
from ..domain.base import provenance, with_provenance
from ..domain.clock import today_in_london
from ..domain.document import ActionDoc, PlanDocument
from ..domain.errors import FieldProblem, InvalidInput, PlanError
from ..domain.plan import Plan
from ..domain.vocabulary import StepStatus
from .service import PlanService, check_actor, new_action

C = TypeVar("C", bound=c.Command)


def import_plan(
    service: PlanService,
    doc: PlanDocument,
    actor: str,
    source: str,
    origins: Mapping[str, str] | None = None,
) -> int:
    """Record a whole plan document in one transaction; returns the number of events.

    Every piece goes through the same command model the command line uses (so the same
    rules apply, and a refusal names the item), then the same domain method. Every event
    says where it came from (``source``: the file and its SHA-256) and who imported it. The
    items are effective from the plan date; dated progress entries from their own dates. Any
    refusal (an unknown lead, a future date, a duplicate reference) leaves the store untouched
    and names where the item is in the file (``origins``: action ref → "file, table, row").
    Only into an empty store: one plan per database.
    """
    try:
        return _import_plan(service, doc, actor, source, origins or {})
    except InvalidInput as exc:
        raise PlanError(
            "; ".join(
                f"{p.field}: {p.message}" + ("" if p.given is None else f" (given: {p.given!r})")
                for p in exc.problems
            )
            + " (nothing was written)"
        ) from None


def rehearse_import(doc: PlanDocument, actor: str, source: str, origins: Mapping[str, str]) -> Any:
    """The real import, into a throwaway SQLite file, and the plan it stored: a dry run that
    passes means the import passes, and what it shows is what the import writes."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="plantrail-dry-run-") as folder:
        rehearsal = PlanService.open(str(Path(folder) / "rehearsal.db"))
        try:
            import_plan(rehearsal, doc, actor, source, origins)
            return rehearsal.current()
        finally:
            rehearsal.close()


def _import_plan(
    service: PlanService, doc: PlanDocument, actor: str, source: str, origins: Mapping[str, str]
) -> int:
    check_actor(actor)
    if service.last_position():
        raise PlanError(
            f"{service.database.describe()} already holds a plan; import into an "
            "empty database (nothing was written)"
        )
    today = today_in_london().isoformat()
    on = {"effective_on": doc.plan_date}
    start = doc.plan_date.isoformat()
    header = _command(
        c.CreatePlan,
        "the plan",
        title=doc.title,
        organisation=doc.organisation,
        owners=list(doc.owners),
        plan_date=doc.plan_date,
        cadence_days=doc.cadence_days,
        **on,
    )
    with provenance(source):
        plan = Plan(
            title=header.title,
            organisation=header.organisation,
            owners=list(header.owners),
            plan_date=start,
            cadence_days=header.cadence_days,
            actor=actor,
            effective_on=start,
            **with_provenance(),
        )
        plan.check_effective(start, today, not_before=None, what="the plan")
        for source_doc in doc.sources:
            where = f"source {source_doc.code}"
            source_cmd = _command(c.AddSource, where, **source_doc.model_dump(), **on)
            plan.add_source(source_cmd.code, source_cmd.text, actor, start, today)
        for standard_doc in doc.standards:
            where = f"standard {standard_doc.number}"
            standard = _command(c.AddStandard, where, **standard_doc.model_dump(), **on)
            plan.add_standard(standard.number, standard.title, actor, start, today)
        for person_doc in doc.people:
            where = f"person {person_doc.name}"
            person = _command(c.AddPerson, where, **person_doc.model_dump(), **on)
            plan.add_person(person.name, person.kind, person.role, actor, start, today)
        for group_doc in doc.groups:
            group = _command(c.AddGroup, f"group {group_doc.name}", **group_doc.model_dump(), **on)
            plan.add_group(group.name, list(group.members), actor, start, today)
        for text in doc.notes:
            note = _command(c.AddNote, "a note", text=text, **on)
            plan.add_note(note.text, actor, start, today)
        actions = [
            _located(origins, item, lambda i: _imported_action(plan, i, actor, start, today))
            for item in doc.actions
        ]
    service.save(plan, *actions)
    return plan.version + sum(a.version for a in actions)


def _located(
    origins: Mapping[str, str], item: ActionDoc, make: Callable[[ActionDoc], Action]
) -> Action:
    """``make(item)``; a refusal says where in the file the action came from."""
    ref = item.ref
    try:
        return make(item)
    except InvalidInput as exc:
        place = origins.get(ref, f"action {ref}")
        raise InvalidInput(
            [
                FieldProblem(
                    p.field if p.field.startswith(place) else f"{place}: {p.field}",
                    p.message,
                    p.given,
                )
                for p in exc.problems
            ]
        ) from None
    except PlanError as exc:
        raise PlanError(f"{origins.get(ref, f'action {ref}')}: {exc}") from None


def _command(model: type[C], where: str, **data: Any) -> C:
    """``model`` validated from ``data``; a refusal says which item of the document it is."""
    try:
        return c.validate(model, **data)
    except InvalidInput as exc:
        raise InvalidInput(
            [FieldProblem(f"{where}: {p.field}", p.message, p.given) for p in exc.problems]
        ) from None


def _imported_action(plan: Plan, item: ActionDoc, actor: str, start: str, today: str) -> Action:
    on = {"effective_on": date.fromisoformat(start)}
    raised = _command(
        c.RaiseAction,
        f"action {item.ref}",
        ref=item.ref,
        text=item.text,
        sources=list(item.sources),
        key_outcome=item.key_outcome,
        expected_evidence=item.expected_evidence,
        **on,
    )
    action = new_action(plan, raised, actor, start, today)
    ref = action.ref
    for n, step in enumerate(item.steps, start=1):
        where = f"key action {ref}.{n}"
        added = _command(
            c.AddStep, where, ref=ref, text=step.text, timescale=step.timescale,
            leads=list(step.leads), **on,
        )  # fmt: skip
        leads = [plan.lead_named(name) for name in added.leads]
        number = action.add_step(added.text, added.timescale, leads, actor, start, today)
        if step.status is not StepStatus.NOT_STARTED:
            status = _command(
                c.ChangeStepStatus, where, step=f"{ref}.{number}", status=step.status, **on
            )
            action.change_step_status(number, status.status, "", actor, start, today)
    latest = start
    for entry in sorted(item.progress, key=lambda p: p.effective_on):
        recorded = _command(
            c.RecordProgress,
            f"progress on {ref} ({entry.effective_on})",
            ref=ref,
            period=entry.period,
            narrative=entry.narrative,
            next_actions=entry.next_actions,
            effective_on=entry.effective_on,
        )
        day = entry.effective_on.isoformat()
        action.record_progress(
            uuid.uuid4().hex,
            recorded.period,
            recorded.narrative,
            recorded.next_actions,
            actor,
            day,
            today,
        )
        latest = max(latest, day)
    for evidence in item.evidence:
        added_evidence = _command(
            c.AddEvidence, f"evidence on {ref}", ref=ref, **evidence.model_dump()
        )
        action.add_evidence(
            uuid.uuid4().hex,
            added_evidence.title,
            added_evidence.location,
            added_evidence.sha256,
            added_evidence.size,
            added_evidence.step,
            actor,
            latest,
            today,
        )
    if item.brag is not None:
        rating = _command(
            c.RateAction, f"the BRAG rating of {ref}", ref=ref, rating=item.brag,
            reason=item.brag_reason,
        )  # fmt: skip
        action.rate(rating.rating, rating.reason, actor, latest, today)
    if item.state != "open":
        state = _command(c.ChangeActionState, f"action {ref}", ref=ref, reason=item.state_reason)
        if item.state == "closed":
            action.close(state.reason, actor, latest, today)
        else:
            action.withdraw(state.reason, actor, latest, today)
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
    service.refresh_statistics()
    built = service.current_from_prefixes()  # stored now, so no first reader must build it
    if built is not None:
        service.projection.store(built)
    return len(events)
