"""plantrail's own plan format: one pydantic model for a whole plan (header, directory,
sources, standards, actions, key actions, statuses, BRAG, evidence and dated progress).

It is the input of ``plantrail import plan`` for YAML and JSON files, and what the Word,
Excel and CSV importers produce before anything is stored; ``plantrail schema`` prints its JSON
Schema. Importing it is one transaction: all of it or none of it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from . import inputs as i
from .vocabulary import StepStatus


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class PersonDoc(Strict):
    name: i.Name
    kind: Literal["person", "role"] = "person"
    role: i.OptionalLine = ""


class GroupDoc(Strict):
    name: i.Name
    members: list[i.Name] = Field(min_length=1)


class SourceDoc(Strict):
    code: i.Code
    text: i.Line


class StandardDoc(Strict):
    number: i.StandardNumber
    title: i.Line


class StepDoc(Strict):
    text: i.Prose
    timescale: i.OptionalLine = ""
    leads: list[i.Name] = []
    status: i.StatusValue = StepStatus.NOT_STARTED


class ProgressDoc(Strict):
    period: i.Line
    narrative: i.Prose
    next_actions: i.OptionalProse = ""
    effective_on: date


class EvidenceDoc(Strict):
    title: i.Line
    location: i.OptionalLine = ""
    sha256: i.Sha256 = ""
    size: int | None = Field(default=None, ge=0)
    step: int | None = Field(default=None, ge=1)


class ActionDoc(Strict):
    ref: i.ActionRef
    text: i.Prose
    sources: list[i.Code] = []
    key_outcome: i.OptionalProse = ""
    expected_evidence: i.OptionalProse = ""
    steps: list[StepDoc] = []
    brag: i.BragValue | None = None
    brag_reason: i.OptionalProse = ""
    state: Literal["open", "closed", "withdrawn"] = "open"
    state_reason: i.OptionalProse = ""
    progress: list[ProgressDoc] = []
    evidence: list[EvidenceDoc] = []


class PlanDocument(Strict):
    """A whole plan in plantrail's own format (schema version 1)."""

    plantrail_plan: Literal[1] = Field(default=1, description="schema version")
    title: i.Line
    organisation: i.Line
    owners: list[i.Name] = Field(min_length=1)
    plan_date: date
    cadence_days: i.Cadence = 28
    sources: list[SourceDoc] = []
    standards: list[StandardDoc] = []
    people: list[PersonDoc] = []
    groups: list[GroupDoc] = []
    notes: list[i.Prose] = []
    actions: list[ActionDoc] = []
