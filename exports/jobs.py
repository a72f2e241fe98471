"""Whole export jobs (what to read, which format, where to write), shared by the command line
and the TUI's export menu so both produce the same files."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain.clock import LONDON, now
from ..domain.errors import InvalidInput
from ..store.audit import AuditFilter
from ..store.queries import PlanReader
from . import audit_export, report_render, tracker
from .outputs import check_target, output
from .report import build_report

REPORT_FORMATS = ("md", "html", "docx")
TRACKER_FORMATS = ("csv", "xlsx")


def write_report(
    plan_store: PlanReader,
    day: date,
    fmt: str,
    path: str | None,
    actor: str,
    since: date | None = None,
    *,
    force: bool = True,
    signer: Any = None,
) -> None:
    """The progress report as at ``day`` in ``fmt`` (md, html, docx) to ``path`` or stdout;
    its footer carries the log's checkpoint, signed by ``signer`` when given."""
    if fmt not in REPORT_FORMATS:
        raise InvalidInput.one("format", f"must be one of {', '.join(REPORT_FORMATS)}", fmt)
    if fmt == "docx" and not path:
        raise InvalidInput.one("output", "a Word document needs a file")
    if path:
        check_target(path, force=force)
    plan = plan_store.as_at(day, history=False)  # a report shows the latest entry only
    report = build_report(
        plan,
        plan_store.records(),
        checkpoint=plan_store.checkpoint_now(signer),
        produced_at=now().astimezone(LONDON),
        produced_by=actor,
        since=since,
    )
    with output(path, binary=fmt == "docx", force=force) as stream:
        if fmt == "docx":
            stream.write(report_render.to_docx(report))
        elif fmt == "html":
            stream.write(report_render.to_html(report))
        else:
            stream.write(report_render.to_markdown(report))


def write_audit(
    plan_store: PlanReader,
    keep: AuditFilter,
    fmt: str,
    path: str | None,
    *,
    bom: bool = False,
    progress: audit_export.Progress | None = None,
    force: bool = True,
) -> int:
    """The audit trail (filtered by ``keep``) in ``fmt``; returns the number of rows."""
    if fmt not in audit_export.FORMATS:
        raise InvalidInput.one("format", f"must be one of {', '.join(audit_export.FORMATS)}", fmt)
    with output(path, binary=fmt == "xlsx", bom=bom, force=force) as stream:
        return audit_export.write(plan_store.history_entries(keep), fmt, stream, progress)


def write_tracker(
    plan_store: PlanReader,
    day: date | None,
    fmt: str,
    path: str | None,
    *,
    bom: bool = False,
    force: bool = True,
) -> int:
    """One row per key action, as at ``day`` (or now); returns the number of rows."""
    if fmt not in TRACKER_FORMATS:
        raise InvalidInput.one("format", f"must be one of {', '.join(TRACKER_FORMATS)}", fmt)
    # The overview holds all a tracker shows (key actions, BRAG, the latest progress): no
    # progress history is read or built (1,000,000 events: 2.4 GB and 6.7 s before).
    plan = plan_store.overview_at(day) if day else plan_store.overview()
    with output(path, binary=fmt == "xlsx", bom=bom, force=force) as stream:
        writer = tracker.write_xlsx if fmt == "xlsx" else tracker.write_csv
        return writer(plan, stream)


def write_evidence_pack(
    plan_store: PlanReader,
    day: date,
    path: str,
    actor: str,
    *,
    force: bool = True,
    signer: Any = None,
) -> None:
    """The evidence pack (a zip: reports, audit trail, the log, its checkpoint signed by
    ``signer`` when given, a verifier) as at ``day`` to ``path``, saying ``actor`` made it."""
    from .pack import write_pack

    check_target(path, force=force)  # before the work, not after it
    with output(path, binary=True, force=force) as stream:
        write_pack(plan_store, day, stream, produced_by=actor, produced_at=now(), signer=signer)
