"""The audit trail: one row per stored event, with a sentence a person can read and the field
changes (before → after) that the fold reports for it.

Rows are produced by folding the whole log (before → after needs the state before each event)
and then filtering, so a filtered trail shows exactly the rows of the full one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from ..domain.clock import in_london
from .fold import Change, Recall, View, apply, empty_view, lean_view
from .records import EventRecord

if TYPE_CHECKING:
    from .views import AuditRow


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to keep: an action or key action reference, a date range, a person."""

    ref: str | None = None
    since: date | None = None
    until: date | None = None
    by: str | None = None

    @property
    def dated(self) -> bool:
        return bool(self.since or self.until)

    def keeps(self, row_ref: str, recorded_on: date | None, actor: str) -> bool:
        """``recorded_on`` (the London date of recording) is needed only when :attr:`dated`."""
        if self.ref and not (row_ref == self.ref or row_ref.startswith(f"{self.ref}.")):
            return False
        if self.since and recorded_on is not None and recorded_on < self.since:
            return False
        if self.until and recorded_on is not None and recorded_on > self.until:
            return False
        return not (self.by and actor.casefold() != self.by.casefold())


class AuditEntry(NamedTuple):
    """One event of the audit trail as plain values, times as stored (UTC ISO 8601 text).

    What exports stream, a hundred thousand at a time: a tuple costs a fraction of a model per
    row. :meth:`row` gives the :class:`AuditRow` the screens and ``--format json`` use.
    """

    seq: int
    recorded_at: str
    effective_on: str
    actor: str
    ref: str
    event: str
    summary: str
    changes: list[Change]
    provenance: str

    def row(self) -> AuditRow:
        from .views import AuditRow, FieldChange  # pydantic: only where rows are wanted

        return AuditRow(
            seq=self.seq,
            recorded_at=datetime.fromisoformat(self.recorded_at),
            effective_on=date.fromisoformat(self.effective_on),
            actor=self.actor,
            ref=self.ref,
            event=self.event,
            summary=self.summary,
            changes=[FieldChange(**c) for c in self.changes],
            provenance=self.provenance,
        )


_entry = tuple.__new__


def audit_entries(
    records: Iterable[EventRecord], keep: AuditFilter | None = None, recall: Recall | None = None
) -> Iterator[AuditEntry]:
    """Fold ``records`` and yield one :class:`AuditEntry` per event that ``keep`` keeps.

    With ``recall`` (the words a correction replaces, read back from the log) the fold keeps no
    progress entries, so memory stays flat however long the history (``fold.lean_view``).
    """
    view = lean_view(recall) if recall is not None else empty_view()
    keep = keep if keep is not None and keep != AuditFilter() else None
    dated = keep is not None and keep.dated
    for record in records:
        ref = _ref_of(view, record)
        changes = apply(view, record)
        if keep is not None:
            recorded_on = (
                in_london(datetime.fromisoformat(record.recorded_at)).date() if dated else None
            )
            if not keep.keeps(ref, recorded_on, record.actor):
                continue
        provenance = record.data.get("provenance", "")
        yield _entry(  # an AuditEntry, without its Python-level __new__ (once per event)
            AuditEntry,
            (
                record.seq,
                record.recorded_at,
                record.effective_on,
                record.actor,
                ref,
                record.name,
                summarise(record, ref, changes) + (f" [{provenance}]" if provenance else ""),
                changes,
                provenance,
            ),
        )


def audit_rows(
    records: Iterable[EventRecord], keep: AuditFilter | None = None, recall: Recall | None = None
) -> Iterator[AuditRow]:
    """Fold ``records`` and yield one :class:`AuditRow` per event that ``keep`` keeps."""
    return (entry.row() for entry in audit_entries(records, keep, recall))


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


def changes_text(row: AuditRow | AuditEntry, with_ref: bool = True) -> str:
    """'2.7.1 status: not started → completed; …' for tables and CSV, from a row (its changes
    are models) or an entry (plain dicts: the command line's table builds no model)."""
    changes = [c if isinstance(c, dict) else c.model_dump() for c in row.changes]
    return "; ".join(
        f"{c['ref'] + ' ' if with_ref else ''}{c['field']}: {value_text(c['before'], '∅')} → "
        f"{value_text(c['after'], '∅')}"
        for c in changes
    )


def _words(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return "(none)" if value in (None, "") else str(value)


def _because(data: dict[str, Any]) -> str:
    reason = data.get("reason") or data.get("note") or ""
    return f" — {reason}" if reason else ""


#: What a sentence is made from: the event's fields, the reference it is about, and the value
#: its first change replaced.
Sentence = Callable[[dict[str, Any], str, Any], str]

_SENTENCES: dict[str, Sentence] = {
    "Created": lambda d, ref, before: (
        f"Created plan '{d.get('title')}' for {d.get('organisation')}"
    ),
    "SourceAdded": lambda d, ref, before: f"Added source {d['code']}: {d['text']}",
    "StandardAdded": lambda d, ref, before: f"Added standard {d['number']}: {d['title']}",
    "PersonAdded": lambda d, ref, before: (
        f"Added {d['kind']} {d['name']}" + (f" ({d['role']})" if d["role"] else "")
    ),
    "GroupAdded": lambda d, ref, before: f"Added group {d['name']}: {_words(d['members'])}",
    "NoteAdded": lambda d, ref, before: f"Added note: {d['text']}",
    "ActionRegistered": lambda d, ref, before: f"Reserved reference {d['ref']}",
    "AccessGranted": lambda d, ref, before: (
        f"Gave {d['person']} {d['role']} access"
        + (f" (was {before.split(';')[0]})" if before else "")
        + _because(d)
    ),
    "AccessRevoked": lambda d, ref, before: (
        (
            f"Revoked {d['person']}'s key {_words(d['keys'])}"
            if d["keys"]
            else f"Revoked all of {d['person']}'s access"
        )
        + _because(d)
    ),
    "Raised": lambda d, ref, before: f"Raised action {ref}: {d['text']}",
    "Reworded": lambda d, ref, before: (
        f"Reworded {d['field'].replace('_', ' ')} of {ref}{_because(d)}"
    ),
    "StepAdded": lambda d, ref, before: (
        f"Added key action {ref}: {d['text']} "
        f"(timescale: {_words(d['timescale'])}; leads: {_words(d['leads'])})"
    ),
    "StepReworded": lambda d, ref, before: f"Reworded key action {ref}{_because(d)}",
    "StepRescheduled": lambda d, ref, before: (
        f"Rescheduled {ref} from '{_words(before)}' to '{d['timescale']}'{_because(d)}"
    ),
    "LeadsAssigned": lambda d, ref, before: (
        f"Assigned {ref} to {_words(d['leads'])} (was {_words(before)}){_because(d)}"
    ),
    "StepStatusChanged": lambda d, ref, before: (
        f"Status of {ref}: {_words(before)} → {d['status']}{_because(d)}"
    ),
    "BragRated": lambda d, ref, before: f"Rated {ref} {d['rating'].title()}{_because(d)}",
    "EvidenceAdded": lambda d, ref, before: (
        f"Added evidence to {ref}: {d['title']}" + (f" ({d['location']})" if d["location"] else "")
    ),
    "EvidenceWithdrawn": lambda d, ref, before: (
        f"Withdrew evidence {d['evidence_id'][:8]} from {ref}{_because(d)}"
    ),
    "ProgressRecorded": lambda d, ref, before: (
        f"Recorded progress on {ref} for {d['period']} (entry {d['entry_id'][:8]})"
    ),
    "ProgressCorrected": lambda d, ref, before: (
        f"Corrected progress entry {d['corrects'][:8]} of {ref} "
        f"with entry {d['entry_id'][:8]}{_because(d)}"
    ),
    "ProgressWithdrawn": lambda d, ref, before: (
        f"Withdrew progress entry {d['entry_id'][:8]} of {ref}{_because(d)}"
    ),
    "Closed": lambda d, ref, before: f"Closed action {ref}{_because(d)}",
    "Withdrawn": lambda d, ref, before: f"Withdrew action {ref}{_because(d)}",
    "Reopened": lambda d, ref, before: f"Reopened action {ref}{_because(d)}",
}


def summarise(record: EventRecord, ref: str, changes: list[Change]) -> str:
    """One sentence saying what happened, in the plan's words."""
    make = _SENTENCES.get(record.name)
    if make is None:
        return f"{record.name} on {ref}"
    return make(record.data, ref, changes[0]["before"] if changes else None)
