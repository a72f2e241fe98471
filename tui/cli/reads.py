"""Commands that only read the plan: ``show`` and ``history``. They open the database read
only, so they work on a file or folder the person cannot write and never create a file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ...domain.errors import InvalidInput
from .context import reading
from .render import (
    action_detail,
    history,
    history_table,
    key_action_detail,
    plan_table,
    say,
    say_json,
)


def show(args: argparse.Namespace) -> int:
    """The plan (or one action) now, as at a date, or as known at an instant. A short-lived
    command that builds one large result: the cyclic collector waits until it is printed."""
    from ...store.queries import collector_paused

    with collector_paused():
        return _show(args)


def _show(args: argparse.Namespace) -> int:
    if args.as_at and args.as_known_at:
        raise InvalidInput.one("as_at", "use either --as-at or --as-known-at, not both")
    as_json = args.format == "json"
    when = {"day": args.as_at, "moment": args.as_known_at}
    with reading(args) as plan_store:
        action: Any = None
        step: Any = None
        plan: Any
        if args.ref and as_json:
            plan, action = None, plan_store.page_at(args.ref, **when)
            if isinstance(action, tuple):  # a key action: its own fields
                action, step = None, action[1]
        elif args.ref:  # one action's page is headed by the plan's heading alone
            plan, action, step = plan_store.action_digest(args.ref, **when)
        elif as_json:
            if args.as_at:
                plan = plan_store.as_at(args.as_at)
            elif args.as_known_at:
                plan = plan_store.as_known_at(args.as_known_at)
            else:
                plan = plan_store.current()
        else:
            plan = plan_store.digest(**when)
    if step is not None:
        if as_json:
            from ...store.steps import step_json

            say_json(step_json(step, indent=2))
        else:
            say(key_action_detail(plan, action, step))
    elif action is not None:
        if as_json:
            say_json(action.model_dump_json(indent=2))
        else:
            say(action_detail(plan, action))
    elif as_json:
        say_json(plan.model_dump_json(indent=2))
    else:
        say(plan_table(plan))
    return 0


def audit_trail(args: argparse.Namespace) -> int:
    """``history``: the audit trail, filtered by action, dates and person."""
    from ...store.audit import AuditFilter

    if args.since and args.until and args.since > args.until:
        raise InvalidInput.one("since", "is after --until", args.since.isoformat())
    keep = AuditFilter(ref=args.ref, since=args.since, until=args.until, by=args.by)
    with reading(args) as plan_store:
        if args.format == "csv":  # the audit export's CSV, streamed as the log is folded
            from ...exports.audit_export import write

            write(plan_store.history_entries(keep), "csv", sys.stdout)
        elif args.format == "json":  # printed as the log is folded
            history(plan_store.history(keep), sys.stdout)
        else:
            history_table(plan_store.history_entries(keep), sys.stdout)
    return 0
