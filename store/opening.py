"""Opening a plan's database for what the caller is about to do, with clear refusals.

- :func:`open_reader` for reading (``show``, ``history``, reports, exports): no eventsourcing
  application, no table creation, a SQLite file opened read only. It never creates a file and
  works on a file or folder that cannot be written.
- :func:`open_service` for changing the plan: the application service, which creates tables
  only when ``create`` is given (``init``, ``demo``, imports), so a mistyped ``--db`` is
  refused instead of silently starting an empty plan.

PostgreSQL is tried with a direct connection first, so a server that is down, a database that
does not exist or a refused login is reported in psycopg's own words within a few seconds,
rather than as a pool timeout.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Database
from .failures import NoPlanHere, explain
from .queries import PlanReader
from .rows import PostgresRows, SQLiteRows, StoreError, has_table

if TYPE_CHECKING:  # the write path costs imports a read command should not pay
    from .service import PlanService


def _no_plan(database: Database) -> NoPlanHere:
    where = database.describe()
    if not database.is_postgres:
        return NoPlanHere(
            f"there is no plan at {where}: check --db (or PLANTRAIL_DB), or create one with "
            "`plantrail init` or `plantrail demo`"
        )
    return NoPlanHere(
        f"{where} (schema {database.schema}) holds no plantrail plan: check --db, or create "
        "one with `plantrail init`, `plantrail demo` or `plantrail import`"
    )


def _check_writable(database: Database) -> None:
    """A SQLite plan is changed through its file and the write-ahead log beside it."""
    file = Path(database.target).expanduser()
    folder = file.resolve().parent
    if not os.access(folder, os.W_OK | os.X_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise StoreError(
            f"{database.describe()} cannot be written (the file or its folder is read only); "
            "nothing was saved. Reading works; to change the plan, ask whoever owns the file "
            "for write access."
        )


def connect_postgres(database: Database) -> Any:
    """A psycopg connection (autocommit), or a :class:`StoreError` quoting psycopg's reason."""
    import psycopg

    try:
        return psycopg.connect(database.conninfo(), autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot connect to PostgreSQL at {database.describe()}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        ) from None


def _create_schema(connection: Any, database: Database) -> None:
    """The schema a new plan is to be kept in, made if it does not exist yet."""
    import psycopg
    from psycopg import sql

    try:
        connection.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(database.schema))
        )
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot create schema {database.schema} in PostgreSQL at {database.describe()}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        ) from None


def open_reader(db: str | Database | None, *, schema: str | None = None) -> PlanReader:
    """The plan in ``db``, for reading only."""
    database = (db if isinstance(db, Database) else Database.parse(db)).in_schema(schema)
    if not database.exists:
        raise _no_plan(database)
    try:
        rows: SQLiteRows | PostgresRows
        if database.is_postgres:
            rows = PostgresRows(connect_postgres(database))
        else:
            rows = SQLiteRows(database.target)
        tables = database.tables()
        if not has_table(rows, tables):
            rows.close()
            raise _no_plan(database)
    except StoreError:
        raise
    except Exception as exc:  # sqlite3 or psycopg, in their own words
        raise explain(exc, database, writing=False) from None
    return PlanReader(database, rows, tables)


def open_service(
    db: str | Database | None, *, schema: str | None = None, create: bool = False
) -> PlanService:
    """The application service on ``db``, for changing the plan (see the module docstring)."""
    from .service import PlanService

    database = (db if isinstance(db, Database) else Database.parse(db)).in_schema(schema)
    if not create and not database.exists:
        raise _no_plan(database)
    if not database.is_postgres:
        _check_writable(database)
        if create:
            database.create_private_file()
    if database.is_postgres:
        connection = connect_postgres(database)  # fails fast, in psycopg's words
        try:
            if create:  # ?schema=NAME names where the new plan goes: make it if it is new
                _create_schema(connection, database)
        finally:
            connection.close()
    try:
        service = PlanService.open(database, create=create)
    except StoreError:
        raise
    except Exception as exc:
        raise explain(exc, database, writing=False) from None
    if not create and not has_table(service.rows, service.tables):
        service.close()
        raise _no_plan(database)
    return service
