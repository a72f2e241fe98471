"""Commands that write or read files: ``report``, ``export …``, ``import …`` and ``schema``.

Reports and exports read the plan read only and write their file all or nothing
(``exports/outputs.py``); an existing file is replaced only with ``--force``. Imports and
restores are the only commands besides ``init`` and ``demo`` that may create a database.
"""

from __future__ import annotations

import argparse
import sys

from ...domain.clock import today_in_london
from ...domain.errors import InvalidInput, NotFound, PlanError
from ...store.signing import load_signer
from ..format import plural
from .context import actor, producer, reading, writing
from .render import say


def _done(path: str | None, what: str) -> None:
    if path:
        print(f"{what} written to {path}", file=sys.stderr)


def report(args: argparse.Namespace) -> int:
    from ...exports.jobs import write_report

    day = args.as_at or today_in_london()
    if args.format == "docx" and not args.output:
        raise InvalidInput.one("output", "a Word document needs a file: add -o report.docx")
    with reading(args) as plan_store:
        write_report(
            plan_store,
            day,
            args.format,
            args.output,
            producer(args, plan_store.grants()),
            args.since,
            force=args.force,
            signer=load_signer(),
        )
    _done(args.output, f"Progress report as at {day:%-d %B %Y}")
    return 0


def audit(args: argparse.Namespace) -> int:
    from ...exports.jobs import write_audit
    from ...store.audit import AuditFilter

    if args.since and args.until and args.since > args.until:
        raise InvalidInput.one("since", "is after --until", args.since.isoformat())
    with reading(args) as plan_store:
        if args.action:
            try:
                plan_store.check_reference(args.action)
            except NotFound as exc:
                raise InvalidInput.one("action", str(exc), args.action) from None
        keep = AuditFilter(ref=args.action, since=args.since, until=args.until, by=args.by)
        count = write_audit(
            plan_store, keep, args.format, args.output, bom=args.bom, force=args.force
        )
    _done(args.output, f"Audit trail: {plural(count, 'row')}")
    return 0


def tracker(args: argparse.Namespace) -> int:
    from ...exports.jobs import write_tracker

    with reading(args) as plan_store:
        count = write_tracker(
            plan_store, args.as_at, args.format, args.output, bom=args.bom, force=args.force
        )
    _done(args.output, f"Tracker: {plural(count, 'key action')}")
    return 0


def pack(args: argparse.Namespace) -> int:
    from ...exports.jobs import write_evidence_pack

    day = args.as_at or today_in_london()
    with reading(args) as plan_store:
        write_evidence_pack(
            plan_store,
            day,
            args.output,
            producer(args, plan_store.grants()),
            force=args.force,
            signer=load_signer(),
        )
    _done(args.output, f"Evidence pack as at {day:%-d %B %Y}")
    return 0


def export_events(args: argparse.Namespace) -> int:
    from ...exports.eventlog import write_log
    from ...exports.outputs import output

    with reading(args) as plan_store, output(args.output, force=args.force) as stream:
        count = write_log(plan_store.reader.raw(), stream, signer=load_signer())
    _done(args.output, f"Event log: {plural(count, 'event')}")
    return 0


def import_events(args: argparse.Namespace) -> int:
    from ...exports.eventlog import read_backup
    from ...store.bulk import restore_log
    from .integrity import trusted_keys

    backup = read_backup(args.file, trusted_keys(args, local=False) if args.key else None)
    events = backup.events
    with writing(args, create=True) as service:
        count = restore_log(service, events, actor(args, service.grants()))
        where = service.database.describe()
    say(f"Restored {plural(count, 'event')} from {args.file} into {where}")
    if backup.checkpoint is not None:
        signed = backup.checkpoint.key_id or "not signed"
        say(f"The events match the backup's checkpoint ({backup.checkpoint.time}; {signed}).")
    return 0


def export_plan(args: argparse.Namespace) -> int:
    from ...exports.outputs import output
    from ...exports.plan_document import from_plan, to_json, to_yaml

    with reading(args) as plan_store:
        document = from_plan(plan_store.current())
    with output(args.output, force=args.force) as stream:
        stream.write(to_yaml(document) if args.format == "yaml" else to_json(document))
    _done(args.output, f"Plan ({plural(len(document.actions), 'action')})")
    return 0


def schema(args: argparse.Namespace) -> int:
    import json

    from ...domain.document import PlanDocument

    say(json.dumps(PlanDocument.model_json_schema(), indent=2))
    return 0


def import_plan(args: argparse.Namespace) -> int:
    from ...exports.importing import describe, read_plan
    from ...store.bulk import import_plan as record_plan
    from ...store.bulk import rehearse_import

    who = actor(args, {})  # an import makes a new plan: there is no access list yet
    plan_reading = read_plan(
        args.file,
        plan_date=args.plan_date,
        title=args.title,
        organisation=args.organisation,
        owner=who,
        mapped=args.map,
    )
    document, source = plan_reading.document, plan_reading.provenance
    if args.dry_run:
        _check_empty(args)
        stored = rehearse_import(document, who, source, plan_reading.origins)
        say(describe(plan_reading, stored))
        say("\nDry run: nothing was written.")
        return 0
    with writing(args, create=True) as service:
        count = record_plan(service, document, who, source, plan_reading.origins)
        where = service.database.describe()
    actions = plural(len(document.actions), "action")
    say(f"Imported {actions} ({plural(count, 'event')}) from {plan_reading.path.name} into {where}")
    for warning in plan_reading.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _check_empty(args: argparse.Namespace) -> None:
    """A dry run says now if the real import would be refused for want of an empty database."""
    from ...store.failures import NoPlanHere
    from ...store.opening import open_reader

    try:
        reader = open_reader(args.db)
    except NoPlanHere:
        return
    try:
        if reader.last_position():
            raise PlanError(
                f"{reader.database.describe()} already holds a plan; the import needs an empty "
                "database (--db names another)"
            )
    finally:
        reader.close()
