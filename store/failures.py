"""Storage faults as one sentence a person can act on.

SQLite and PostgreSQL report trouble in their own words, wrapped by the eventsourcing library
in its own exception types. :func:`explain` turns any of them into a :class:`StoreError` that
says what happened to which database and what to do, and keeps the database's own reason
(psycopg's message for a missing database, say) where it helps.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from .config import Database
from .rows import StoreError


class StoreLocked(StoreError):
    """Another writer held the database for longer than plantrail waits."""


class NoPlanHere(StoreError):
    """The database named holds no plan (a mistyped --db, or ``init`` not run yet)."""


def reason_of(exc: BaseException) -> str:
    """The innermost database message: the library wraps sqlite3 and psycopg errors."""
    inner: BaseException = exc
    while inner.__cause__ is not None and inner.__cause__ is not inner:
        inner = inner.__cause__
    text = str(inner).strip() or type(inner).__name__
    return text.splitlines()[0]


def _nearly_full(database: Database) -> bool:
    """Whether the folder of a SQLite file has (almost) no free space left."""
    if database.is_postgres:
        return False
    try:
        return shutil.disk_usage(Path(database.target).resolve().parent).free < 256 * 1024
    except OSError:
        return False


def explain(exc: BaseException, database: Database, *, writing: bool) -> StoreError:
    """``exc`` from ``database`` as a :class:`StoreError`; ``writing`` says whether anything
    was being saved (so the message can say that nothing was)."""
    where = database.describe()
    reason = reason_of(exc)
    low = reason.lower()
    nothing = "; nothing was saved" if writing else ""
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in low:
        return StoreError(
            f"the disk holding {where} is full{nothing}. Free some space and try again."
        )
    if "disk i/o error" in low:
        if _nearly_full(database):
            return StoreError(
                f"the disk holding {where} is full{nothing}. Free some space and try again."
            )
        return StoreError(f"the disk holding {where} failed to write{nothing} ({reason}).")
    if "readonly" in low or "read-only" in low or "read only" in low:
        return StoreError(
            f"{where} cannot be written (the file or its folder is read only){nothing}. "
            "Reading works; to change the plan, ask whoever owns the file for write access."
        )
    if "locked" in low or "lock timeout" in low or "could not obtain lock" in low:
        return StoreLocked(f"another writer is holding {where}{nothing}. Try again in a moment.")
    if "unable to open database file" in low:
        return StoreError(f"cannot open {where}: {reason}")
    if "file is not a database" in low or "malformed" in low:
        return StoreError(
            f"{where} is not a plantrail database, or it is damaged ({reason}); "
            "check --db, or restore it from a backup (`plantrail import events`)"
        )
    if database.is_postgres:
        return StoreError(f"PostgreSQL at {where}: {reason}{nothing}")
    return StoreError(f"{where}: {reason}{nothing}")
