"""plantrail's own plan format: one pydantic model for a whole plan (header, directory,
sources, standards, actions, key actions, statuses, BRAG, evidence and dated progress).

It is the input of ``plantrail import plan`` for YAML and JSON files, and what the Word,
Excel and CSV importers produce before anything is stored; ``plantrail schema`` prints its JSON
Schema. Importing it is one transaction: all of it or none of it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .vocabulary import Brag, StepStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonDoc(Strict):
    name: Text
    kind: Literal["person", "role"] = "person"
    role: str = ""


class GroupDoc(Strict):
    name: Text
    members: list[Text] = Field(min_length=1)


class SourceDoc(Strict):
    code: Text
    text: Text


class StandardDoc(Strict):
    number: int = Field(ge=1)
    title: Text


class StepDoc(Strict):
    text: Text
    timescale: str = ""
    leads: list[Text] = []
    status: StepStatus = StepStatus.NOT_STARTED


class ProgressDoc(Strict):
    period: Text
    narrative: Text
    next_actions: str = ""
    effective_on: date


class EvidenceDoc(Strict):
    title: Text
    location: str = ""
    sha256: str = ""
    size: int | None = None
    step: int | None = None


class ActionDoc(Strict):
    ref: Annotated[str, StringConstraints(pattern=r"^[1-9]\d*(\.[1-9]\d*)?$")]
    text: Text
    sources: list[Text] = []
    key_outcome: str = ""
    expected_evidence: str = ""
    steps: list[StepDoc] = []
    brag: Brag | None = None
    brag_reason: str = ""
    state: Literal["open", "closed", "withdrawn"] = "open"
    state_reason: str = ""
    progress: list[ProgressDoc] = []
    evidence: list[EvidenceDoc] = []


class PlanDocument(Strict):
    """A whole plan in plantrail's own format (schema version 1)."""

    plantrail_plan: Literal[1] = Field(default=1, description="schema version")
    title: Text
    organisation: Text
    owners: list[Text] = Field(min_length=1)
    plan_date: date
    cadence_days: int = Field(default=28, ge=1, le=366)
    sources: list[SourceDoc] = []
    standards: list[StandardDoc] = []
    people: list[PersonDoc] = []
    groups: list[GroupDoc] = []
    notes: list[str] = []
    actions: list[ActionDoc] = []
