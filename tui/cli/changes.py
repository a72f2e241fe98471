"""Every command that changes the plan, declared once: its words, its arguments, the command
model they fill and the change (``store/changes.py``) that stores it.

Each row of :data:`CHANGES` is typed by its change, so mypy checks that the "done" message
reads what that change returns; the parser and the handler are built from the rows, so a new
change needs one row, not a parser block and a handler.

Long text (``--narrative``, ``--next``) can come from standard input (``--narrative -``) or a
file (``--narrative-file notes.txt``), so a 1 MB narrative is never squeezed onto a line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ...domain.clock import today_in_london
from ...domain.errors import InvalidInput
from .arguments import iso_date
from .context import actor, writing
from .lazy import LazyModule
from .render import say

if TYPE_CHECKING:
    from ...domain import commands as c
    from ...store import changes
    from ...store.changes import Change
else:  # the command models and the write path load when a change runs, not for `--help`
    c = LazyModule("plantrail.domain", "commands")
    changes = LazyModule("plantrail.store", "changes")

C = TypeVar("C", bound="c.Command")
R = TypeVar("R")


@dataclass(frozen=True)
class Arg:
    """One argument: ``name`` is "ref" (positional) or "--period" (an option)."""

    name: str
    help: str = ""
    field: str = ""  # the command model field it fills (default: from the name)
    required: bool = False
    many: bool = False
    text: bool = False  # long text: "-" reads standard input; adds --NAME-file
    type: Callable[[str], Any] | None = None
    default: Any = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def model_field(self) -> str:
        return self.field or self.name.lstrip("-").replace("-", "_")

    @property
    def dest(self) -> str:
        return self.name.lstrip("-").replace("-", "_")

    @property
    def shown(self) -> str:
        """How a message names it: the flag, or the positional's metavar."""
        return self.name if self.name.startswith("-") else (self.metavar or self.name.upper())


@dataclass(frozen=True)
class ChangeCommand(Generic[C, R]):
    """A command line command that makes one change."""

    path: tuple[str, ...]
    help: str
    #: The change, fetched when the command runs (so building the parser imports no models).
    change: Callable[[], Change[C, R]]
    args: tuple[Arg, ...]
    done: Callable[[R], str]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    replacing: bool = False
    create: bool = False
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def flags(self) -> dict[str, str]:
        """Model field → what the person typed for it, for messages."""
        named = {a.model_field: a.shown for a in self.args}
        return {**named, "effective_on": "--effective", "seen_version": "--seen-version"}

    def run(self, args: argparse.Namespace) -> int:
        data: dict[str, Any] = {**self.fixed}
        for arg in self.args:
            value = _long_text(args, arg) if arg.text else getattr(args, arg.dest)
            if value is not None:
                data[arg.model_field] = value
        if getattr(args, "effective", None):
            data["effective_on"] = args.effective
        if getattr(args, "seen_version", None) is not None:
            data["seen_version"] = args.seen_version
        if self.prepare is not None:
            data = self.prepare(data)
        change = self.change()
        command = c.validate(change.model, **data)
        with writing(args, create=self.create) as service:
            result = change(service, command, actor(args, service.grants()))
        say(self.done(result))
        return 0


def _long_text(args: argparse.Namespace, arg: Arg) -> str | None:
    """The value of a long-text argument: typed, from standard input ("-"), or from a file."""
    path = getattr(args, f"{arg.dest}_file", None)
    value = getattr(args, arg.dest)
    if path is not None and value is not None:
        raise InvalidInput.one(arg.model_field, f"give {arg.name} or {arg.name}-file, not both")
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InvalidInput.one(arg.model_field, f"cannot read {path}: {reason}") from None
    if value == "-":
        return sys.stdin.read()
    return str(value) if value is not None else None


def _plan_date_today(data: dict[str, Any]) -> dict[str, Any]:
    return {"plan_date": today_in_london(), **data}


def _fingerprint(data: dict[str, Any]) -> dict[str, Any]:
    """Evidence given as a file: record its SHA-256 and size, and where it is."""
    from ...store.files import fingerprint

    path = data.pop("file", None)
    if path:
        data["sha256"], data["size"] = fingerprint(path)
        data.setdefault("location", path)
    return data


def _read_keys(data: dict[str, Any]) -> dict[str, Any]:
    """``--key FILE`` (repeatable; "-" reads standard input): every key line in each file."""
    from ...domain.access import key_lines

    lines: list[str] = []
    for path in data.pop("keys", None) or []:
        if path == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                raise InvalidInput.one("keys", f"cannot read {path}: {reason}") from None
        if "PRIVATE KEY" in text:  # never echo a line of it back
            raise InvalidInput.one(
                "keys", "is a private key: give the .pub file, never the private key", path
            )
        found = key_lines(text)
        if not found:
            raise InvalidInput.one("keys", "holds no public key", path)
        lines += found
    if lines:
        data["keys"] = lines
    return data


REF = Arg("ref", "the action, e.g. 2.7 (3 in a plan without standards)", metavar="REF")
KEY_ACTION = Arg("step", "the key action, e.g. 2.7.1", metavar="KEY_ACTION")
REASON = Arg("--reason", "why (kept in the history)", text=True)
NEEDED_REASON = Arg("--reason", "why (kept in the history)", required=True, text=True)


def _entry(entry_id: str) -> str:
    return f"entry {entry_id[:8]}"


def _state_change(
    verb: str, change: Callable[[], Change[c.ChangeActionState, None]], said: str
) -> ChangeCommand[c.ChangeActionState, None]:
    """Close, withdraw or reopen: the same shape; a reason is required except to close."""
    return ChangeCommand(
        (verb,),
        f"{verb} an action",
        change,
        (REF, REASON if verb == "close" else NEEDED_REASON),
        lambda _: f"{said} the action",
    )


CHANGES: list[ChangeCommand[Any, Any]] = [
    ChangeCommand(
        ("init",),
        "create the plan in an empty database",
        lambda: changes.CREATE_PLAN,
        (
            Arg("--title", required=True),
            Arg("--organisation", required=True),
            Arg("--owner", "plan owner (repeatable)", field="owners", many=True),
            Arg("--plan-date", type=iso_date("--plan-date"), metavar="DATE"),
            Arg("--cadence", "days between updates (default 28)", field="cadence_days", type=int),
        ),
        lambda plan_id: "Created the plan",
        create=True,
        prepare=_plan_date_today,
    ),
    ChangeCommand(
        ("source", "add"),
        "add a source, e.g. (a) the inspection",
        lambda: changes.ADD_SOURCE,
        (Arg("code", metavar="CODE"), Arg("text", metavar="TEXT")),
        lambda code: f"Added source {code}",
    ),
    ChangeCommand(
        ("standard", "add"),
        "add a standard (a numbered theme)",
        lambda: changes.ADD_STANDARD,
        (Arg("number", type=int, metavar="NUMBER"), Arg("title", metavar="TITLE")),
        lambda number: f"Added standard {number}",
    ),
    *[
        ChangeCommand(
            (kind, "add"),
            f"add a {kind} to the directory",
            lambda: changes.ADD_PERSON,
            (Arg("name", metavar="NAME"), Arg("--role", "job title, e.g. 'Head of Service'")),
            lambda name: f"Added {name} to the directory",
            fixed={"kind": kind},
        )
        for kind in ("person", "role")
    ],
    ChangeCommand(
        ("group", "add"),
        "add a named group of people, e.g. All Team Managers",
        lambda: changes.ADD_GROUP,
        (Arg("name", metavar="NAME"), Arg("--member", field="members", many=True, required=True)),
        lambda name: f"Added group {name}",
    ),
    ChangeCommand(
        ("note", "add"),
        "add a note to the plan",
        lambda: changes.ADD_NOTE,
        (Arg("text", metavar="TEXT"),),
        lambda _: "Added the note",
    ),
    ChangeCommand(
        ("action", "add"),
        "raise an action (an area for development)",
        lambda: changes.RAISE_ACTION,
        (
            Arg("--ref", "reference such as 2.7 (default: the next in the standard)"),
            Arg("--standard", type=int),
            Arg("--text", required=True, text=True),
            Arg("--source", field="sources", many=True),
            Arg("--outcome", "key outcome", field="key_outcome", text=True),
            Arg("--expected-evidence", text=True),
        ),
        lambda ref: f"Raised action {ref}",
    ),
    ChangeCommand(
        ("action", "reword"),
        "reword an action's text, key outcome or expected evidence",
        lambda: changes.REWORD_ACTION,
        (
            REF,
            Arg("--field", choices=("text", "key_outcome", "expected_evidence")),
            Arg("--text", "the new wording", field="value", required=True, text=True),
            REASON,
        ),
        lambda _: "Reworded",
        replacing=True,
    ),
    ChangeCommand(
        ("key-action", "add"),
        "add a key action to an action",
        lambda: changes.ADD_STEP,
        (
            REF,
            Arg("--text", required=True, text=True),
            Arg("--timescale", "in the plan's words, e.g. 'End Oct 26'"),
            Arg("--lead", field="leads", many=True),
        ),
        lambda ref: f"Added key action {ref}",
    ),
    ChangeCommand(
        ("key-action", "reword"),
        "reword a key action",
        lambda: changes.REWORD_STEP,
        (KEY_ACTION, Arg("--text", required=True, text=True), REASON),
        lambda _: "Reworded",
        replacing=True,
    ),
    ChangeCommand(
        ("update",),
        "record a progress entry (and optionally a BRAG rating)",
        lambda: changes.RECORD_PROGRESS,
        (
            REF,
            Arg("--period", "e.g. 'October 2026'", required=True),
            Arg("--narrative", "what has happened ('-' reads standard input)", text=True),
            Arg("--next", "actions from this period", field="next_actions", text=True),
            Arg("--brag", "blue, red, amber, green or grey (or B R A G N)"),
            Arg("--brag-reason", "required for red or amber", text=True),
        ),
        lambda entry: f"Recorded {_entry(entry)}",
        replacing=True,
    ),
    ChangeCommand(
        ("correct",),
        "correct a progress entry (the original stays, marked corrected)",
        lambda: changes.CORRECT_PROGRESS,
        (
            REF,
            Arg("entry", "the entry id (its first 8 characters are enough)", metavar="ENTRY"),
            Arg("--period", required=True),
            Arg("--narrative", text=True),
            Arg("--next", field="next_actions", text=True),
            NEEDED_REASON,
        ),
        lambda entry: f"Recorded correction {_entry(entry)}",
    ),
    ChangeCommand(
        ("retract",),
        "withdraw a progress entry (it stays, marked withdrawn)",
        lambda: changes.WITHDRAW_PROGRESS,
        (REF, Arg("entry", metavar="ENTRY"), NEEDED_REASON),
        lambda entry_id: f"Withdrew entry {entry_id[:8]}",
    ),
    ChangeCommand(
        ("status",),
        "change a key action's status",
        lambda: changes.CHANGE_STEP_STATUS,
        (
            KEY_ACTION,
            Arg(
                "status",
                "not started | in progress | in place | completed | achieved and ongoing | "
                "withdrawn",
                metavar="STATUS",
            ),
            Arg("--note", text=True),
        ),
        lambda _: "Status changed",
        replacing=True,
    ),
    ChangeCommand(
        ("reschedule",),
        "give a key action a new timescale (the old one stays in history)",
        lambda: changes.RESCHEDULE_STEP,
        (KEY_ACTION, Arg("timescale", "in the plan's words", metavar="TIMESCALE"), NEEDED_REASON),
        lambda _: "Rescheduled",
        replacing=True,
    ),
    ChangeCommand(
        ("assign",),
        "set a key action's lead(s)",
        lambda: changes.ASSIGN_LEADS,
        (KEY_ACTION, Arg("lead", field="leads", many=True, metavar="LEAD"), REASON),
        lambda _: "Leads assigned",
        replacing=True,
    ),
    ChangeCommand(
        ("rate",),
        "set an action's BRAG rating",
        lambda: changes.RATE_ACTION,
        (
            REF,
            Arg("rating", "blue, red, amber, green or grey", metavar="RATING"),
            Arg("--reason", "required for red or amber", text=True),
        ),
        lambda _: "Rated",
        replacing=True,
    ),
    ChangeCommand(
        ("evidence", "add"),
        "add an evidence item to an action",
        lambda: changes.ADD_EVIDENCE,
        (
            REF,
            Arg("--title", required=True),
            Arg("--location", "where it is kept (path, URL, system)"),
            Arg("--file", "a file to fingerprint: its SHA-256 and size are recorded"),
            Arg("--key-action", "the key action it evidences", field="step", type=int, metavar="N"),
        ),
        lambda evidence_id: f"Added evidence {evidence_id[:8]}",
        prepare=_fingerprint,
    ),
    ChangeCommand(
        ("evidence", "withdraw"),
        "withdraw an evidence item added in error (it stays, marked withdrawn)",
        lambda: changes.WITHDRAW_EVIDENCE,
        (
            REF,
            Arg("evidence", "its id, or the first 8 characters (show REF)", metavar="ID"),
            NEEDED_REASON,
        ),
        lambda evidence_id: f"Withdrew evidence {evidence_id[:8]}",
    ),
    ChangeCommand(
        ("access", "grant"),
        "give a person in the directory a role, logins and SSH keys (the owner's job)",
        lambda: changes.GRANT_ACCESS,
        (
            Arg("person", metavar="PERSON"),
            Arg(
                "--role",
                "owner, lead or viewer",
                required=True,
                choices=("owner", "lead", "viewer"),
            ),
            Arg(
                "--login",
                "a server login that acts as them (repeatable)",
                field="logins",
                many=True,
            ),
            Arg(
                "--key",
                "an OpenSSH public key file, e.g. alice.pub ('-' reads standard input; repeatable)",
                field="keys",
                many=True,
                metavar="FILE",
            ),
            REASON,
        ),
        lambda person: f"Granted access to {person}",
        prepare=_read_keys,
    ),
    ChangeCommand(
        ("access", "revoke"),
        "take a person's access away, or only some of their SSH keys (at once)",
        lambda: changes.REVOKE_ACCESS,
        (
            Arg("person", metavar="PERSON"),
            Arg(
                "--key",
                "only this key (its SHA256: fingerprint, as `access list` shows; repeatable)",
                field="keys",
                many=True,
                metavar="FINGERPRINT",
            ),
            NEEDED_REASON,
        ),
        lambda person: f"Revoked access of {person}",
    ),
    *[
        _state_change(verb, change, said)
        for verb, change, said in (
            ("close", lambda: changes.CLOSE_ACTION, "Closed"),
            ("withdraw", lambda: changes.WITHDRAW_ACTION, "Withdrew"),
            ("reopen", lambda: changes.REOPEN_ACTION, "Reopened"),
        )
    ],
]


def add_to(
    groups: Callable[[tuple[str, ...], str], argparse.ArgumentParser],
    command: ChangeCommand[Any, Any],
) -> None:
    """Declare ``command``'s arguments on the parser ``groups`` gives for its path."""
    parser = groups(command.path, command.help)
    parser.set_defaults(handler=command.run, flags=command.flags())
    for arg in command.args:
        options: dict[str, Any] = {"help": arg.help or None}
        if (arg.metavar and not arg.name.startswith("-")) or arg.metavar:
            options["metavar"] = arg.metavar
        if arg.type is not None:
            options["type"] = arg.type
        if arg.choices:
            options["choices"] = arg.choices
        if arg.name.startswith("-"):
            options["dest"] = arg.dest
            if arg.many:
                options["action"] = "append"
            if arg.required and not arg.text:
                options["required"] = True
            parser.add_argument(arg.name, **options)
            if arg.text:
                parser.add_argument(
                    f"{arg.name}-file",
                    dest=f"{arg.dest}_file",
                    metavar="FILE",
                    help=f"read {arg.name} from a file",
                )
        else:
            if arg.many:
                options["nargs"] = "+"
            parser.add_argument(arg.dest, **options)
    parser.add_argument(
        "--effective",
        type=iso_date("--effective"),
        metavar="DATE",
        help="the date this is true from (default today; never later)",
    )
    if command.replacing:
        parser.add_argument(
            "--seen-version",
            type=int,
            metavar="N",
            help="refuse if the action changed after version N (as you saw it)",
        )
