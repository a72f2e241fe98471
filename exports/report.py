"""The progress report "as at" a date: what boards and inspectors receive.

Built only from what was effective on the report date (the plan as at that date), in the shape
councils already use: a title block, a summary per standard, then per standard and action the
action's words, its key actions with leads, timescale and status, the latest progress under
"Progress <period>", what comes next under "Action from <period>", evidence and the BRAG rating.
A footnote says how many later corrections exist, so a reader knows the record moved on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ..domain.clock import in_london
from ..domain.text import all_visible, visible, visible_everywhere
from ..store.integrity import Checkpoint
from ..store.records import EventRecord
from ..store.steps import StepOut
from ..store.views import ActionOut, PlanOut

CORRECTIONS = {"ProgressCorrected", "ProgressWithdrawn"}
ENTRIES = {"ProgressRecorded", "ProgressCorrected"}
BRAG_NAMES = ["blue", "red", "amber", "green", "grey", None]


@dataclass
class Rescheduled:
    ref: str
    text: str
    from_words: str
    to_words: str
    reason: str
    effective_on: date


@dataclass
class ProgressReport:
    """Everything a rendering needs; renderings add no facts of their own."""

    plan: PlanOut
    as_at: date
    produced_at: datetime | None  # None in an evidence pack: the manifest says when
    produced_by: str
    since: date | None
    brag_counts: dict[str, dict[str, int]]
    status_counts: dict[str, dict[str, int]]
    overdue: list[tuple[ActionOut, StepOut]]
    rescheduled: list[Rescheduled]
    later_corrections: int
    backdated: int
    checkpoint: Checkpoint | None = None  # the log as it stood when the report was made

    @property
    def title(self) -> str:
        return f"{self.plan.title} - Progress as at {self.as_at:%-d %B %Y}"


def build_report(
    plan: PlanOut,
    records: Iterable[EventRecord],
    *,
    produced_at: datetime | None,
    produced_by: str,
    since: date | None = None,
    checkpoint: Checkpoint | None = None,
) -> ProgressReport:
    """Assemble the report from the plan as at its date and the whole log (for the footnote,
    read once as it streams by).

    Every stored string is made visible first (``domain/text.py``): a report renders the same,
    and never breaks, whatever an old log holds. The plan is rebuilt only when something in it
    would change (a check in C over its JSON): at 100,000 events the rebuild took a second."""
    if not all_visible(plan.model_dump_json()):
        plan = PlanOut.model_validate(visible_everywhere(plan.model_dump()))
    produced_by = visible(produced_by)
    as_at = plan.as_at or plan.viewed_on
    brag_counts, status_counts = {}, {}
    for standard in plan.standards:
        name = standard_name(standard.number, standard.title)
        brag_counts[name] = dict(Counter(a.brag or "unrated" for a in standard.actions))
        status_counts[name] = dict(Counter(s.status for a in standard.actions for s in a.steps))
    overdue = [(a, s) for a in plan.actions() for s in a.steps if s.overdue]
    rescheduled = [
        Rescheduled(s.ref, s.text, r.from_words, r.to_words, r.reason, r.effective_on)
        for a in plan.actions()
        for s in a.steps
        for r in s.reschedules
        if since is not None and r.effective_on > since
    ]
    later, backdated = _footnote_counts(records, as_at)
    return ProgressReport(
        plan,
        as_at,
        produced_at,
        produced_by,
        since,
        brag_counts,
        status_counts,
        overdue,
        rescheduled,
        later,
        backdated,
        checkpoint,
    )


def _footnote_counts(records: Iterable[EventRecord], as_at: date) -> tuple[int, int]:
    """How many corrections or withdrawals made effective after ``as_at`` touch an entry the
    report shows (effective by then), and how many changes effective by then were recorded
    after it (back-dated). One pass: an entry is always recorded before what corrects it."""
    day = as_at.isoformat()
    shown: set[str] = set()  # ids of entries effective by the day
    later = backdated = 0
    for r in records:
        if r.effective_on <= day:
            if r.name in ENTRIES:
                shown.add(r.data.get("entry_id", ""))
            if in_london(datetime.fromisoformat(r.recorded_at)).date() > as_at:
                backdated += 1
        elif r.name in CORRECTIONS and (r.data.get("corrects") or r.data.get("entry_id")) in shown:
            later += 1
    return later, backdated


def standard_name(number: int | None, title: str) -> str:
    return f"Standard {number} - {title}" if number is not None else "Actions"


def footnote(report: ProgressReport) -> str:
    parts = [
        f"This report shows the plan as it stood on {report.as_at:%-d %B %Y}, using only what was "
        "effective on or before that date."
    ]
    if report.backdated:
        parts.append(
            f"{report.backdated} of those changes were recorded after that date and "
            "back-dated to it (the audit trail shows when each was recorded)."
        )
    if report.later_corrections:
        parts.append(
            f"{report.later_corrections} later correction(s) to progress shown here have "
            "been recorded since; see the current plan or the audit trail."
        )
    else:
        parts.append("No later corrections to the progress shown here have been recorded.")
    if report.checkpoint is not None:
        parts.append(report.checkpoint.footer())
    return " ".join(parts)


def latest_progress(action: ActionOut) -> tuple[str, str, str] | None:
    """(period, narrative, next actions) of the newest current entry, if any."""
    entry = action.latest_progress
    if entry is None:
        return None
    return entry.period, entry.narrative, entry.next_actions


def step_rows(action: ActionOut) -> list[list[str]]:
    """Key action rows: text, lead(s), timescale words and interpreted due date, status."""
    return [
        [
            s.ref,
            s.text,
            ", ".join(s.leads),
            s.timescale.words + (f" (due {s.timescale.due:%-d %b %Y})" if s.timescale.due else ""),
            s.status + (" - OVERDUE" if s.overdue else ""),
        ]
        for s in action.steps
    ]


STEP_HEADERS = ["Ref", "Key action", "Lead(s)", "Timescale", "Status"]


def brag_text(brag: str | None) -> str:
    return brag.title() if brag else "Not rated"
