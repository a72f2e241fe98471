"""Every error the domain raises, in one place, each with a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

from .text import shown


class PlanError(Exception):
    """Base of every refusal plantrail gives: the message says what was wrong."""


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field: which field, what was wrong, what was given."""

    field: str
    message: str
    given: object = None

    def __str__(self) -> str:
        given = "" if self.given is None else f" (given: {shown(self.given)})"
        return f"{self.field}: {self.message}{given}"


class InvalidInput(PlanError):
    """Input that fails validation; carries one problem per offending field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, message: str, given: object = None) -> InvalidInput:
        """The common case: a single field is wrong."""
        return cls([FieldProblem(field, message, given)])


class NotFound(PlanError):
    """A reference, person or entry that does not exist."""


class NotAllowed(PlanError):
    """A change the plan's rules forbid in its current state (e.g. editing a closed action)."""


class AccessDenied(NotAllowed):
    """The person acting does not have the role the change needs; nothing was written."""


class ChangedSinceRead(PlanError):
    """Someone else replaced the value since the caller read it; nothing was written.

    Carries what a form needs to show their value beside yours and to save yours on purpose:
    the field, the value now stored, who set it and when (UTC), and the version that holds it
    (a retry that names this version as seen replaces their value knowingly).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        value: object = None,
        actor: str = "",
        at: str = "",
        version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.actor = actor
        self.at = at
        self.version = version
