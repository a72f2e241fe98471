"""Whole export jobs (what to read, which format, where to write), shared by the command line
and the TUI's export menu so both produce the same files."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain.clock import LONDON, now
from ..domain.errors import InvalidInput
from ..store.audit import AuditFilter
from . import audit_export, report_render, tracker
from .outputs import output
from .report import build_report

REPORT_FORMATS = ("md", "html", "docx")
TRACKER_FORMATS = ("csv", "xlsx")


def write_report(
    service: Any, day: date, fmt: str, path: str | None, actor: str, since: date | None = None
) -> None:
    """The progress report as at ``day`` in ``fmt`` (md, html, docx) to ``path`` or stdout."""
    if fmt not in REPORT_FORMATS:
        raise InvalidInput.one("--format", f"must be one of {', '.join(REPORT_FORMATS)}", fmt)
    if fmt == "docx" and not path:
        raise InvalidInput.one("-o", "a Word document needs a file: add -o report.docx")
    plan = service.as_at(day)
    report = build_report(
        plan,
        list(service.records()),
        produced_at=now().astimezone(LONDON),
        produced_by=actor,
        since=since,
    )
    with output(path, binary=fmt == "docx") as stream:
        if fmt == "docx":
            stream.write(report_render.to_docx(report))
        elif fmt == "html":
            stream.write(report_render.to_html(report))
        else:
            stream.write(report_render.to_markdown(report))


def write_audit(
    service: Any,
    keep: AuditFilter,
    fmt: str,
    path: str | None,
    *,
    bom: bool = False,
    progress: audit_export.Progress | None = None,
) -> int:
    """The audit trail (filtered by ``keep``) in ``fmt``; returns the number of rows."""
    if fmt not in audit_export.FORMATS:
        raise InvalidInput.one("--format", f"must be one of {', '.join(audit_export.FORMATS)}", fmt)
    with output(path, binary=fmt == "xlsx", bom=bom) as stream:
        return audit_export.write(service.history(keep), fmt, stream, progress)


def write_tracker(
    service: Any, day: date | None, fmt: str, path: str | None, *, bom: bool = False
) -> int:
    """One row per key action, as at ``day`` (or now); returns the number of rows."""
    if fmt not in TRACKER_FORMATS:
        raise InvalidInput.one("--format", f"must be one of {', '.join(TRACKER_FORMATS)}", fmt)
    plan = service.as_at(day) if day else service.current()
    with output(path, binary=fmt == "xlsx", bom=bom) as stream:
        writer = tracker.write_xlsx if fmt == "xlsx" else tracker.write_csv
        return writer(plan, stream)
