"""The command line's reports, exports and imports (`report`, `export ...`, `import ...`).

Kept apart from ``cli.py`` so the everyday commands stay small; every handler reads through
the application service and writes files all-or-nothing (``exports/outputs.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from ..domain.clock import LONDON, now
from ..domain.errors import InvalidInput
from .format import plural

Handler = Callable[[argparse.Namespace], int]


def add_commands(
    sub: Any,
    command: Callable[..., argparse.ArgumentParser],
    date_arg: Callable[[str], Callable[[str], date]],
) -> None:
    """Register `report`, `export audit|tracker|pack|events` and `import events`."""
    p = command(
        "report", "the progress report as at a date (default today)", cmd_report, effective=False
    )
    p.add_argument("--as-at", type=date_arg("--as-at"), metavar="DATE")
    p.add_argument(
        "--since",
        type=date_arg("--since"),
        metavar="DATE",
        help="also list key actions rescheduled since this date (e.g. the last report)",
    )
    p.add_argument("--format", choices=["md", "html", "docx"], default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")

    exports = sub.add_parser("export", help="audit trail, tracker, evidence pack, event log")
    kinds = exports.add_subparsers(metavar="WHAT", required=True)
    p = command(
        "audit", "the audit trail: one row per change", cmd_audit, parent=kinds, effective=False
    )
    p.add_argument("--format", choices=["csv", "jsonl", "md", "html", "xlsx"], default="csv")
    p.add_argument("--since", type=date_arg("--since"), metavar="DATE")
    p.add_argument("--until", type=date_arg("--until"), metavar="DATE")
    p.add_argument("--action", metavar="REF", help="one action or key action, e.g. 2.7")
    p.add_argument("--by", metavar="PERSON")
    p.add_argument(
        "--bom",
        action="store_true",
        help="CSV: start with a UTF-8 byte order mark "
        "(Excel on Windows then reads accents correctly)",
    )
    p.add_argument("-o", "--output", metavar="FILE")
    p = command("tracker", "one row per key action", cmd_tracker, parent=kinds, effective=False)
    p.add_argument("--as-at", type=date_arg("--as-at"), metavar="DATE")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--bom", action="store_true")
    p.add_argument("-o", "--output", metavar="FILE")
    p = command(
        "pack", "an evidence pack (zip) as at a date", cmd_pack, parent=kinds, effective=False
    )
    p.add_argument("--as-at", type=date_arg("--as-at"), metavar="DATE", required=True)
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    p = command(
        "events",
        "every stored event (a backup, restorable with `import events`)",
        cmd_export_events,
        parent=kinds,
        effective=False,
    )
    p.add_argument("-o", "--output", metavar="FILE", required=True)

    p = command(
        "plan",
        "the plan in plantrail's own format (YAML or JSON)",
        cmd_export_plan,
        parent=kinds,
        effective=False,
    )
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    p.add_argument("-o", "--output", metavar="FILE")
    command(
        "schema", "print the JSON Schema of plantrail's plan format", cmd_schema, effective=False
    )

    imports = sub.add_parser("import", help="bring a plan in, or restore an event-log backup")
    kinds = imports.add_subparsers(metavar="WHAT", required=True)
    p = command(
        "plan",
        "import a plan from Word, Excel, CSV, YAML or JSON (all or nothing)",
        cmd_import_plan,
        parent=kinds,
        effective=False,
    )
    p.add_argument("file")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be created; write nothing"
    )
    p.add_argument(
        "--plan-date",
        type=date_arg("--plan-date"),
        metavar="DATE",
        help="the date the plan's items are effective from (default: from the file)",
    )
    p.add_argument("--title")
    p.add_argument("--organisation")
    p = command(
        "events",
        "restore an event log into an empty database",
        cmd_import_events,
        parent=kinds,
        effective=False,
    )
    p.add_argument("file")


def _service(args: argparse.Namespace) -> Any:
    from .cli import _service as open_service

    return open_service(args)


def _actor(args: argparse.Namespace) -> str:
    from .cli import _actor as actor

    return actor(args)


def cmd_report(args: argparse.Namespace) -> int:
    from ..exports.jobs import write_report

    day = args.as_at or now().astimezone(LONDON).date()
    if args.format == "docx" and not args.output:
        raise InvalidInput.one("-o", "a Word document needs a file: add -o report.docx")
    service = _service(args)
    try:
        write_report(service, day, args.format, args.output, _actor(args), args.since)
    finally:
        service.close()
    _done(args.output, f"Progress report as at {day:%-d %B %Y}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from ..exports.jobs import write_audit
    from ..store.audit import AuditFilter

    if args.since and args.until and args.since > args.until:
        raise InvalidInput.one("--since", "is after --until", args.since.isoformat())
    service = _service(args)
    try:
        if args.action:
            plan = service.overview()
            action_ref = args.action if plan.find(args.action) else args.action.rsplit(".", 1)[0]
            if plan.find(action_ref) is None:
                raise InvalidInput.one(
                    "--action", "is not an action or key action of this plan", args.action
                )
        keep = AuditFilter(ref=args.action, since=args.since, until=args.until, by=args.by)
        count = write_audit(service, keep, args.format, args.output, bom=args.bom)
    finally:
        service.close()
    _done(args.output, f"Audit trail: {plural(count, 'row')}")
    return 0


def cmd_tracker(args: argparse.Namespace) -> int:
    from ..exports.jobs import write_tracker

    service = _service(args)
    try:
        count = write_tracker(service, args.as_at, args.format, args.output, bom=args.bom)
    finally:
        service.close()
    _done(args.output, f"Tracker: {plural(count, 'key action')}")
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from ..exports.outputs import output
    from ..exports.pack import build_pack

    service = _service(args)
    try:
        data = build_pack(service, args.as_at, produced_by=_actor(args), produced_at=now())
    finally:
        service.close()
    with output(args.output, binary=True) as stream:
        stream.write(data)
    _done(args.output, f"Evidence pack as at {args.as_at:%-d %B %Y}")
    return 0


def cmd_export_events(args: argparse.Namespace) -> int:
    from ..exports.eventlog import write_log
    from ..exports.outputs import output

    service = _service(args)
    try:
        with output(args.output) as stream:
            count = write_log(service.reader.raw(), stream)
    finally:
        service.close()
    _done(args.output, f"Event log: {plural(count, 'event')}")
    return 0


def cmd_import_events(args: argparse.Namespace) -> int:
    from ..exports.eventlog import read_log

    events = read_log(args.file)
    service = _service(args)
    try:
        count = service.restore_log(events, _actor(args))
    finally:
        service.close()
    print(f"Restored {plural(count, 'event')} from {args.file} into {service.database.describe()}")
    return 0


def cmd_export_plan(args: argparse.Namespace) -> int:
    from ..exports.outputs import output
    from ..exports.plan_document import from_plan, to_json, to_yaml

    service = _service(args)
    try:
        document = from_plan(service.current())
    finally:
        service.close()
    with output(args.output) as stream:
        stream.write(to_yaml(document) if args.format == "yaml" else to_json(document))
    _done(args.output, f"Plan ({plural(len(document.actions), 'action')})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from ..domain.document import PlanDocument

    print(json.dumps(PlanDocument.model_json_schema(), indent=2))
    return 0


def cmd_import_plan(args: argparse.Namespace) -> int:
    from ..exports.import_plan import describe, read_plan

    actor = _actor(args)
    reading = read_plan(
        args.file,
        plan_date=args.plan_date,
        title=args.title,
        organisation=args.organisation,
        owner=actor,
    )
    if args.dry_run:
        print(describe(reading))
        print("\nDry run: nothing was written.")
        return 0
    service = _service(args)
    try:
        count = service.import_plan(reading.document, actor, reading.provenance)
    finally:
        service.close()
    print(
        f"Imported {plural(len(reading.document.actions), 'action')} ({plural(count, 'event')}) from "
        f"{reading.path.name} into {service.database.describe()}"
    )
    for warning in reading.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _done(path: str | None, what: str) -> None:
    if path:
        print(f"{what} written to {path}", file=sys.stderr)
