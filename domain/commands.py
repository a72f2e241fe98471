"""Validated input for every change: one pydantic model per command.

Callers (the command line, the TUI's forms, importers) build these from what people typed; an
invalid value raises :class:`~plantrail.domain.errors.InvalidInput` naming the field, what was
wrong and what was given. The aggregates still guard their own invariants; these models make
sure nothing malformed reaches them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError

from .errors import FieldProblem, InvalidInput
from .vocabulary import BRAG_NEEDING_REASON, Brag, StepStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
ActionRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[1-9]\d{0,3}(\.[1-9]\d{0,3})?$"),
]
StepRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[1-9]\d{0,3}(\.[1-9]\d{0,3}){1,2}$"),
]
SourceCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\(?[A-Za-z0-9]{1,4}\)?$")
]


def _parse_brag(value: Any) -> Any:
    return Brag.parse(value) if isinstance(value, str) else value


def _parse_status(value: Any) -> Any:
    return StepStatus.parse(value) if isinstance(value, str) else value


def _normalise_code(value: Any) -> Any:
    """Sources are written "(a)" in plans; accept "a" too and store the plan's form."""
    if isinstance(value, str) and value.strip() and not value.strip().startswith("("):
        return f"({value.strip()})"
    return value


BragValue = Annotated[Brag, BeforeValidator(_parse_brag)]
StatusValue = Annotated[StepStatus, BeforeValidator(_parse_status)]
Code = Annotated[SourceCode, BeforeValidator(_normalise_code)]


def _check_brag_reason(rating: Brag | None, reason: str) -> None:
    if rating in BRAG_NEEDING_REASON and not reason:
        article = "an" if rating.value[0] in "aeiou" else "a"
        raise ValueError(f"a reason is required for {article} {rating.value} rating")


class Command(BaseModel):
    """Base: forbids unknown fields; every change may be back-dated with ``effective_on``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_on: date | None = None


class Replacing(Command):
    """A command that replaces a value: ``seen_version`` is the action version the user saw."""

    seen_version: int | None = Field(default=None, ge=1)


class CreatePlan(Command):
    title: Text
    organisation: Text
    owners: list[Name] = Field(min_length=1)
    plan_date: date
    cadence_days: int = Field(default=28, ge=1, le=366)


class AddSource(Command):
    code: Code
    text: Text


class AddStandard(Command):
    number: int = Field(ge=1, le=999)
    title: Text


class AddPerson(Command):
    name: Name
    kind: Literal["person", "role"] = "person"
    role: OptionalText = ""


class AddGroup(Command):
    name: Name
    members: list[Name] = Field(min_length=1)


class AddNote(Command):
    text: Text


class RaiseAction(Command):
    ref: ActionRef | None = None
    standard: int | None = Field(default=None, ge=1)
    text: Text
    sources: list[Code] = []
    key_outcome: OptionalText = ""
    expected_evidence: OptionalText = ""


class RewordAction(Replacing):
    ref: ActionRef
    field: Literal["text", "key_outcome", "expected_evidence"] = "text"
    value: Text
    reason: OptionalText = ""


class AddStep(Command):
    ref: ActionRef
    text: Text
    timescale: OptionalText = ""
    leads: list[Name] = []


class RewordStep(Replacing):
    step: StepRef
    text: Text
    reason: OptionalText = ""


class RescheduleStep(Replacing):
    step: StepRef
    timescale: Text
    reason: Text


class AssignLeads(Replacing):
    step: StepRef
    leads: list[Name] = Field(min_length=1)
    reason: OptionalText = ""


class ChangeStepStatus(Replacing):
    step: StepRef
    status: StatusValue
    note: OptionalText = ""


class RateAction(Replacing):
    ref: ActionRef
    rating: BragValue
    reason: OptionalText = ""

    @model_validator(mode="after")
    def _reason_for_red_or_amber(self) -> RateAction:
        _check_brag_reason(self.rating, self.reason)
        return self


class AddEvidence(Command):
    ref: ActionRef
    title: Text
    location: OptionalText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")] = ""
    size: int | None = Field(default=None, ge=0)
    step: int | None = Field(default=None, ge=1)


class RecordProgress(Command):
    ref: ActionRef
    period: Text
    narrative: Text
    next_actions: OptionalText = ""
    brag: BragValue | None = None
    brag_reason: OptionalText = ""
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
    period: Text
    narrative: Text
    next_actions: OptionalText = ""
    reason: Text


class WithdrawProgress(Command):
    ref: ActionRef
    entry: Name
    reason: Text


class ChangeActionState(Command):
    ref: ActionRef
    reason: OptionalText = ""


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
                message = f"{message} ({_PATTERN_HELP.get(str(error['loc'][0]), 'see --help')})"
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


_PATTERN_HELP = {
    "ref": "an action reference such as 2.7, or 3 in a plan without standards",
    "step": "a key action reference such as 2.7.1, or 3.1 in a plan without standards",
    "code": "a short source code such as (a)",
    "sources": "short source codes such as (a)",
    "sha256": "64 lowercase hex digits",
}
