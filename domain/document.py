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

from .inputs import (
    ActionRef,
    BragValue,
    Cadence,
    Code,
    Line,
    Name,
    OptionalLine,
    OptionalProse,
    Prose,
    Sha256,
    StandardNumber,
    StatusValue,
)
from .vocabulary import StepStatus


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonDoc(Strict):
    name: Name
    kind: Literal["person", "role"] = "person"
    role: OptionalLine = ""


class GroupDoc(Strict):
    name: Name
    members: list[Name] = Field(min_length=1)


class SourceDoc(Strict):
    code: Code
    text: Line


class StandardDoc(Strict):
    number: StandardNumber
    title: Line


class StepDoc(Strict):
    text: Prose
    timescale: OptionalLine = ""
    leads: list[Name] = []
    status: StatusValue = StepStatus.NOT_STARTED


class ProgressDoc(Strict):
    period: Line
    narrative: Prose
    next_actions: OptionalProse = ""
    effective_on: date


class EvidenceDoc(Strict):
    title: Line
    location: OptionalLine = ""
    sha256: Sha256 = ""
    size: int | None = Field(default=None, ge=0)
    step: int | None = Field(default=None, ge=1)


class ActionDoc(Strict):
    ref: ActionRef
    text: Prose
    sources: list[Code] = []
    key_outcome: OptionalProse = ""
    expected_evidence: OptionalProse = ""
    steps: list[StepDoc] = []
    brag: BragValue | None = None
    brag_reason: OptionalProse = ""
    state: Literal["open", "closed", "withdrawn"] = "open"
    state_reason: OptionalProse = ""
    progress: list[ProgressDoc] = []
    evidence: list[EvidenceDoc] = []


class PlanDocument(Strict):
    """A whole plan in plantrail's own format (schema version 1)."""

    plantrail_plan: Literal[1] = Field(default=1, description="schema version")
    title: Line
    organisation: Line
    owners: list[Name] = Field(min_length=1)
    plan_date: date
    cadence_days: Cadence = 28
    sources: list[SourceDoc] = []
    standards: list[StandardDoc] = []
    people: list[PersonDoc] = []
    groups: list[GroupDoc] = []
    notes: list[Prose] = []
    actions: list[ActionDoc] = []
