"""The TUI's forms: for each change, its fields, the command model it builds and the service
method that stores it. No rule lives here: values go straight into the command models of
``domain/commands.py``, which say what is wrong and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain import commands as c
from ..domain.vocabulary import Brag, StepStatus
from ..store.files import fingerprint
from ..store.views import ActionOut, PlanOverview
from .dialogs.form import Field

BRAG_OPTIONS = [(f"{b.letter} {b.value.title()}", b.value) for b in Brag]
STATUS_OPTIONS = [(s.value, s.value) for s in StepStatus]
DATE_HINT = "YYYY-MM-DD (blank = today)"


@dataclass
class FormSpec:
    """Everything needed to show a form and store what it produces."""

    title: str
    fields: list[Field]
    method: str
    build: Callable[[dict[str, Any]], Any]
    note: str = ""


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Blank optional fields mean "not given" (e.g. an empty date is today)."""
    return {k: v for k, v in values.items() if v not in ("", None)}


def _effective() -> Field:
    return Field(
        "effective_on", "Effective date (the date this is true from)", placeholder=DATE_HINT
    )


def _step_field(action: ActionOut, step: str | None) -> Field:
    options = [(f"{s.ref} {s.text[:50]}", s.ref) for s in action.steps]
    return Field(
        "step",
        "Key action",
        "select",
        value=step or (options[0][1] if options else ""),
        options=options,
    )


def _lead_options(plan: PlanOverview) -> list[tuple[str, str]]:
    people = [(f"{p.name} ({p.role or p.kind})" if p.role else p.name, p.name) for p in plan.people]
    groups = [
        (f"{name} (group: {', '.join(members)})", name) for name, members in plan.groups.items()
    ]
    return people + groups


def record_progress(action: ActionOut, today: date) -> FormSpec:
    return FormSpec(
        f"Record progress on {action.ref}",
        [
            Field("period", "Period", value=f"{today:%B %Y}"),
            Field("narrative", "Progress (what has happened)", "text"),
            Field("next_actions", "Next actions", "text"),
            Field(
                "brag",
                "BRAG rating",
                "select",
                value=action.brag or "",
                options=BRAG_OPTIONS,
                placeholder="(unchanged)",
            ),
            Field(
                "brag_reason", "BRAG reason (required for Red or Amber)", value=action.brag_reason
            ),
            _effective(),
        ],
        "record_progress",
        lambda v: c.validate(
            c.RecordProgress, ref=action.ref, seen_version=action.version, **_clean(v)
        ),
        note="Your entry is added to the action's history; it never replaces anyone else's.",
    )


def rate(action: ActionOut) -> FormSpec:
    return FormSpec(
        f"BRAG rating of {action.ref}",
        [
            Field("rating", "Rating", "select", value=action.brag or "", options=BRAG_OPTIONS),
            Field("reason", "Reason (required for Red or Amber)"),
            _effective(),
        ],
        "rate_action",
        lambda v: c.validate(
            c.RateAction, ref=action.ref, seen_version=action.version, **_clean(v)
        ),
    )


def change_status(action: ActionOut, step: str | None) -> FormSpec:
    current = next((s.status for s in action.steps if s.ref == step), "")
    return FormSpec(
        f"Change the status of a key action of {action.ref}",
        [
            _step_field(action, step),
            Field("status", "New status", "select", value=current, options=STATUS_OPTIONS),
            Field("note", "Note"),
            _effective(),
        ],
        "change_step_status",
        lambda v: c.validate(c.ChangeStepStatus, seen_version=action.version, **_clean(v)),
    )


def reschedule(action: ActionOut, step: str | None) -> FormSpec:
    return FormSpec(
        f"Reschedule a key action of {action.ref}",
        [
            _step_field(action, step),
            Field("timescale", "New timescale, in the plan's words", placeholder="e.g. End Jan 27"),
            Field("reason", "Reason (kept in the history)"),
            _effective(),
        ],
        "reschedule_step",
        lambda v: c.validate(c.RescheduleStep, seen_version=action.version, **_clean(v)),
        note="The old timescale stays in the history with your reason.",
    )


def assign_leads(action: ActionOut, plan: PlanOverview, step: str | None) -> FormSpec:
    current = next((s.leads for s in action.steps if s.ref == step), [])
    return FormSpec(
        f"Assign lead(s) to a key action of {action.ref}",
        [
            _step_field(action, step),
            Field(
                "leads",
                "Leads (Space to pick, several allowed)",
                "multi",
                value=current,
                options=_lead_options(plan),
            ),
            Field("reason", "Reason"),
            _effective(),
        ],
        "assign_leads",
        lambda v: c.validate(c.AssignLeads, seen_version=action.version, **_clean(v)),
    )


def add_evidence(action: ActionOut, step: str | None) -> FormSpec:
    def build(values: dict[str, Any]) -> Any:
        values = _clean(values)
        path = values.pop("file", "")
        sha256, size = fingerprint(path) if path else ("", None)
        if values.get("step"):
            values["step"] = int(str(values["step"]).rsplit(".", 1)[-1])
        return c.validate(
            c.AddEvidence, ref=action.ref, sha256=sha256, size=size, **{"location": path, **values}
        )

    step_field = _step_field(action, None)
    step_field.label = "Key action it evidences (optional)"
    return FormSpec(
        f"Add evidence to {action.ref}",
        [
            Field("title", "Title"),
            Field("location", "Where it is kept (path, URL, system)"),
            Field(
                "file", "File to fingerprint (SHA-256 and size are recorded)", placeholder="path"
            ),
            step_field,
            _effective(),
        ],
        "add_evidence",
        build,
    )


def raise_action(plan: PlanOverview, standard: int | None) -> FormSpec:
    standards = [(f"{s.number} {s.title}", str(s.number)) for s in plan.standards if s.number]
    return FormSpec(
        "New action",
        [
            Field("standard", "Standard", "select", value=str(standard or ""), options=standards),
            Field("text", "Action (area for development)", "text"),
            Field(
                "sources",
                "Sources",
                "multi",
                options=[(f"{k} {v}", k) for k, v in plan.sources.items()],
            ),
            Field("key_outcome", "Key outcome"),
            Field("expected_evidence", "Expected evidence"),
            _effective(),
        ],
        "raise_action",
        lambda v: c.validate(c.RaiseAction, **_clean(v)),
    )


def add_step(action: ActionOut, plan: PlanOverview) -> FormSpec:
    return FormSpec(
        f"New key action for {action.ref}",
        [
            Field("text", "Key action", "text"),
            Field("timescale", "Timescale, in the plan's words", placeholder="e.g. End Mar 27"),
            Field("leads", "Leads (Space to pick)", "multi", options=_lead_options(plan)),
            _effective(),
        ],
        "add_step",
        lambda v: c.validate(c.AddStep, ref=action.ref, **_clean(v)),
    )


def reword_action(action: ActionOut) -> FormSpec:
    fields = [
        ("text", "Action text"),
        ("key_outcome", "Key outcome"),
        ("expected_evidence", "Expected evidence"),
    ]
    return FormSpec(
        f"Reword {action.ref}",
        [
            Field(
                "field",
                "What to reword",
                "select",
                value="text",
                options=[(label, key) for key, label in fields],
            ),
            Field("value", "New wording", "text", value=action.text),
            Field("reason", "Reason"),
            _effective(),
        ],
        "reword_action",
        lambda v: c.validate(
            c.RewordAction, ref=action.ref, seen_version=action.version, **_clean(v)
        ),
        note="The old wording stays in the history.",
    )


def reword_step(action: ActionOut, step: str | None) -> FormSpec:
    current = next((s.text for s in action.steps if s.ref == step), "")
    return FormSpec(
        f"Reword a key action of {action.ref}",
        [
            _step_field(action, step),
            Field("text", "New wording", "text", value=current),
            Field("reason", "Reason"),
            _effective(),
        ],
        "reword_step",
        lambda v: c.validate(c.RewordStep, seen_version=action.version, **_clean(v)),
    )


def correct_progress(action: ActionOut) -> FormSpec:
    current = [p for p in action.progress if p.state == "current"]
    latest = current[0] if current else None
    return FormSpec(
        f"Correct a progress entry of {action.ref}",
        [
            Field(
                "entry",
                "Entry to correct",
                "select",
                value=latest.id if latest else "",
                options=[(f"{p.period} — {p.author} ({p.id[:8]})", p.id) for p in current],
            ),
            Field("period", "Period", value=latest.period if latest else ""),
            Field(
                "narrative", "Corrected progress", "text", value=latest.narrative if latest else ""
            ),
            Field(
                "next_actions", "Next actions", "text", value=latest.next_actions if latest else ""
            ),
            Field("reason", "Reason for the correction (required)"),
            _effective(),
        ],
        "correct_progress",
        lambda v: c.validate(c.CorrectProgress, ref=action.ref, **_clean(v)),
        note="The original entry stays, marked as corrected by this one.",
    )


def retract_progress(action: ActionOut) -> FormSpec:
    current = [p for p in action.progress if p.state == "current"]
    return FormSpec(
        f"Withdraw a progress entry of {action.ref}",
        [
            Field(
                "entry",
                "Entry",
                "select",
                value=current[0].id if current else "",
                options=[(f"{p.period} — {p.author} ({p.id[:8]})", p.id) for p in current],
            ),
            Field("reason", "Reason (required)"),
            _effective(),
        ],
        "withdraw_progress",
        lambda v: c.validate(c.WithdrawProgress, ref=action.ref, **_clean(v)),
        note="The entry stays in the history, marked withdrawn.",
    )


def change_state(action: ActionOut, verb: str) -> FormSpec:
    method = {"close": "close_action", "withdraw": "withdraw_action", "reopen": "reopen_action"}[
        verb
    ]
    return FormSpec(
        f"{verb.title()} action {action.ref}",
        [Field("reason", "Reason"), _effective()],
        method,
        lambda v: c.validate(c.ChangeActionState, ref=action.ref, **_clean(v)),
    )


def export_file(kind: str, fmt: str, day: date) -> FormSpec:
    """Ask where to write an export; the answer is checked before anything is written."""
    from pathlib import Path

    from ..domain.errors import InvalidInput

    stem = {"report": "progress-report", "audit": "audit-trail", "tracker": "tracker"}[kind]
    default = f"{stem}-{day.isoformat()}.{fmt}"

    def build(values: dict[str, Any]) -> str:
        path = Path(str(values.get("path") or "").strip()).expanduser()
        if not str(path) or str(path) == ".":
            raise InvalidInput.one("path", "name a file")
        if not path.parent.is_dir():
            raise InvalidInput.one("path", f"folder {path.parent} does not exist", str(path))
        if path.is_dir():
            raise InvalidInput.one("path", "is a folder; name a file", str(path))
        return str(path)

    return FormSpec(
        f"Export to a file ({fmt})",
        [Field("path", "File name", value=default)],
        "",
        build,
        note="An existing file of that name is replaced.",
    )


def as_at_date(text: str, today: date) -> date:
    """Read the date typed into the "as at" prompt: ISO, not in the future."""
    from ..domain.errors import InvalidInput

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.one("day", "is not a date (YYYY-MM-DD)", text) from None
    if day > today:
        raise InvalidInput.one("day", "is in the future", text)
    return day
