"""What every command needs from the command line: where the plan is, who is acting, and a
store opened for what the command does (read only, or to change the plan).

Flag names are spoken only in the command line: ``--db``, ``--as``, ``-o``. Everything below
the command line is handed plain values.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from ...store.opening import open_reader, open_service
from ...store.queries import PlanReader

if TYPE_CHECKING:
    from ...store.service import PlanService

T = TypeVar("T")


def actor(args: argparse.Namespace) -> str:
    """Who is acting: ``--as``, else ``$PLANTRAIL_USER``, else the login name."""
    return str(args.actor or os.environ.get("PLANTRAIL_USER") or getpass.getuser())


def warn(message: str) -> None:
    """A line for the person at the terminal, kept off standard output (which may be data)."""
    print(f"plantrail: {message}", file=sys.stderr, flush=True)


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[PlanReader]:
    """The plan, read only (never created, never written, works on a read-only file)."""
    reader = open_reader(args.db)
    try:
        yield reader
    finally:
        reader.close()


@contextmanager
def writing(args: argparse.Namespace, *, create: bool = False) -> Iterator[PlanService]:
    """The application service, to change the plan; ``create`` only for ``init``, ``demo`` and
    imports. A save that has to wait for another writer says so on standard error."""
    service = open_service(args.db, create=create)
    service.waiting = warn
    try:
        yield service
    finally:
        service.close()


def argument(flag: str, parse: Callable[[str], T], expected: str) -> Callable[[str], T]:
    """An argparse type: ``parse`` the text, or refuse naming ``flag`` and what it expects."""

    def read(text: str) -> T:
        try:
            return parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag}: {text!r} is not {expected}") from None

    return read


def iso_date(flag: str) -> Callable[[str], date]:
    """A YYYY-MM-DD date."""
    return argument(flag, date.fromisoformat, "a date (YYYY-MM-DD)")
