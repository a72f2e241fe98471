"""The audit trail: one row per stored event, with a sentence a person can read and the field
changes (before → after) that the fold reports for it.

Rows are produced by folding the whole log (before → after needs the state before each event)
and then filtering, so a filtered trail shows exactly the rows of the full one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain.clock import in_london
from .fold import Change, View, apply, empty_view
from .records import EventRecord
from .views import AuditRow, FieldChange


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to keep: an action or key action reference, a date range, a person."""

    ref: str | None = None
    since: date | None = None
    until: date | None = None
    by: str | None = None

    def keeps(self, row_ref: str, recorded_on: date, actor: str) -> bool:
        if self.ref and not (row_ref == self.ref or row_ref.startswith(f"{self.ref}.")):
            return False
        if self.since and recorded_on < self.since:
            return False
        if self.until and recorded_on > self.until:
            return False
        return not (self.by and actor.casefold() != self.by.casefold())


def audit_rows(
    records: Iterable[EventRecord], keep: AuditFilter | None = None
) -> Iterator[AuditRow]:
    """Fold ``records`` and yield one :class:`AuditRow` per event that ``keep`` keeps."""
    view = empty_view()
    for record in records:
        ref = _ref_of(view, record)
        changes = apply(view, record)
        recorded_at = datetime.fromisoformat(record.recorded_at)
        if keep and not keep.keeps(ref, in_london(recorded_at).date(), record.actor):
            continue
        yield AuditRow(
            seq=record.seq,
            recorded_at=recorded_at,
            effective_on=date.fromisoformat(record.effective_on),
            actor=record.actor,
            ref=ref,
            event=record.name,
            summary=summarise(record, ref, changes)
            + (f" [{record.data['provenance']}]" if record.data.get("provenance") else ""),
            changes=[FieldChange(**c) for c in changes],
            provenance=record.data.get("provenance", ""),
        )


def _ref_of(view: View, record: EventRecord) -> str:
    if record.aggregate == "Plan":
        return record.data["ref"] if record.name == "ActionRegistered" else "plan"
    if record.name == "Raised":
        return str(record.data["ref"])
    action = view["actions"].get(record.originator_id)
    ref = action["ref"] if action else "?"
    number = record.data.get("number")
    return f"{ref}.{number}" if number is not None and record.name != "Raised" else ref


def value_text(value: Any, empty: str = "") -> str:
    """A before/after value as text: lists joined with '; ', mappings as sorted JSON."""
    import json

    if value is None or value == "":
        return empty
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes_text(row: AuditRow, with_ref: bool = True) -> str:
    """'2.7.1 status: not started → completed; …' for tables and CSV."""
    return "; ".join(
        f"{c.ref + ' ' if with_ref else ''}{c.field}: {value_text(c.before, '∅')} → "
        f"{value_text(c.after, '∅')}"
        for c in row.changes
    )


def _words(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return "(none)" if value in (None, "") else str(value)


def _because(data: dict[str, Any]) -> str:
    reason = data.get("reason") or data.get("note") or ""
    return f" — {reason}" if reason else ""


def summarise(record: EventRecord, ref: str, changes: list[Change]) -> str:
    """One sentence saying what happened, in the plan's words."""
    d = record.data
    before = changes[0]["before"] if changes else None
    texts = {
        "Created": lambda: f"Created plan '{d.get('title')}' for {d.get('organisation')}",
        "SourceAdded": lambda: f"Added source {d['code']}: {d['text']}",
        "StandardAdded": lambda: f"Added standard {d['number']}: {d['title']}",
        "PersonAdded": lambda: (
            f"Added {d['kind']} {d['name']}" + (f" ({d['role']})" if d["role"] else "")
        ),
        "GroupAdded": lambda: f"Added group {d['name']}: {_words(d['members'])}",
        "NoteAdded": lambda: f"Added note: {d['text']}",
        "ActionRegistered": lambda: f"Reserved reference {d['ref']}",
        "AccessGranted": lambda: (
            f"Gave {d['person']} {d['role']} access"
            + (f" (was {before.split(';')[0]})" if before else "")
            + _because(d)
        ),
        "AccessRevoked": lambda: (
            (
                f"Revoked {d['person']}'s key {_words(d['keys'])}"
                if d["keys"]
                else f"Revoked all of {d['person']}'s access"
            )
            + _because(d)
        ),
        "Raised": lambda: f"Raised action {ref}: {d['text']}",
        "Reworded": lambda: f"Reworded {d['field'].replace('_', ' ')} of {ref}{_because(d)}",
        "StepAdded": lambda: (
            f"Added key action {ref}: {d['text']} "
            f"(timescale: {_words(d['timescale'])}; leads: {_words(d['leads'])})"
        ),
        "StepReworded": lambda: f"Reworded key action {ref}{_because(d)}",
        "StepRescheduled": lambda: (
            f"Rescheduled {ref} from '{_words(before)}' to '{d['timescale']}'{_because(d)}"
        ),
        "LeadsAssigned": lambda: (
            f"Assigned {ref} to {_words(d['leads'])} (was {_words(before)}){_because(d)}"
        ),
        "StepStatusChanged": lambda: (
            f"Status of {ref}: {_words(before)} → {d['status']}{_because(d)}"
        ),
        "BragRated": lambda: f"Rated {ref} {d['rating'].title()}{_because(d)}",
        "EvidenceAdded": lambda: (
            f"Added evidence to {ref}: {d['title']}"
            + (f" ({d['location']})" if d["location"] else "")
        ),
        "ProgressRecorded": lambda: (
            f"Recorded progress on {ref} for {d['period']} (entry {d['entry_id'][:8]})"
        ),
        "ProgressCorrected": lambda: (
            f"Corrected progress entry {d['corrects'][:8]} of {ref} "
            f"with entry {d['entry_id'][:8]}{_because(d)}"
        ),
        "ProgressWithdrawn": lambda: (
            f"Withdrew progress entry {d['entry_id'][:8]} of {ref}{_because(d)}"
        ),
        "Closed": lambda: f"Closed action {ref}{_because(d)}",
        "Withdrawn": lambda: f"Withdrew action {ref}{_because(d)}",
        "Reopened": lambda: f"Reopened action {ref}{_because(d)}",
    }
    make = texts.get(record.name)
    return make() if make else f"{record.name} on {ref}"
