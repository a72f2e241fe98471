"""Every change a person can make, bound by type to the service method that stores it.

A :class:`Change` pairs a command model with the :class:`~.service.PlanService` method that
takes it, so callers (the TUI's forms, the command line, importers) never name a method by a
string, and mypy checks that each command goes with its method: ``Change(c.RateAction,
PlanService.record_progress)`` does not type-check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..domain import commands as c
from .service import PlanService

C = TypeVar("C", bound=c.Command)
R = TypeVar("R")


@dataclass(frozen=True)
class Change(Generic[C, R]):
    """A command model, the service method that stores it, and what to call it in messages."""

    model: type[C]
    run: Callable[[PlanService, C, str], R]
    label: str

    def __call__(self, service: PlanService, command: C, actor: str) -> R:
        """Store ``command`` through ``service`` as ``actor``; returns the method's result."""
        return self.run(service, command, actor)


CREATE_PLAN = Change(c.CreatePlan, PlanService.create_plan, "created the plan")
ADD_SOURCE = Change(c.AddSource, PlanService.add_source, "added a source")
ADD_STANDARD = Change(c.AddStandard, PlanService.add_standard, "added a standard")
ADD_PERSON = Change(c.AddPerson, PlanService.add_person, "added to the directory")
ADD_GROUP = Change(c.AddGroup, PlanService.add_group, "added a group")
ADD_NOTE = Change(c.AddNote, PlanService.add_note, "added a note")
RAISE_ACTION = Change(c.RaiseAction, PlanService.raise_action, "raised action")
REWORD_ACTION = Change(c.RewordAction, PlanService.reword_action, "reworded the action")
ADD_STEP = Change(c.AddStep, PlanService.add_step, "added key action")
REWORD_STEP = Change(c.RewordStep, PlanService.reword_step, "reworded the key action")
RESCHEDULE_STEP = Change(c.RescheduleStep, PlanService.reschedule_step, "rescheduled")
ASSIGN_LEADS = Change(c.AssignLeads, PlanService.assign_leads, "assigned the leads")
CHANGE_STEP_STATUS = Change(
    c.ChangeStepStatus, PlanService.change_step_status, "changed the status"
)
RATE_ACTION = Change(c.RateAction, PlanService.rate_action, "rated the action")
ADD_EVIDENCE = Change(c.AddEvidence, PlanService.add_evidence, "added evidence")
WITHDRAW_EVIDENCE = Change(
    c.WithdrawEvidence, PlanService.withdraw_evidence, "withdrew an evidence item"
)
RECORD_PROGRESS = Change(c.RecordProgress, PlanService.record_progress, "recorded progress")
CORRECT_PROGRESS = Change(
    c.CorrectProgress, PlanService.correct_progress, "corrected a progress entry"
)
WITHDRAW_PROGRESS = Change(
    c.WithdrawProgress, PlanService.withdraw_progress, "withdrew a progress entry"
)
CLOSE_ACTION = Change(c.ChangeActionState, PlanService.close_action, "closed the action")
WITHDRAW_ACTION = Change(c.ChangeActionState, PlanService.withdraw_action, "withdrew the action")
REOPEN_ACTION = Change(c.ChangeActionState, PlanService.reopen_action, "reopened the action")
GRANT_ACCESS = Change(c.GrantAccess, PlanService.grant_access, "granted access")
REVOKE_ACCESS = Change(c.RevokeAccess, PlanService.revoke_access, "revoked access")


def describe(change: Change[C, R], result: R) -> str:
    """A short toast: "Saved: recorded progress (entry 3f9c2a1b)", "Saved: added evidence
    (9607d30f)": an id as people type it, named "entry" only when it is a progress entry's."""
    detail = ""
    if isinstance(result, str) and result:
        short = result[:8] if len(result) == 32 else result
        entry = change.model in (c.RecordProgress, c.CorrectProgress, c.WithdrawProgress)
        detail = f" ({'entry ' if entry and short != result else ''}{short})"
    return f"Saved: {change.label}{detail}"
