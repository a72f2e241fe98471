"""``plantrail session --key SHA256:…``: what every SSH connection runs (sshd forces it, see
``access.py``). The key says who is acting; nothing the client sends can change that.

Without a command (``ssh -t plans@server``) it opens the plan in the terminal as the key's
person. With one (``ssh plans@server update 2.3 --period … --narrative - < notes.txt``) it
runs that one command as them, if it is one of the plan's own commands, and refuses anything
else (a shell, sftp, ``scp``, ``import``, ``keys``) and anything that names a file or a
database on the server (``--db``, ``-o``, ``--narrative-file``, ``--file``, ``--against``).
``--as`` is refused and ``PLANTRAIL_*`` variables are dropped, whatever sshd let through.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable

from ...domain.access import person_for_key
from ...domain.errors import AccessDenied
from .context import reading
from .parser import build_parser

#: The commands a session may run: the plan's reads and changes. Not: init, demo, import,
#: export pack/events (files on the server), keys, ssh, session, verify-pack, schema is harmless.
ALLOWED = frozenset(
    {
        "show",
        "history",
        "report",
        "export audit",
        "export tracker",
        "export plan",
        "verify",
        "checkpoint",
        "schema",
        "access list",
        "access grant",
        "access revoke",
        "update",
        "correct",
        "retract",
        "status",
        "reschedule",
        "assign",
        "rate",
        "evidence add",
        "evidence withdraw",
        "close",
        "withdraw",
        "reopen",
        "action add",
        "action reword",
        "key-action add",
        "key-action reword",
        "source add",
        "standard add",
        "person add",
        "role add",
        "group add",
        "note add",
    }
)

#: Arguments that would name something on the server: refused in a session.
SERVER_PATHS = {
    "db": "--db",
    "actor": "--as",
    "output": "-o",
    "force": "--force",
    "against": "--against",
    "file": "--file",
}


def serve(args: argparse.Namespace, run: Callable[[argparse.Namespace], int]) -> int:
    """Run the connection ``args.key`` made: the TUI, or the one command the client asked
    for, as the key's person; ``run`` runs parsed arguments as ``main`` would."""
    for name in [n for n in os.environ if n.startswith("PLANTRAIL_")]:
        del os.environ[name]
    with reading(args) as plan_store:
        person = person_for_key(plan_store.grants(), args.key)
    if person is None:
        raise AccessDenied("this SSH key no longer has access to the plan")
    wanted = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    if not wanted:
        if not sys.stdin.isatty():
            raise AccessDenied(
                "the plan opens in a terminal: connect with ssh -t, or give a command "
                "(e.g. ssh plans@server show)"
            )
        command = argparse.Namespace(db=args.db, actor=None, session_person=person)
        command.handler = None
        return run(command)
    command = parse_request(wanted, args.db)
    command.session_person = person
    return run(command)


def parse_request(text: str, db: str) -> argparse.Namespace:
    """The client's command, parsed by plantrail's own parser and checked against what a
    session may do; the database is always the session's."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise AccessDenied(f"cannot read the command ({exc})") from None
    if words and words[0].startswith("-"):
        raise AccessDenied(
            f"{words[0].split('=')[0]} is not allowed over SSH: the key says who you are and "
            "the server says which plan; start with the command (e.g. show 2.3)"
        )
    path = " ".join(words[:2]) if len(words) > 1 and f"{words[0]} {words[1]}" in ALLOWED else ""
    path = path or (words[0] if words and words[0] in ALLOWED else "")
    if not path:
        raise AccessDenied(
            f"{shlex.join(words[:2]) or 'that'} is not a plantrail command a session may run "
            "(try: show, history, update, status, reschedule, evidence add, report)"
        )
    parsed = build_parser(words).parse_args(words)
    for dest, flag in SERVER_PATHS.items():
        if getattr(parsed, dest, None):
            raise AccessDenied(f"{flag} names something on the server: not allowed over SSH")
    for dest, value in vars(parsed).items():
        if dest.endswith("_file") and value is not None:
            flag = "--" + dest.removesuffix("_file").replace("_", "-") + "-file"
            raise AccessDenied(
                f"{flag} reads a file on the server: not allowed over SSH; send the text on "
                "standard input instead (e.g. --narrative - < notes.txt)"
            )
    if path == "access grant" and any(key != "-" for key in parsed.key or []):
        raise AccessDenied("--key: over SSH, send the public key on standard input (--key -)")
    if path == "verify" and parsed.key:
        raise AccessDenied("--key names files on the server: not allowed over SSH")
    parsed.db = db
    return parsed
