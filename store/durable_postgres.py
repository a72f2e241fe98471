"""PostgreSQL as eventsourcing opens it, with every write sealed in its own transaction: the
new events' leaf hashes, the Merkle frontier and a signed checkpoint (``integrity.py``). Each
write holds an EXCLUSIVE lock on the event table while it inserts and seals, as the library's
own insert does, so writers are serialised and the leaves follow the log's order. Imported
only for a PostgreSQL URL."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import retry
from psycopg import Connection, Cursor, Pipeline
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from .integrity import Sealer, runners
from .rows import Tables


class SealedPostgresRecorder(PostgresApplicationRecorder):
    """Stores events and, in the same transaction and under the same lock, seals them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sealer = Sealer(Tables.for_postgres(self.datastore.schema), is_postgres=True)
        #: The library's insert, storing nothing if an aggregate of the given ids has an event
        #: after the given position (what :meth:`Sealer.check_read` refuses).
        self._insert_unless_stale_sql = SQL(
            "INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%s::{schema}.{stored_event_type}[]) WHERE NOT EXISTS (SELECT 1 FROM "
            "{schema}.{table} WHERE notification_id > %s AND originator_id = ANY(%s)) "
            "RETURNING notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            stored_event_type=Identifier(self.stored_event_type_name),
        )

    def create_table(self) -> None:
        """The library's tables, then the integrity tables, each in its own transaction: DDL
        inside a pipelined write transaction can leave psycopg reading a CREATE's result
        where a SELECT's was expected."""
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            for statement in self.sealer.create:
                curs.execute(statement, prepare=False)
        self.sealer.ready()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Store ``stored_events`` and seal them in one transaction, in two round trips under
        the log's lock where the library's transaction took four.

        The first sends the lock, the check of what the save's change read
        (:meth:`Sealer.check_read`), the insert and the seal's read together; the second,
        the seal's rows and the commit. Writers wait for the lock in turn, so every round trip
        made while holding it is one every other writer waits through: at 20 writers on two
        cores each one cost a scheduling delay as well (the library's ``transaction()``
        inside a pipeline syncs as it begins, before it commits, and again after). The
        retry on a lost connection or a lock timeout is the library's own."""
        if not stored_events:
            return super().insert_events(stored_events, **kwargs)
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline() as pipeline,
            conn.cursor() as curs,
        ):
            # The library's connections are in autocommit mode. A failure anywhere (a refused
            # save, a seal that cannot be made) leaves the pool's connection block, which rolls
            # the transaction back: nothing is stored.
            curs.execute("BEGIN")
            positions = self._store_and_seal(conn, pipeline, curs, stored_events)
            conn.commit()
        return positions

    def _store_and_seal(
        self,
        conn: Connection[DictRow],
        pipeline: Pipeline,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
    ) -> list[int]:
        """Inside the transaction: lock, check, insert and seal; returns the events' positions.

        The insert sent with the check stores nothing when the check will refuse the save
        (:meth:`Sealer.check_read`: an aggregate the change read was changed since), so a
        refused save takes no position from the log's sequence (a gap in the positions) and
        meets no clash on an aggregate's version: it is the stale read it is, made again at
        once on what is there now."""
        sealer, read = self.sealer, self.sealer.read_at
        self._lock_table(curs)
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with contextlib.ExitStack() as cursors:
            check = found = None
            if read is not None:
                check = cursors.enter_context(conn.cursor())
                check.execute(sealer.changed_sql, (read.through,))
            self._notify_channel(curs)
            if read is None:
                curs.execute(self.insert_events_statement, (rows,))
            else:
                ids = [uuid.UUID(hex) for hex in read.read]
                curs.execute(self._insert_unless_stale_sql, (rows, read.through, ids))
            if sealer.tables_known:  # else the seal makes its tables and reads for itself
                found = cursors.enter_context(conn.cursor())
                found.execute(sealer.seal_read_sql)
            pipeline.sync()
            if check is not None:
                sealer.judge_read(_rows(check))
            positions = [int(row["notification_id"]) for row in curs.fetchall()]
            run, many = runners(curs, is_postgres=True)
            if found is not None:
                sealer.seal_read(run, many, _rows(found))
            else:
                sealer.seal(run, many)
        return positions


def _rows(cursor: Cursor[DictRow]) -> list[tuple[Any, ...]]:
    """A query's rows as plain tuples."""
    return [tuple(row.values()) for row in cursor.fetchall()]


class SealedPostgresFactory(PostgresFactory):
    """The eventsourcing PostgreSQL factory with the sealing recorder."""

    application_recorder_class = SealedPostgresRecorder
