"""The TUI's forms: for each change, its fields, the command model it builds and the change
(command model + service method, bound by type in ``store/changes.py``) that stores it.

No rule lives here: values go straight into the command models of ``domain/commands.py``,
which say what is wrong and where. A form starts from what the person is looking at (the
highlighted key action, the current status) but never pre-fills a value that would be written
unchanged: the BRAG rating in the progress form is blank until someone picks one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..domain import commands as c
from ..domain.errors import InvalidInput
from ..domain.text import one_line
from ..domain.vocabulary import Brag, StepStatus
from ..store import changes
from ..store.changes import Change
from ..store.files import fingerprint
from ..store.steps import StepOut
from ..store.views import ActionOut, PlanOverview
from . import viewpoint
from .dialogs.form import Field
from .format import brag_label

BRAG_OPTIONS = [(f"{b.letter} {b.value.title()}", b.value) for b in Brag]
STATUS_OPTIONS = [(s.value, s.value) for s in StepStatus]
DATE_HINT = "YYYY-MM-DD (blank = today)"

C = TypeVar("C", bound=c.Command)
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class FormSpec(Generic[C, R]):
    """A form for one change: what it shows, how it builds the command, and what stores it.

    ``seen_version`` is the action version the person was looking at; a replacing change is
    refused if someone changed that value since. After such a refusal the form comes back
    with the version that holds their value, so saving again replaces it knowingly.
    """

    key: str
    title: str
    fields: list[Field]
    change: Change[C, R]
    build_command: Callable[[dict[str, Any], int | None], C]
    seen_version: int | None = None
    note: str = ""

    def build(self, values: dict[str, Any]) -> C:
        """The validated command from what was typed (raises ``InvalidInput``)."""
        return self.build_command(values, self.seen_version)

    def seen(self, version: int | None) -> FormSpec[C, R]:
        """This form, saving against ``version`` (after a refused save)."""
        return replace(self, seen_version=version)

    def filled(self, values: dict[str, Any]) -> FormSpec[C, R]:
        """This form with ``values`` typed in (a retry, or a draft offered back)."""
        fields = [
            replace(f, value=values[f.name]) if values.get(f.name) is not None else f
            for f in self.fields
        ]
        return replace(self, fields=fields)


@dataclass(frozen=True)
class Prompt(Generic[T]):
    """A one-line question that is not a change (a date, a filter, a file name)."""

    title: str
    fields: list[Field]
    build: Callable[[dict[str, Any]], T]
    submit: str
    note: str = ""


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Blank optional fields mean "not given" (e.g. an empty date is today)."""
    return {k: v for k, v in values.items() if v not in ("", None)}


def _effective() -> Field:
    return Field(
        "effective_on", "Effective date (the date this is true from)", placeholder=DATE_HINT
    )


def _step_field(
    action: ActionOut,
    step: str | None,
    label: str = "Key action",
    fills: Callable[[StepOut], dict[str, Any]] | None = None,
) -> Field:
    """The key action to change; ``fills``: the fields that show what the chosen one holds."""
    options = [(f"{s.ref} {one_line(s.text)[:50]}", s.ref) for s in action.steps]
    known = {ref for _, ref in options}
    by_ref = {s.ref: s for s in action.steps}
    return Field(
        "step",
        label,
        "select",
        value=step if step in known else "",
        options=options,
        fills=(lambda ref: fills(by_ref[ref]) if ref in by_ref else {}) if fills else None,
    )


def _lead_options(plan: PlanOverview) -> list[tuple[str, str]]:
    people = [
        (one_line(f"{p.name} ({p.role or p.kind})" if p.role else p.name), p.name)
        for p in plan.people
    ]
    groups = [
        (one_line(f"{name} (group: {', '.join(members)})"), name)
        for name, members in plan.groups.items()
    ]
    return people + groups


def _entries(action: ActionOut) -> list[tuple[str, str]]:
    return [
        (one_line(f"{p.period} — {p.author} ({p.id[:8]})"), p.id)
        for p in action.progress
        if p.state == "current"
    ]


def record_progress(action: ActionOut, today: date) -> FormSpec[c.RecordProgress, str]:
    current = brag_label(action.brag) if action.brag else "not rated"
    return FormSpec(
        f"progress:{action.ref}",
        f"Record progress on {action.ref}",
        [
            Field("period", "Period", value=f"{today:%B %Y}"),
            Field("narrative", "Progress (what has happened)", "text"),
            Field("next_actions", "Next actions", "text"),
            Field(
                "brag",
                f"BRAG rating (now {current}; leave blank to keep it)",
                "select",
                options=BRAG_OPTIONS,
                placeholder="(unchanged)",
            ),
            Field("brag_reason", "BRAG reason (required for Red or Amber)"),
            _effective(),
        ],
        changes.RECORD_PROGRESS,
        lambda v, seen: c.validate(
            c.RecordProgress, ref=action.ref, seen_version=seen, **_clean(v)
        ),
        seen_version=action.version,
        note="Your entry is added to the action's history; it never replaces anyone else's.",
    )


def rate(action: ActionOut) -> FormSpec[c.RateAction, None]:
    reason = f" ({action.brag_reason})" if action.brag_reason else ""
    current = brag_label(action.brag) + reason if action.brag else "not rated yet"
    return FormSpec(
        f"rate:{action.ref}",
        f"BRAG rating of {action.ref}",
        [
            Field("rating", "Rating", "select", value=action.brag or "", options=BRAG_OPTIONS),
            Field("reason", "Reason (required for Red or Amber)"),
            _effective(),
        ],
        changes.RATE_ACTION,
        lambda v, seen: c.validate(c.RateAction, ref=action.ref, seen_version=seen, **_clean(v)),
        seen_version=action.version,
        note=f"Now: {current}.",
    )


def change_status(action: ActionOut, step: str | None) -> FormSpec[c.ChangeStepStatus, None]:
    current = next((s.status for s in action.steps if s.ref == step), "")
    return FormSpec(
        f"status:{action.ref}",
        f"Change the status of a key action of {action.ref}",
        [
            _step_field(action, step, fills=lambda s: {"status": s.status}),
            Field("status", "New status", "select", value=current, options=STATUS_OPTIONS),
            Field("note", "Note"),
            _effective(),
        ],
        changes.CHANGE_STEP_STATUS,
        lambda v, seen: c.validate(c.ChangeStepStatus, seen_version=seen, **_clean(v)),
        seen_version=action.version,
    )


def reschedule(action: ActionOut, step: str | None) -> FormSpec[c.RescheduleStep, None]:
    return FormSpec(
        f"reschedule:{action.ref}",
        f"Reschedule a key action of {action.ref}",
        [
            _step_field(action, step),
            Field("timescale", "New timescale, in the plan's words", placeholder="e.g. End Jan 27"),
            Field("reason", "Reason (kept in the history)"),
            _effective(),
        ],
        changes.RESCHEDULE_STEP,
        lambda v, seen: c.validate(c.RescheduleStep, seen_version=seen, **_clean(v)),
        seen_version=action.version,
        note="The old timescale stays in the history with your reason.",
    )


def assign_leads(
    action: ActionOut, plan: PlanOverview, step: str | None
) -> FormSpec[c.AssignLeads, None]:
    current = next((s.leads for s in action.steps if s.ref == step), [])
    return FormSpec(
        f"leads:{action.ref}",
        f"Assign lead(s) to a key action of {action.ref}",
        [
            _step_field(action, step, fills=lambda s: {"leads": list(s.leads)}),
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
        changes.ASSIGN_LEADS,
        lambda v, seen: c.validate(c.AssignLeads, seen_version=seen, **_clean(v)),
        seen_version=action.version,
    )


def add_evidence(
    action: ActionOut, step: str | None, *, remote: bool = False
) -> FormSpec[c.AddEvidence, str]:
    """``remote``: an SSH session, where a path names a file on the server, not on the
    person's own machine: no file is read (its size and hash would tell them what the server
    holds), as ``session.py`` refuses ``--file`` to a command sent over SSH."""

    def build(values: dict[str, Any], seen: int | None) -> c.AddEvidence:
        values = _clean(values)
        path = values.pop("file", "")
        sha256, size = fingerprint(path) if path else ("", None)
        if values.get("step"):
            values["step"] = int(str(values["step"]).rsplit(".", 1)[-1])
        return c.validate(
            c.AddEvidence, ref=action.ref, sha256=sha256, size=size, **{"location": path, **values}
        )

    return FormSpec(
        f"evidence:{action.ref}",
        f"Add evidence to {action.ref}",
        [
            Field("title", "Title"),
            Field("location", "Where it is kept (path, URL, system)"),
            *(
                []
                if remote
                else [
                    Field(
                        "file",
                        "File to fingerprint (SHA-256 and size are recorded)",
                        placeholder="path",
                    )
                ]
            ),
            _step_field(action, step, "Key action it evidences (optional)"),
            _effective(),
        ],
        changes.ADD_EVIDENCE,
        build,
        note=(
            "Over SSH no file is read: this records where the evidence is kept. To record a "
            "file's SHA-256 and size, add it with plantrail evidence add --file on a machine "
            "that holds both the file and the plan."
            if remote
            else ""
        ),
    )


def raise_action(plan: PlanOverview, standard: int | None) -> FormSpec[c.RaiseAction, str]:
    standards = [
        (one_line(f"{s.number} {s.title}"), str(s.number)) for s in plan.standards if s.number
    ]
    fields = [
        Field("text", "Action (area for development)", "text"),
        Field(
            "sources",
            "Sources",
            "multi",
            options=[(one_line(f"{k} {v}"), k) for k, v in plan.sources.items()],
        ),
        Field("key_outcome", "Key outcome"),
        Field("expected_evidence", "Expected evidence"),
        _effective(),
    ]
    if standards:
        fields.insert(
            0,
            Field("standard", "Standard", "select", value=str(standard or ""), options=standards),
        )
    return FormSpec(
        "new-action",
        "New action",
        fields,
        changes.RAISE_ACTION,
        lambda v, seen: c.validate(c.RaiseAction, **_clean(v)),
    )


def add_step(action: ActionOut, plan: PlanOverview) -> FormSpec[c.AddStep, str]:
    return FormSpec(
        f"new-key-action:{action.ref}",
        f"New key action for {action.ref}",
        [
            Field("text", "Key action", "text"),
            Field("timescale", "Timescale, in the plan's words", placeholder="e.g. End Mar 27"),
            Field("leads", "Leads (Space to pick)", "multi", options=_lead_options(plan)),
            _effective(),
        ],
        changes.ADD_STEP,
        lambda v, seen: c.validate(c.AddStep, ref=action.ref, **_clean(v)),
    )


#: The three wordings of an action that can be reworded, and their labels.
REWORDABLE = {
    "text": "the action's text",
    "key_outcome": "its key outcome",
    "expected_evidence": "its expected evidence",
}


def reword_action(action: ActionOut, what: str) -> FormSpec[c.RewordAction, None]:
    current = str(getattr(action, what))
    return FormSpec(
        f"reword-{what}:{action.ref}",
        f"Reword {REWORDABLE[what]} ({action.ref})",
        [
            Field("value", "New wording", "text", value=current),
            Field("reason", "Reason"),
            _effective(),
        ],
        changes.REWORD_ACTION,
        lambda v, seen: c.validate(
            c.RewordAction, ref=action.ref, field=what, seen_version=seen, **_clean(v)
        ),
        seen_version=action.version,
        note="The old wording stays in the history.",
    )


def reword_step(action: ActionOut, step: str | None) -> FormSpec[c.RewordStep, None]:
    current = next((s.text for s in action.steps if s.ref == step), "")
    return FormSpec(
        f"reword-key-action:{action.ref}",
        f"Reword a key action of {action.ref}",
        [
            _step_field(action, step, fills=lambda s: {"text": s.text}),
            Field("text", "New wording", "text", value=current),
            Field("reason", "Reason"),
            _effective(),
        ],
        changes.REWORD_STEP,
        lambda v, seen: c.validate(c.RewordStep, seen_version=seen, **_clean(v)),
        seen_version=action.version,
        note="The old wording stays in the history.",
    )


def correct_progress(action: ActionOut) -> FormSpec[c.CorrectProgress, str]:
    latest = next((p for p in action.progress if p.state == "current"), None)
    entries = {p.id: p for p in action.progress}

    def entry_says(entry_id: str) -> dict[str, Any]:
        entry = entries.get(entry_id)
        if entry is None:
            return {}
        return {
            "period": entry.period,
            "narrative": entry.narrative,
            "next_actions": entry.next_actions,
        }

    return FormSpec(
        f"correct:{action.ref}",
        f"Correct a progress entry of {action.ref}",
        [
            Field(
                "entry",
                "Entry to correct",
                "select",
                value=latest.id if latest else "",
                options=_entries(action),
                fills=entry_says,
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
        changes.CORRECT_PROGRESS,
        lambda v, seen: c.validate(c.CorrectProgress, ref=action.ref, **_clean(v)),
        note="The original entry stays, marked as corrected by this one.",
    )


def retract_progress(action: ActionOut) -> FormSpec[c.WithdrawProgress, str]:
    entries = _entries(action)
    return FormSpec(
        f"retract:{action.ref}",
        f"Withdraw a progress entry of {action.ref}",
        [
            Field(
                "entry",
                "Entry",
                "select",
                value=entries[0][1] if entries else "",
                options=entries,
            ),
            Field("reason", "Reason (required)"),
            _effective(),
        ],
        changes.WITHDRAW_PROGRESS,
        lambda v, seen: c.validate(c.WithdrawProgress, ref=action.ref, **_clean(v)),
        note="The entry stays in the history, marked withdrawn.",
    )


def withdraw_evidence(action: ActionOut) -> FormSpec[c.WithdrawEvidence, str]:
    items = [
        (one_line(f"{e.title} — {e.added_by}, {e.added_on:%d %b %Y} ({e.id[:8]})"), e.id)
        for e in action.current_evidence
    ]
    return FormSpec(
        f"withdraw-evidence:{action.ref}",
        f"Withdraw an evidence item of {action.ref}",
        [
            Field(
                "evidence", "Evidence", "select", value=items[0][1] if items else "", options=items
            ),
            Field("reason", "Reason (required)"),
            _effective(),
        ],
        changes.WITHDRAW_EVIDENCE,
        lambda v, seen: c.validate(c.WithdrawEvidence, ref=action.ref, **_clean(v)),
        note="For an item added in error: it stays in the history, marked withdrawn.",
    )


STATE_CHANGES = {
    "close": changes.CLOSE_ACTION,
    "withdraw": changes.WITHDRAW_ACTION,
    "reopen": changes.REOPEN_ACTION,
}


def change_state(action: ActionOut, verb: str) -> FormSpec[c.ChangeActionState, None]:
    return FormSpec(
        f"{verb}:{action.ref}",
        f"{verb.title()} action {action.ref}",
        [Field("reason", "Reason"), _effective()],
        STATE_CHANGES[verb],
        lambda v, seen: c.validate(c.ChangeActionState, ref=action.ref, **_clean(v)),
    )


def export_file(kind: str, fmt: str, day: date) -> Prompt[Path]:
    """Ask where to write an export; the answer is checked before anything is written."""
    stem = {
        "report": "progress-report",
        "audit": "audit-trail",
        "tracker": "tracker",
        "pack": "evidence-pack",
    }[kind]
    default = f"{stem}-{day.isoformat()}.{fmt}"

    def build(values: dict[str, Any]) -> Path:
        text = str(values.get("path") or "").strip()
        if not text:
            raise InvalidInput.one("path", "name a file")
        path = Path(text).expanduser()
        if path.is_dir():
            raise InvalidInput.one("path", "is a folder; name a file in it", text)
        if not path.parent.is_dir():
            raise InvalidInput.one("path", f"folder {path.parent} does not exist", text)
        return path

    return Prompt(
        f"Export to a file ({fmt})",
        [Field("path", "File name", value=default)],
        build,
        "Export",
    )


def as_at_prompt(today: date) -> Prompt[date]:
    """A date (the plan as at it, by effective dates) or a date and time (what had been
    recorded by then): ``viewpoint.py``."""
    return Prompt(
        "Show the plan as at a date, or as recorded by a time (read only)",
        [Field("day", "Date, or date and time (London)", placeholder=viewpoint.HINT)],
        lambda v: viewpoint.read(v["day"], today),
        "Show",
    )


def filter_prompt(current: str) -> Prompt[str]:
    return Prompt(
        "Filter actions by text (blank shows all)",
        [Field("text", "Text in the action, a key action or a lead", value=current)],
        lambda v: str(v["text"]).strip(),
        "Apply filter",
    )
