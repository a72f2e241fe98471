"""SQLite as eventsourcing opens it, plus the durability and sealing plantrail needs.

The library puts file databases into WAL mode (so several processes, e.g. leads on one server
over SSH, read while one writes) but leaves ``synchronous`` at the build's default. A record of
inspection evidence must survive power loss, so every connection is set to ``synchronous=FULL``
and both settings are checked, not assumed. Every write is sealed in its own transaction: the
new events' leaf hashes, the Merkle frontier and a signed checkpoint (``integrity.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteFactory,
)

from .integrity import Sealer, runners
from .rows import Tables

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


class SealedSQLiteRecorder(SQLiteApplicationRecorder):
    """Stores events and, in the same transaction, seals them (``integrity.Sealer``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sealer = Sealer(Tables.for_sqlite(), is_postgres=False)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self.sealer.seal(*runners(c, is_postgres=False))
        return ids


class DurableSQLiteFactory(SQLiteFactory):
    """The eventsourcing SQLite factory with :class:`DurableSQLiteConnectionPool` and the
    sealing recorder."""

    application_recorder_class = SealedSQLiteRecorder

    def __init__(self, env: Any):
        super().__init__(env)
        old = self.datastore.pool
        self.datastore.pool = DurableSQLiteConnectionPool(
            db_name=old.db_name, lock_timeout=old.lock_timeout
        )
        old.close()
