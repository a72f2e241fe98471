"""What every command needs from the command line: where the plan is, who is acting, and a
store opened for what the command does (read only, or to change the plan).

Flag names are spoken only in the command line: ``--db``, ``--as``, ``-o``. Everything below
the command line is handed plain values.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ...domain.access import Grants, person_for_login
from ...domain.errors import AccessDenied

if TYPE_CHECKING:
    from ...store.queries import PlanReader
    from ...store.service import PlanService


def login_name() -> str:
    """The server login running this process, from the operating system (not from ``$USER``
    or ``$LOGNAME``, which anyone can set)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid with no passwd entry (some containers)
        return str(os.getuid())


def actor(args: argparse.Namespace, grants: Grants) -> str:
    """Who is acting.

    In an SSH session: the person the key belongs to, whatever else was given. Without an
    access list: ``--as``, else ``$PLANTRAIL_USER``, else the login name (one person, or a
    team on one login). With one: the person the login is granted to; ``--as`` or
    ``$PLANTRAIL_USER`` naming anyone else is refused, as is a login nobody was granted.
    """
    person: str | None = getattr(args, "session_person", None)
    if person:
        return person
    named = args.actor or os.environ.get("PLANTRAIL_USER")
    if not grants:
        return str(named or login_name())
    login = login_name()
    person = person_for_login(grants, login)
    if person is None:
        raise AccessDenied(
            f"this plan has an access list and login {login!r} is on no one's: the owner "
            f"can add it with `plantrail access grant PERSON --role … --login {login}`"
        )
    if named and named.strip().casefold() != person.casefold():
        where = "--as" if args.actor else "PLANTRAIL_USER"
        raise AccessDenied(
            f"{where}: login {login!r} acts as {person}; with an access list no one can "
            f"act as someone else ({named!r})"
        )
    return person


def producer(args: argparse.Namespace, grants: Grants) -> str:
    """Who a report or pack says produced it: the person acting, or, for a login the access
    list does not name (reading needs only the file), that login ("login plans")."""
    unnamed = not getattr(args, "session_person", None) and not args.actor
    if grants and unnamed and person_for_login(grants, login_name()) is None:
        return f"login {login_name()}"
    return actor(args, grants)


def warn(message: str) -> None:
    """A line for the person at the terminal, kept off standard output (which may be data)."""
    print(f"plantrail: {message}", file=sys.stderr, flush=True)


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[PlanReader]:
    """The plan, read only (never created, never written, works on a read-only file)."""
    from ...store.opening import open_reader

    reader = open_reader(args.db)
    try:
        yield reader
    finally:
        reader.close()


@contextmanager
def writing(args: argparse.Namespace, *, create: bool = False) -> Iterator[PlanService]:
    """The application service, to change the plan; ``create`` only for ``init``, ``demo`` and
    imports. A save that has to wait for another writer says so on standard error."""
    from ...store.opening import open_service

    service = open_service(args.db, create=create)
    service.waiting = warn
    try:
        yield service
    finally:
        service.close()
