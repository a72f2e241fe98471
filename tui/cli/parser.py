"""The ``plantrail`` argument parser: the change commands from their table (``changes.py``),
the read, file and interface commands declared here beside their handlers' modules.

Building the parser imports none of the handlers' modules: each handler is a call into a
:class:`~.lazy.LazyModule`, so a command loads only what it runs (``--help`` loads nothing,
``show`` never loads the write path, the exports or Textual). mypy sees the real modules.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from .arguments import iso_date, moment
from .changes import CHANGES, add_to
from .lazy import LazyModule

if TYPE_CHECKING:
    from . import access, files, integrity, interface, reads
else:
    access = LazyModule(__package__, "access")
    files = LazyModule(__package__, "files")
    integrity = LazyModule(__package__, "integrity")
    interface = LazyModule(__package__, "interface")
    reads = LazyModule(__package__, "reads")

Handler = Callable[[argparse.Namespace], int]

#: Groups of subcommands ("plantrail key-action add"), and what each is about.
GROUPS = {
    "source": "sources that raised items, e.g. (a) the inspection",
    "standard": "the plan's numbered standards (themes)",
    "person": "the directory: a person who can lead key actions",
    "role": "the directory: a role (e.g. Senior Practitioner) that can lead key actions",
    "group": "the directory: a named group of people, e.g. All Team Managers",
    "note": "the plan's notes",
    "action": "actions (areas for development)",
    "key-action": "key actions: the numbered things done under an action",
    "evidence": "evidence that an action is done",
    "export": "audit trail, tracker, evidence pack, event log, the plan itself",
    "import": "bring a plan in, or restore an event-log backup",
    "keys": "the key that signs the log's checkpoints (kept outside the database)",
    "access": "who may do what: owners, leads and viewers, their logins and SSH keys",
    "ssh": "serve the plan over the server's own OpenSSH (keys map to people)",
}


class Commands:
    """Hands out the parser for a command path, creating groups as they are first needed;
    with ``only``, just the parsers of that command (or group), the rest declared on
    :data:`_UNUSED`."""

    def __init__(self, top: Any, only: str | None = None) -> None:
        self.top = top
        self.groups: dict[str, Any] = {}
        self.only = only
        self.made = False  # a parser for ``only`` was made

    def __call__(self, path: tuple[str, ...], help_text: str = "") -> argparse.ArgumentParser:
        if self.only is not None and path[0] != self.only:
            return cast(argparse.ArgumentParser, _UNUSED)
        self.made = True
        *group, name = path
        parent = self.top
        if group:
            head = group[0]
            if head not in self.groups:
                holder = self.top.add_parser(head, help=GROUPS[head], description=GROUPS[head])
                self.groups[head] = holder.add_subparsers(metavar="ACTION", required=True)
            parent = self.groups[head]
        parser: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, description=help_text
        )
        return parser


class _Unused:
    """Stands in for the parser of a command this run is not: whatever is declared on it is
    dropped (argparse spends ~0.2 ms a subcommand, most of it looking up translations)."""

    def __getattr__(self, name: str) -> Callable[..., _Unused]:
        return self._ignore

    def _ignore(self, *args: Any, **kwargs: Any) -> _Unused:
        return self


_UNUSED = _Unused()


def _output(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=required,
        help="write here" + ("" if required else " (default: standard output)"),
    )
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. Given the words it will parse, only the named command's parser is built
    (of 60, ~12 ms of every command's start): the same parser for those words. With none, a
    word that names no command, or help asked before the command, every command's."""
    only = _command_word(argv) if argv is not None else None
    if only is not None:
        parser, made = _parser(only)
        if made:
            return parser
    return _parser(None)[0]


def _command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not a global option or its value),
    or None: none, or an option the command line does not know before it (help included)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--as"):
            next(words, None)
        elif not word.startswith("-"):
            return word
        elif not word.startswith(("--db=", "--as=")):
            return None
    return None


def _parser(only: str | None) -> tuple[argparse.ArgumentParser, bool]:
    """The parser (with only command ``only``'s parsers, if given) and whether it has any."""
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
    commands = Commands(parser.add_subparsers(title="commands", metavar="COMMAND"), only)
    for change in CHANGES:
        add_to(commands, change)
    _reads(commands)
    _files(commands)
    _integrity(commands)
    _access(commands)
    return parser, commands.made


def _reads(commands: Commands) -> None:
    p = commands(("demo",), "load the fictional demo plan into a fresh database")
    p.set_defaults(handler=lambda a: interface.demo(a))
    p.add_argument(
        "--open",
        action="store_true",
        help="then open it; if the database already holds a plan, just open that",
    )

    p = commands(("show",), "show the plan, one action or one key action")
    p.set_defaults(
        handler=lambda a: reads.show(a), flags={"as_at": "--as-at", "as_known_at": "--as-known-at"}
    )
    p.add_argument(
        "ref", nargs="?", metavar="REF", help="an action (2.7) or key action (2.7.1); else the plan"
    )
    p.add_argument(
        "--as-at", type=iso_date("--as-at"), metavar="DATE", help="the plan as at a date"
    )
    p.add_argument(
        "--as-known-at",
        type=moment,
        metavar="TIMESTAMP",
        help="the plan as recorded up to an instant (Europe/London unless a zone is given)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")

    p = commands(("history",), "the audit trail: who changed what, when")
    p.set_defaults(handler=lambda a: reads.audit_trail(a), flags={"since": "--since"})
    p.add_argument(
        "ref",
        nargs="?",
        metavar="REF",
        help="an action (2.7), key action (2.7.1) or standard (2), or plan; else everything",
    )
    p.add_argument("--since", type=iso_date("--since"), metavar="DATE")
    p.add_argument("--until", type=iso_date("--until"), metavar="DATE")
    p.add_argument("--by", metavar="PERSON")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")


def _files(commands: Commands) -> None:
    file_flags = {"output": "-o", "format": "--format", "since": "--since", "action": "--action"}
    p = commands(("report",), "the progress report as at a date (default today)")
    p.set_defaults(handler=lambda a: files.report(a), flags=file_flags)
    p.add_argument("--as-at", type=iso_date("--as-at"), metavar="DATE")
    p.add_argument(
        "--since",
        type=iso_date("--since"),
        metavar="DATE",
        help="also list key actions rescheduled since this date (e.g. the last report)",
    )
    p.add_argument("--format", choices=["md", "html", "docx"], default="md")
    _output(p)

    p = commands(("export", "audit"), "the audit trail: one row per field change")
    p.set_defaults(handler=lambda a: files.audit(a), flags=file_flags)
    p.add_argument("--format", choices=["csv", "jsonl", "md", "html", "xlsx"], default="csv")
    p.add_argument("--since", type=iso_date("--since"), metavar="DATE")
    p.add_argument("--until", type=iso_date("--until"), metavar="DATE")
    p.add_argument(
        "--action", metavar="REF", help="one action (2.7), key action (2.7.1) or standard (2)"
    )
    p.add_argument("--by", metavar="PERSON")
    p.add_argument(
        "--bom",
        action="store_true",
        help="CSV: start with a UTF-8 byte order mark (Excel on Windows reads accents)",
    )
    _output(p)

    p = commands(("export", "tracker"), "one row per key action")
    p.set_defaults(handler=lambda a: files.tracker(a), flags=file_flags)
    p.add_argument("--as-at", type=iso_date("--as-at"), metavar="DATE")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--bom", action="store_true")
    _output(p)

    p = commands(("export", "pack"), "an evidence pack (zip) as at a date, for inspectors")
    p.set_defaults(handler=lambda a: files.pack(a), flags=file_flags)
    p.add_argument(
        "--as-at", type=iso_date("--as-at"), metavar="DATE", help="the date (default today)"
    )
    _output(p, required=True)

    p = commands(("export", "events"), "every stored event: a backup (`import events` restores)")
    p.set_defaults(handler=lambda a: files.export_events(a), flags=file_flags)
    _output(p, required=True)

    p = commands(("export", "plan"), "the plan in plantrail's own format (YAML or JSON)")
    p.set_defaults(handler=lambda a: files.export_plan(a), flags=file_flags)
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    _output(p)

    p = commands(("schema",), "print the JSON Schema of plantrail's plan format")
    p.set_defaults(handler=lambda a: files.schema(a))

    p = commands(
        ("import", "plan"), "import a plan from Word, Excel, CSV, YAML or JSON (all or nothing)"
    )
    p.set_defaults(handler=lambda a: files.import_plan(a))
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be created; write nothing"
    )
    p.add_argument(
        "--plan-date",
        type=iso_date("--plan-date"),
        metavar="DATE",
        help="the date the plan's items are effective from (default: from the file)",
    )
    p.add_argument("--title")
    p.add_argument("--organisation")
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=ROLE",
        help="say what a column means, e.g. 'Who?=lead' or 'F=progress' (repeatable; "
        "the dry run lists the columns and roles)",
    )

    p = commands(("import", "events"), "restore an event-log backup into an empty database")
    p.set_defaults(handler=lambda a: files.import_events(a))
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--key",
        action="append",
        metavar="PUBLIC_KEY",
        help="refuse the backup unless its checkpoint is signed by this key (repeatable)",
    )


def _integrity(commands: Commands) -> None:
    p = commands(("verify",), "recompute every hash of the log and check its signed checkpoints")
    p.set_defaults(
        handler=lambda a: integrity.verify(a), flags={"against": "--against", "key": "--key"}
    )
    p.add_argument(
        "--against",
        metavar="FILE",
        help="an evidence pack, a backup or a checkpoint file: the log must extend it",
    )
    p.add_argument(
        "--key",
        action="append",
        metavar="PUBLIC_KEY",
        help="a public key (PEM) checkpoints may be signed by (repeatable)",
    )

    p = commands(("verify-pack",), "prove a newer evidence pack's log extends an older one's")
    p.set_defaults(handler=lambda a: integrity.verify_pack(a))
    p.add_argument("old", metavar="OLD_PACK")
    p.add_argument("new", metavar="NEW_PACK")

    p = commands(("checkpoint",), "record (and sign) the log's checkpoint now, and show it")
    p.set_defaults(handler=lambda a: integrity.checkpoint(a), flags={"output": "-o"})
    _output(p)

    p = commands(("keys", "init"), "make the signing key (0600, outside the database)")
    p.set_defaults(handler=lambda a: integrity.keys_init(a))
    p.add_argument("--path", help="where (default $PLANTRAIL_SIGNING_KEY or ~/.config/plantrail)")
    p = commands(("keys", "show"), "show the signing key's fingerprint and public key")
    p.set_defaults(handler=lambda a: integrity.keys_show(a))


def _access(commands: Commands) -> None:
    p = commands(("access", "list"), "who has access: role, logins, SSH keys")
    p.set_defaults(handler=lambda a: access.access_list(a))

    program = "the plantrail sshd should run (default: this one)"
    p = commands(("ssh", "keys-command"), "for sshd's AuthorizedKeysCommand (%%u %%f)")
    p.set_defaults(handler=lambda a: access.keys_command(a))
    p.add_argument("--user", required=True, help="the server account the plan is served as")
    p.add_argument("--program", metavar="PATH", help=program)
    p.add_argument("login", metavar="LOGIN", help="the account being logged in to (%%u)")
    p.add_argument("fingerprint", metavar="FINGERPRINT", help="the offered key (%%f)")

    p = commands(("ssh", "setup"), "print the sshd configuration and steps for serving the plan")
    p.set_defaults(handler=lambda a: access.ssh_setup(a))
    p.add_argument("--user", default="plans", help="the server account (default: plans)")
    p.add_argument("--program", metavar="PATH", help=program)

    p = commands(("session",), "what sshd runs for a granted key (see `ssh setup`)")
    p.set_defaults(handler=None, session=True)
    p.add_argument("--key", required=True, metavar="FINGERPRINT")
