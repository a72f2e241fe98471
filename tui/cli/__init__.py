"""The ``plantrail`` command: every change and query from a shell, and the TUI with no command.

Exit codes: 0 success; 2 usage error (argparse); 1 a refusal (validation, unknown reference,
a conflicting edit, a storage fault) with one line on standard error saying what and what to
do, and nothing written. Textual is imported only when the interface opens, and the write
path's library machinery only when a command writes, so commands start quickly over SSH.

Modules: ``parser`` (the arguments), ``context`` (where, who, opening the store), ``changes``
(the commands that change the plan, one table), ``reads`` (show, history), ``files``
(reports, exports, imports), ``interface`` (the TUI and the demo), ``integrity`` (verify,
checkpoints, signing keys), ``access`` (the access list and sshd's keys command),
``session`` (what an SSH connection runs), ``render`` (what is printed, made safe for a
terminal), ``startup`` (what a command's start leaves out), ``codecache`` (dataclasses'
methods compiled once, not at every start).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

#: Names the layers below use for a value → the flag a person typed for it.
FLAGS = {
    "db": "--db",
    "actor": "--as",
    "effective_on": "--effective",
    "seen_version": "--seen-version",
    "output": "-o",
    "format": "--format",
    "as_at": "--as-at",
    "as_known_at": "--as-known-at",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    # plantrail uses no pydantic plugins; without this, the first model made scans every
    # installed package's entry points (about 70 ms of each command's start).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from .codecache import install

    install()  # before any dataclass is made: their methods compiled once, not every start
    from .parser import build_parser
    from .startup import skip_plugin_discovery

    skip_plugin_discovery()  # and its import of importlib.metadata (about 20 ms)

    words = sys.argv[1:] if argv is None else list(argv)
    return run(build_parser(words).parse_args(words))


def run(args: argparse.Namespace) -> int:
    """Run parsed arguments: a command's handler, the TUI, or an SSH session (which runs its
    client's command through here again, as the key's person)."""
    from ...domain.errors import InvalidInput, PlanError
    from ...domain.text import shown, visible

    flags = {**FLAGS, **getattr(args, "flags", {})}
    try:
        if getattr(args, "session", False):
            from .session import serve

            return serve(args, run)
        if getattr(args, "handler", None) is None:
            from .interface import open_tui

            return open_tui(args)
        code: int = args.handler(args)
        return code
    except InvalidInput as exc:
        for problem in exc.problems:
            name = problem.field.split(".")[0]
            flag = flags.get(name) or f"--{name.replace('_', '-')}"
            given = "" if problem.given is None else f" (given: {shown(problem.given)})"
            print(f"plantrail: {flag}: {visible(problem.message)}{given}", file=sys.stderr)
        return 1
    except PlanError as exc:
        print(f"plantrail: {visible(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("plantrail: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, without a flush error at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if not _is_storage_fault(exc):
            raise
        from ...store.config import Database
        from ...store.failures import explain

        failure = explain(exc, Database.parse(args.db), writing=True)
        print(f"plantrail: {visible(str(failure))}", file=sys.stderr)
        return 1


def _is_storage_fault(exc: BaseException) -> bool:
    """An error from SQLite, psycopg or the storage library (not a bug of plantrail's)."""
    module = type(exc).__module__
    return module.startswith(("sqlite3", "psycopg", "eventsourcing")) or isinstance(exc, OSError)
