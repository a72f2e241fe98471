"""Key actions as the plan's views hold them: :class:`StepOut` and :class:`RescheduleOut`,
made in C by msgspec, and the :class:`TimescaleOut` they share.

A plan of 1,000 actions has 3,000 key actions, each remade for every view of the plan (the
overview, the whole plan, as at any date). Validated by pydantic from the dicts ``derive.step``
makes, each cost a model of its own and was half of validating the whole plan (8 of 23 ms at
100,000 events); msgspec makes all of a plan's in one call in under 2 ms, and pydantic takes
them as they are inside the plan's models (``entries.made_in_c``). Their fields and names are
the models' they replace; ``--format json`` writes them as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from pydantic import BaseModel, ConfigDict, TypeAdapter

from .entries import made_in_c


class StageOut(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    words: str
    due: date


class TimescaleOut(BaseModel):
    """The plan's words for when, and how plantrail read them. Frozen: one is made for each
    wording and plan date (``views._timescale``) and shared by every key action that has it."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    words: str
    kind: str
    start: date | None
    due: date | None
    stages: list[StageOut]
    note: str


class RescheduleOut(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One change of a key action's timescale: from what, to what, why, when and by whom."""

    from_words: str
    to_words: str
    reason: str
    effective_on: date
    by: str

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return made_in_c(cls, _one(cls), msgspec.structs.asdict)


class StepOut(msgspec.Struct):
    """A key action as shown: its words, timescale, leads, status and whether it is late.
    (Fields ``derive.step`` makes that are not here, such as ``due``, are left out.)"""

    ref: str
    number: int
    text: str
    timescale: TimescaleOut
    leads: list[str]
    status: str
    status_on: date
    overdue: bool
    reschedules: list[RescheduleOut]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return made_in_c(cls, _one(cls), step_fields)


def step_fields(step: StepOut) -> dict[str, Any]:
    """A key action's fields, its reschedules' too (pydantic writes its timescale, a model)."""
    fields = msgspec.structs.asdict(step)
    fields["reschedules"] = [msgspec.structs.asdict(r) for r in step.reschedules]
    return fields


def _timescale(kind: type, value: Any) -> Any:
    """msgspec's hook for the one field type it does not know: a TimescaleOut as it is, or
    one validated from its fields (a plan read back from its JSON)."""
    if kind is TimescaleOut:
        return value if value.__class__ is TimescaleOut else TimescaleOut.model_validate(value)
    raise NotImplementedError(kind)


_MANY = list[StepOut]


def made_steps(steps: list[dict[str, Any]]) -> list[StepOut]:
    """Key actions from ``derive.step``'s dicts (their timescales TimescaleOut already, or
    their fields), all in one call; a ValueError naming what is wrong in any."""
    try:
        return msgspec.convert(steps, _MANY, dec_hook=_timescale)
    except msgspec.ValidationError as error:
        raise ValueError(f"not a key action: {error}") from None


def _one(cls: type) -> Any:
    def make(value: Any) -> Any:
        try:
            return msgspec.convert(value, cls, dec_hook=_timescale)
        except msgspec.ValidationError as error:
            raise ValueError(f"not a {cls.__name__}: {error}") from None

    return make


def step_json(step: StepOut, indent: int | None = None) -> str:
    """One key action as JSON, as the plan's models write it (``show REF --format json``)."""
    return TypeAdapter(StepOut).dump_json(step, indent=indent).decode()
