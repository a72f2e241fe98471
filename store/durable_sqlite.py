"""SQLite as eventsourcing opens it, plus the durability plantrail needs for evidence.

The library puts file databases into WAL mode (so several processes, e.g. leads on one server
over SSH, read while one writes) but leaves ``synchronous`` at the build's default. A record of
inspection evidence must survive power loss, so every connection is set to ``synchronous=FULL``
and both settings are checked, not assumed.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteFactory

_FULL = 2


class DurableSQLiteConnectionPool(SQLiteConnectionPool):
    """Connections in WAL mode with synchronous=FULL, verified on creation."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        raw = connection._sqlite_conn
        raw.execute("PRAGMA synchronous=FULL")
        (mode,) = raw.execute("PRAGMA journal_mode").fetchone()
        (sync,) = raw.execute("PRAGMA synchronous").fetchone()
        if mode.lower() != "wal" or sync != _FULL:
            raise PersistenceError(
                f"SQLite file {self.db_name} is in journal_mode={mode}, synchronous={sync}; "
                "plantrail needs WAL and FULL (2)"
            )
        return connection


class DurableSQLiteFactory(SQLiteFactory):
    """The eventsourcing SQLite factory with :class:`DurableSQLiteConnectionPool`."""

    def __init__(self, env: Any):
        super().__init__(env)
        old = self.datastore.pool
        self.datastore.pool = DurableSQLiteConnectionPool(
            db_name=old.db_name, lock_timeout=old.lock_timeout
        )
        old.close()
