"""The terminal interface from the command line: ``plantrail`` with no command, and
``plantrail demo`` (which loads the fictional demo plan, then opens it with ``--open``)."""

from __future__ import annotations

import argparse

from ...domain.errors import PlanError
from ..format import plural
from .context import actor, writing
from .render import say


def open_tui(args: argparse.Namespace) -> int:
    """No command: open the plan in the terminal interface (Textual is imported only here)."""
    from ...store.opening import open_service
    from ..app import run_tui

    service = open_service(args.db)
    try:
        service.overview()  # "there is no plan yet" (exit 1) rather than an empty screen
    except BaseException:
        service.close()
        raise
    try:
        who = actor(args, service.grants())
    except BaseException:
        service.close()
        raise
    return run_tui(service, who, remote=bool(getattr(args, "session_person", None)))


def demo(args: argparse.Namespace) -> int:
    """Load the demo plan into a fresh database (and open it with ``--open``)."""
    from ...store.demo import load_demo

    with writing(args, create=True) as service:
        where = service.database.describe()
        fresh = not service.last_position()
        if fresh:
            load_demo(service)
            summary = service.overview()
    if not fresh:
        if not args.open:
            raise PlanError(
                f"{where} already holds events; the demo needs a fresh database "
                "(use --db to name another file)"
            )
        say(f"{where} already holds a plan; opening it.")
        return open_tui(args)
    say(f"Loaded the demo plan '{summary.title}' ({plural(summary.events, 'event')}) into {where}.")
    return open_tui(args) if args.open else 0
