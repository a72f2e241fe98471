"""The ``plantrail`` command: every change and query from a shell, and the TUI with no command.

Exit codes: 0 success; 2 usage error (argparse); 1 a refusal (validation, unknown reference,
a conflicting edit) with the message on stderr and nothing written. Textual is imported only
when the TUI is opened, so commands start quickly over SSH.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from ..domain.errors import InvalidInput, PlanError
from . import render
from .format import plural

Handler = Callable[[argparse.Namespace], int]

#: Model field → the option a person typed, so messages name what they can see.
_FLAG = {
    "effective_on": "--effective",
    "next_actions": "--next",
    "brag_reason": "--brag-reason",
    "seen_version": "--seen-version",
    "key_outcome": "--outcome",
    "expected_evidence": "--expected-evidence",
    "cadence_days": "--cadence",
    "plan_date": "--plan-date",
    "owners": "--owner",
    "members": "--member",
    "leads": "LEAD",
    "sources": "--source",
    "step": "KEY_ACTION",
    "ref": "REF",
    "entry": "ENTRY",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return open_tui(args)
        return handler(args)
    except InvalidInput as exc:
        for problem in exc.problems:
            name = problem.field
            flag = _FLAG.get(name) or (
                name if name.startswith("-") else f"--{name.replace('_', '-')}"
            )
            given = "" if problem.given is None else f" (given: {problem.given!r})"
            print(f"plantrail: {flag}: {problem.message}{given}", file=sys.stderr)
        return 1
    except PlanError as exc:
        print(f"plantrail: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


# -- helpers ---------------------------------------------------------------------------------


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or os.environ.get("PLANTRAIL_USER") or getpass.getuser())


def _service(args: argparse.Namespace) -> Any:
    from ..store.service import PlanService

    try:
        return PlanService.open(args.db)
    except PlanError:
        raise
    except Exception as exc:  # the database could not be opened: say which and why
        from ..store.config import Database

        where = Database.parse(args.db).describe()
        raise PlanError(f"cannot open the plan store at {where}: {exc}") from exc


def _common(args: argparse.Namespace) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if getattr(args, "effective", None):
        data["effective_on"] = args.effective
    if getattr(args, "seen_version", None) is not None:
        data["seen_version"] = args.seen_version
    return data


def _commands() -> Any:
    """The command models, imported only when a command writes (pydantic models cost ~90 ms
    to build, which `plantrail show` should not pay)."""
    from ..domain import commands

    return commands


def _run(
    model: str,
    method: str,
    done: Callable[[Any], str] | None = None,
    **fields: Callable[[argparse.Namespace], Any],
) -> Handler:
    """A handler that validates ``model`` from the arguments and calls ``service.method``."""

    def handler(args: argparse.Namespace) -> int:
        data = {name: get(args) for name, get in fields.items()}
        c = _commands()
        given = {k: v for k, v in data.items() if v is not None}
        cmd = c.validate(getattr(c, model), **given, **_common(args))
        service = _service(args)
        try:
            result = getattr(service, method)(cmd, _actor(args))
        finally:
            service.close()
        if done is not None:
            print(done(result))
        return 0

    return handler


def _arg(name: str) -> Callable[[argparse.Namespace], Any]:
    return lambda args: getattr(args, name)


def _const(value: str) -> Callable[[Any], str]:
    return lambda _: value


def _date_arg(flag: str) -> Callable[[str], date]:
    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{flag}: {text!r} is not a date (YYYY-MM-DD)"
            ) from None

    return parse


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-known-at: {text!r} is not a timestamp (YYYY-MM-DDTHH:MM[:SS][+00:00])"
        ) from None


# -- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        service.create_plan(
            _commands().validate(
                _commands().CreatePlan,
                title=args.title,
                organisation=args.organisation,
                owners=args.owner or [],
                plan_date=args.plan_date or date.today(),
                cadence_days=args.cadence,
                **_common(args),
            ),
            _actor(args),
        )
    finally:
        service.close()
    print(f"Created plan '{args.title}' in {service.database.describe()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..store.demo import load_demo

    service = _service(args)
    try:
        if service.last_position():
            if args.open:
                print(f"{service.database.describe()} already holds a plan; opening it.")
                return open_tui(args)
            raise PlanError(
                f"{service.database.describe()} already holds events; the demo needs a fresh "
                "database (use --db to name another file)"
            )
        load_demo(service)
        summary = service.current()
    finally:
        service.close()
    print(
        f"Loaded the demo plan '{summary.title}' ({plural(summary.events, 'event')}) into "
        f"{service.database.describe()}."
    )
    return open_tui(args) if args.open else 0


def cmd_show(args: argparse.Namespace) -> int:
    if args.as_at and args.as_known_at:
        raise InvalidInput.one("as_at", "use either --as-at or --as-known-at, not both")
    as_json = args.format == "json"
    when = {"day": args.as_at, "moment": args.as_known_at}
    replaying = bool(args.as_at or args.as_known_at)
    service = _service(args)
    try:
        action = service.action_at(args.ref, **when) if args.ref else None
        if as_json and action is None:
            plan: Any = (
                (service.as_at(args.as_at) if args.as_at else service.as_known_at(args.as_known_at))
                if replaying
                else service.current()
            )
        else:
            plan = service.overview_at(**when) if replaying else service.overview()
    finally:
        service.close()
    if action is not None:
        print(action.model_dump_json(indent=2) if as_json else render.action_detail(plan, action))
    else:
        print(plan.model_dump_json(indent=2) if as_json else render.plan_table(plan))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from ..store.audit import AuditFilter

    service = _service(args)
    try:
        keep = AuditFilter(ref=args.ref, since=args.since, until=args.until, by=args.by)
        rows = list(service.history(keep))
    finally:
        service.close()
    render.history(rows, args.format, sys.stdout)
    return 0


def open_tui(args: argparse.Namespace) -> int:
    """No command: open the plan in the terminal interface."""
    from .app import run_tui

    service = _service(args)
    try:
        service.overview()  # says "run plantrail init" (exit 1) rather than an empty screen
    finally:
        service.close()
    return run_tui(args.db, _actor(args))


# -- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plantrail",
        description="Run an improvement action plan: record progress, replay history, prove it.",
        epilog="With no command, opens the plan in the terminal interface.",
    )
    parser.add_argument(
        "--db",
        help="SQLite file (default $PLANTRAIL_DB or ./plantrail.db) "
        "or postgresql://user@host:port/dbname",
    )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        help="who is making the change (default $PLANTRAIL_USER or login name)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str,
        help_text: str,
        handler: Handler,
        *,
        parent: Any = sub,
        effective: bool = True,
        replacing: bool = False,
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        if effective:
            p.add_argument(
                "--effective",
                type=_date_arg("--effective"),
                metavar="DATE",
                help="the date this is true from (default today; never later)",
            )
        if replacing:
            p.add_argument(
                "--seen-version",
                type=int,
                metavar="N",
                help="refuse if the action changed after version N (as you saw it)",
            )
        return p

    p = command("init", "create the plan in an empty database", cmd_init)
    p.add_argument("--title", required=True)
    p.add_argument("--organisation", required=True)
    p.add_argument("--owner", action="append", help="plan owner (repeatable)")
    p.add_argument("--plan-date", type=_date_arg("--plan-date"), metavar="DATE")
    p.add_argument("--cadence", type=int, default=28, help="days between updates (default 28)")

    p = command(
        "demo", "load the fictional demo plan into a fresh database", cmd_demo, effective=False
    )
    p.add_argument(
        "--open",
        action="store_true",
        help="then open it; if the database already holds a plan, just open that",
    )

    def group(name: str, help_text: str) -> Any:
        return sub.add_parser(name, help=help_text).add_subparsers(metavar="ACTION", required=True)

    sources = group("source", "sources that raised items, e.g. (a) the inspection")
    p = command(
        "add",
        "add a source",
        _run(
            "AddSource",
            "add_source",
            lambda code: f"Added source {code}",
            code=_arg("code"),
            text=_arg("text"),
        ),
        parent=sources,
    )
    p.add_argument("code")
    p.add_argument("text")

    standards = group("standard", "the plan's numbered standards (themes)")
    p = command(
        "add",
        "add a standard",
        _run(
            "AddStandard",
            "add_standard",
            lambda n: f"Added standard {n}",
            number=_arg("number"),
            title=_arg("title"),
        ),
        parent=standards,
    )
    p.add_argument("number", type=int)
    p.add_argument("title")

    for kind in ("person", "role"):
        people = group(kind, f"the directory: a {kind} who can lead key actions")
        p = command(
            "add",
            f"add a {kind}",
            _run(
                "AddPerson",
                "add_person",
                lambda n: f"Added {n} to the directory",
                name=_arg("name"),
                kind=_const(kind),
                role=_arg("role"),
            ),
            parent=people,
        )
        p.add_argument("name")
        p.add_argument("--role", default="", help="job title, e.g. 'Head of Service'")

    groups = group("group", "the directory: a named group of people, e.g. All Team Managers")
    p = command(
        "add",
        "add a group",
        _run(
            "AddGroup",
            "add_group",
            lambda n: f"Added group {n}",
            name=_arg("name"),
            members=_arg("member"),
        ),
        parent=groups,
    )
    p.add_argument("name")
    p.add_argument("--member", action="append", default=[], required=True)

    notes = group("note", "the plan's notes")
    p = command(
        "add",
        "add a note",
        _run("AddNote", "add_note", lambda _: "Added note", text=_arg("text")),
        parent=notes,
    )
    p.add_argument("text")

    actions = group("action", "actions (areas for development)")
    p = command(
        "add",
        "raise an action",
        _run(
            "RaiseAction",
            "raise_action",
            lambda ref: f"Raised action {ref}",
            ref=_arg("ref"),
            standard=_arg("standard"),
            text=_arg("text"),
            sources=_arg("source"),
            key_outcome=_arg("outcome"),
            expected_evidence=_arg("expected_evidence"),
        ),
        parent=actions,
    )
    p.add_argument("--ref", help="reference such as 2.7 (default: next in the standard)")
    p.add_argument("--standard", type=int)
    p.add_argument("--text", required=True)
    p.add_argument("--source", action="append", default=[])
    p.add_argument("--outcome", default="", help="key outcome")
    p.add_argument("--expected-evidence", default="")
    p = command(
        "reword",
        "reword an action's text, key outcome or expected evidence",
        _run(
            "RewordAction",
            "reword_action",
            lambda _: "Reworded",
            ref=_arg("ref"),
            field=_arg("field"),
            value=_arg("text"),
            reason=_arg("reason"),
        ),
        parent=actions,
        replacing=True,
    )
    p.add_argument("ref")
    p.add_argument("--field", default="text", choices=["text", "key_outcome", "expected_evidence"])
    p.add_argument("--text", required=True)
    p.add_argument("--reason", default="")

    steps = group("key-action", "key actions: the numbered things done under an action")
    p = command(
        "add",
        "add a key action",
        _run(
            "AddStep",
            "add_step",
            lambda ref: f"Added key action {ref}",
            ref=_arg("ref"),
            text=_arg("text"),
            timescale=_arg("timescale"),
            leads=_arg("lead"),
        ),
        parent=steps,
    )
    p.add_argument("ref", help="the action, e.g. 2.7")
    p.add_argument("--text", required=True)
    p.add_argument("--timescale", default="", help="in the plan's words, e.g. 'End Oct 26'")
    p.add_argument("--lead", action="append", default=[])
    p = command(
        "reword",
        "reword a key action",
        _run(
            "RewordStep",
            "reword_step",
            lambda _: "Reworded",
            step=_arg("step"),
            text=_arg("text"),
            reason=_arg("reason"),
        ),
        parent=steps,
        replacing=True,
    )
    p.add_argument("step", metavar="KEY_ACTION", help="e.g. 2.7.1")
    p.add_argument("--text", required=True)
    p.add_argument("--reason", default="")

    p = command(
        "update",
        "record a progress entry (and optionally a BRAG rating)",
        _run(
            "RecordProgress",
            "record_progress",
            lambda e: f"Recorded entry {e[:8]}",
            ref=_arg("ref"),
            period=_arg("period"),
            narrative=_arg("narrative"),
            next_actions=_arg("next"),
            brag=_arg("brag"),
            brag_reason=_arg("brag_reason"),
        ),
        replacing=True,
    )
    p.add_argument("ref")
    p.add_argument("--period", required=True, help="e.g. 'October 2026'")
    p.add_argument("--narrative", required=True, help="what has happened")
    p.add_argument("--next", default="", help="actions from this period")
    p.add_argument("--brag", help="blue, red, amber, green or grey (or B R A G N)")
    p.add_argument("--brag-reason", default="", help="required for red or amber")

    p = command(
        "correct",
        "correct a progress entry (the original stays, marked corrected)",
        _run(
            "CorrectProgress",
            "correct_progress",
            lambda e: f"Recorded correction {e[:8]}",
            ref=_arg("ref"),
            entry=_arg("entry"),
            period=_arg("period"),
            narrative=_arg("narrative"),
            next_actions=_arg("next"),
            reason=_arg("reason"),
        ),
    )
    p.add_argument("ref")
    p.add_argument("entry", help="the entry id (its first 8 characters are enough)")
    p.add_argument("--period", required=True)
    p.add_argument("--narrative", required=True)
    p.add_argument("--next", default="")
    p.add_argument("--reason", required=True)

    p = command(
        "retract",
        "withdraw a progress entry (it stays, marked withdrawn)",
        _run(
            "WithdrawProgress",
            "withdraw_progress",
            lambda _: "Withdrawn",
            ref=_arg("ref"),
            entry=_arg("entry"),
            reason=_arg("reason"),
        ),
    )
    p.add_argument("ref")
    p.add_argument("entry")
    p.add_argument("--reason", required=True)

    p = command(
        "status",
        "change a key action's status",
        _run(
            "ChangeStepStatus",
            "change_step_status",
            lambda _: "Status changed",
            step=_arg("step"),
            status=_arg("status"),
            note=_arg("note"),
        ),
        replacing=True,
    )
    p.add_argument("step", metavar="KEY_ACTION", help="e.g. 2.7.1")
    p.add_argument(
        "status",
        help="not started | in progress | in place | completed | achieved and ongoing | withdrawn",
    )
    p.add_argument("--note", default="")

    p = command(
        "reschedule",
        "give a key action a new timescale (the old one stays in history)",
        _run(
            "RescheduleStep",
            "reschedule_step",
            lambda _: "Rescheduled",
            step=_arg("step"),
            timescale=_arg("timescale"),
            reason=_arg("reason"),
        ),
        replacing=True,
    )
    p.add_argument("step", metavar="KEY_ACTION", help="e.g. 2.7.1")
    p.add_argument("timescale", help="in the plan's words, e.g. 'End Jan 27'")
    p.add_argument("--reason", required=True)

    p = command(
        "assign",
        "set a key action's lead(s)",
        _run(
            "AssignLeads",
            "assign_leads",
            lambda _: "Leads assigned",
            step=_arg("step"),
            leads=_arg("lead"),
            reason=_arg("reason"),
        ),
        replacing=True,
    )
    p.add_argument("step", metavar="KEY_ACTION", help="e.g. 2.7.1")
    p.add_argument("lead", nargs="+")
    p.add_argument("--reason", default="")

    p = command(
        "rate",
        "set an action's BRAG rating",
        _run(
            "RateAction",
            "rate_action",
            lambda _: "Rated",
            ref=_arg("ref"),
            rating=_arg("rating"),
            reason=_arg("reason"),
        ),
        replacing=True,
    )
    p.add_argument("ref")
    p.add_argument("rating")
    p.add_argument("--reason", default="", help="required for red or amber")

    evidence = group("evidence", "evidence that an action is done")
    p = command("add", "add an evidence item", cmd_add_evidence, parent=evidence)
    p.add_argument("ref")
    p.add_argument("--title", required=True)
    p.add_argument("--location", default="", help="where it is kept (path, URL, system)")
    p.add_argument("--file", help="a file to fingerprint: its SHA-256 and size are recorded")
    p.add_argument(
        "--key-action", dest="step", type=int, metavar="N", help="the key action it evidences"
    )

    for name, method, verb in (
        ("close", "close_action", "Closed"),
        ("withdraw", "withdraw_action", "Withdrew"),
        ("reopen", "reopen_action", "Reopened"),
    ):
        p = command(
            name,
            f"{name} an action",
            _run(
                "ChangeActionState",
                method,
                _const(f"{verb} the action"),
                ref=_arg("ref"),
                reason=_arg("reason"),
            ),
        )
        p.add_argument("ref")
        p.add_argument("--reason", default="", required=name != "close")

    p = command("show", "show the plan, or one action", cmd_show, effective=False)
    p.add_argument("ref", nargs="?")
    p.add_argument(
        "--as-at",
        type=_date_arg("--as-at"),
        metavar="DATE",
        help="the plan as at a date (by effective date)",
    )
    p.add_argument(
        "--as-known-at",
        type=_moment,
        metavar="TIMESTAMP",
        help="the plan as recorded up to an instant (Europe/London unless a zone is given)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")

    from .cli_exports import add_commands

    add_commands(sub, command, _date_arg)
    p = command("history", "the audit trail: who changed what, when", cmd_history, effective=False)
    p.add_argument("ref", nargs="?", help="an action or key action (default: the whole plan)")
    p.add_argument("--since", type=_date_arg("--since"), metavar="DATE")
    p.add_argument("--until", type=_date_arg("--until"), metavar="DATE")
    p.add_argument("--by", metavar="PERSON")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    return parser


def cmd_add_evidence(args: argparse.Namespace) -> int:
    from ..store.files import fingerprint

    sha256, size = fingerprint(args.file) if args.file else ("", None)
    c = _commands()
    cmd = c.validate(
        c.AddEvidence,
        ref=args.ref,
        title=args.title,
        location=args.location or (args.file or ""),
        sha256=sha256,
        size=size,
        step=args.step,
        **_common(args),
    )
    service = _service(args)
    try:
        service.add_evidence(cmd, _actor(args))
    finally:
        service.close()
    print(f"Added evidence '{args.title}' to {args.ref}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
