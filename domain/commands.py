"""Validated input for every change: one pydantic model per command.

Callers (the command line, the TUI's forms, importers) build these from what people typed; an
invalid value raises :class:`~plantrail.domain.errors.InvalidInput` naming the field, what was
wrong and what was given. The aggregates still guard their own invariants; these models make
sure nothing malformed reaches them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from .access import Role
from .errors import FieldProblem, InvalidInput
from .inputs import (
    PATTERN_HELP,
    ActionRef,
    BragValue,
    Cadence,
    Code,
    KeyFingerprint,
    Line,
    Login,
    Name,
    OptionalLine,
    OptionalProse,
    Prose,
    PublicKeyLine,
    Sha256,
    StandardNumber,
    StatusValue,
    StepRef,
)
from .vocabulary import BRAG_NEEDING_REASON, Brag


def _check_brag_reason(rating: Brag | None, reason: str) -> None:
    if rating in BRAG_NEEDING_REASON and not reason:
        article = "an" if rating.value[0] in "aeiou" else "a"
        raise ValueError(f"a reason is required for {article} {rating.value} rating")


class Command(BaseModel):
    """Base: forbids unknown fields; every change may be back-dated with ``effective_on``."""

    # defer_build: a schema is built when its command is first used, so a process that makes
    # one change builds one schema, not forty (about 0.15 s of every command's start).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    effective_on: date | None = None


class Replacing(Command):
    """A command that replaces a value: ``seen_version`` is the action version the user saw."""

    seen_version: int | None = Field(default=None, ge=1)


class CreatePlan(Command):
    title: Line
    organisation: Line
    owners: list[Name] = Field(min_length=1)
    plan_date: date
    cadence_days: Cadence = 28


class AddSource(Command):
    code: Code
    text: Line


class AddStandard(Command):
    number: StandardNumber
    title: Line


class AddPerson(Command):
    name: Name
    kind: Literal["person", "role"] = "person"
    role: OptionalLine = ""


class AddGroup(Command):
    name: Name
    members: list[Name] = Field(min_length=1)


class AddNote(Command):
    text: Prose


class RaiseAction(Command):
    ref: ActionRef | None = None
    standard: StandardNumber | None = None
    text: Prose
    sources: list[Code] = []
    key_outcome: OptionalProse = ""
    expected_evidence: OptionalProse = ""


class RewordAction(Replacing):
    ref: ActionRef
    field: Literal["text", "key_outcome", "expected_evidence"] = "text"
    value: Prose
    reason: OptionalProse = ""


class AddStep(Command):
    ref: ActionRef
    text: Prose
    timescale: OptionalLine = ""
    leads: list[Name] = []


class RewordStep(Replacing):
    step: StepRef
    text: Prose
    reason: OptionalProse = ""


class RescheduleStep(Replacing):
    step: StepRef
    timescale: Line
    reason: Prose


class AssignLeads(Replacing):
    step: StepRef
    leads: list[Name] = Field(min_length=1)
    reason: OptionalProse = ""


class ChangeStepStatus(Replacing):
    step: StepRef
    status: StatusValue
    note: OptionalProse = ""


class RateAction(Replacing):
    ref: ActionRef
    rating: BragValue
    reason: OptionalProse = ""

    @model_validator(mode="after")
    def _reason_for_red_or_amber(self) -> RateAction:
        _check_brag_reason(self.rating, self.reason)
        return self


class AddEvidence(Command):
    ref: ActionRef
    title: Line
    location: OptionalLine = ""
    sha256: Sha256 = ""
    size: int | None = Field(default=None, ge=0)
    step: int | None = Field(default=None, ge=1)


class WithdrawEvidence(Command):
    """Withdraw an evidence item added in error (the wrong file, the wrong action): it stays
    in the history, marked withdrawn with the reason, and no longer counts as evidence."""

    ref: ActionRef
    evidence: Name
    reason: Prose


class RecordProgress(Command):
    ref: ActionRef
    period: Line
    narrative: Prose
    next_actions: OptionalProse = ""
    brag: BragValue | None = None
    brag_reason: OptionalProse = ""
    seen_version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _reason_for_red_or_amber(self) -> RecordProgress:
        _check_brag_reason(self.brag, self.brag_reason)
        if self.brag_reason and self.brag is None:
            raise ValueError("a BRAG reason needs a rating: pick one, or leave the reason blank")
        return self


class CorrectProgress(Command):
    ref: ActionRef
    entry: Name
    period: Line
    narrative: Prose
    next_actions: OptionalProse = ""
    reason: Prose


class WithdrawProgress(Command):
    ref: ActionRef
    entry: Name
    reason: Prose


class ChangeActionState(Command):
    ref: ActionRef
    reason: OptionalProse = ""


class GrantAccess(Command):
    """Give a person in the directory a role, and optionally logins and SSH keys (added to
    any they have); granting again with another role changes their role."""

    person: Name
    role: Role
    logins: list[Login] = []
    keys: list[PublicKeyLine] = []
    reason: OptionalProse = ""


class RevokeAccess(Command):
    """Take a person's access away, or only some of their keys (a lost laptop)."""

    person: Name
    keys: list[KeyFingerprint] = []
    reason: Prose


TCommand = TypeVar("TCommand", bound=BaseModel)

_FRIENDLY = {
    "string_too_short": "must not be empty",
    "missing": "is required",
    "string_pattern_mismatch": "is not in the expected form",
}


def validate(model: type[TCommand], **data: Any) -> TCommand:
    """Build ``model`` from ``data`` or raise :class:`InvalidInput` naming every bad field."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or _model_field(model, error)
            message = _FRIENDLY.get(error["type"], error["msg"])
            if error["type"] == "string_pattern_mismatch":
                message = f"{message} ({PATTERN_HELP.get(str(error['loc'][0]), 'see --help')})"
            if error["type"] == "value_error":
                message = str(error["ctx"]["error"]) if "ctx" in error else message
            whole = not error["loc"] or error["type"] == "missing"
            given = None if whole else error.get("input")
            problems.append(FieldProblem(field, message, given))
        raise InvalidInput(problems) from None


def _model_field(model: type[BaseModel], error: Any) -> str:
    """Name the field a whole-model check is about (the reason of a Red or Amber rating)."""
    message = str(error.get("ctx", {}).get("error", ""))
    if "reason is required" in message or "reason needs a rating" in message:
        return "brag_reason" if "brag_reason" in model.model_fields else "reason"
    return model.__name__
