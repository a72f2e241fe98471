"""PostgreSQL as eventsourcing opens it, with every write sealed in its own transaction: the
new events' leaf hashes, the Merkle frontier and a signed checkpoint (``integrity.py``). The
library holds an EXCLUSIVE lock on the event table while it inserts, so writers are serialised
and the leaves follow the log's order. Imported only for a PostgreSQL URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from psycopg import Cursor
from psycopg.rows import DictRow

from .integrity import Sealer, runners
from .rows import Tables


class SealedPostgresRecorder(PostgresApplicationRecorder):
    """Stores events and, in the same transaction and under the same lock, seals them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sealer = Sealer(Tables.for_postgres(self.datastore.schema), is_postgres=True)
        #: The seal's read, sent behind the insert and fetched after the library's sync.
        self._pending: Cursor[DictRow] | None = None

    def create_table(self) -> None:
        """The library's tables, then the integrity tables, each in its own transaction: DDL
        inside a pipelined write transaction can leave psycopg reading a CREATE's result
        where a SELECT's was expected."""
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            for statement in self.sealer.create:
                curs.execute(statement, prepare=False)
        self.sealer.ready()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except _RolledBack as failure:
            raise failure.cause from None

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """Before the events are stored: take the log's lock now (the library takes it next
        anyway) and check what the save's change read (``Sealer.check_read``). Its answer is
        awaited before the insert is sent: an aggregate another writer has changed would
        otherwise fail the insert on its version first, and a stale cached copy would be
        taken for a change someone made after it was read."""
        super()._insert_events(curs, stored_events, **kwargs)
        self._pending = None  # nothing sent yet (a failed save's query is not this one's)
        if self.sealer.read_at is not None:
            self._lock_table(curs)
            self.sealer.check_read(runners(curs, is_postgres=True)[0])

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """The library's insert, then (the tables known) the seal's read, sent behind it: the
        library's sync after the insert brings both back in one round trip."""
        super()._insert_stored_events(curs, stored_events, **kwargs)
        if self.sealer.tables_known:  # on a cursor of its own, fetched after the sync
            self._pending = curs.connection.cursor()
            self._pending.execute(self.sealer.seal_read_sql)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        pending, self._pending = self._pending, None
        try:
            run, many = runners(curs, is_postgres=True)
            if pending is not None:
                self.sealer.seal_read(run, many, _rows(pending))
            else:
                self.sealer.seal(run, many)
        except Exception as exc:
            # The library keeps any exception from here until its transaction block has
            # ended, and that block commits: the events would be stored unsealed. Escaping
            # as a BaseException, the failure rolls the transaction back instead.
            raise _RolledBack(exc) from exc
        finally:
            if pending is not None:
                pending.close()
        return ids


def _rows(cursor: Cursor[DictRow]) -> list[tuple[Any, ...]]:
    """A pending query's rows as plain tuples."""
    return [tuple(row.values()) for row in cursor.fetchall()]


class _RolledBack(BaseException):
    """A failure while sealing, carried out of the library's transaction so it rolls back."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class SealedPostgresFactory(PostgresFactory):
    """The eventsourcing PostgreSQL factory with the sealing recorder."""

    application_recorder_class = SealedPostgresRecorder
