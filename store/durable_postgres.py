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
        anyway) and check what the save's change read (``Sealer.check_read``)."""
        super()._insert_events(curs, stored_events, **kwargs)
        if self.sealer.read_at is not None:
            self._lock_table(curs)
            self.sealer.check_read(runners(curs, is_postgres=True)[0])

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        try:
            self.sealer.seal(*runners(curs, is_postgres=True))
        except Exception as exc:
            # The library keeps any exception from here until its transaction block has
            # ended, and that block commits: the events would be stored unsealed. Escaping
            # as a BaseException, the failure rolls the transaction back instead.
            raise _RolledBack(exc) from exc
        return ids


class _RolledBack(BaseException):
    """A failure while sealing, carried out of the library's transaction so it rolls back."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class SealedPostgresFactory(PostgresFactory):
    """The eventsourcing PostgreSQL factory with the sealing recorder."""

    application_recorder_class = SealedPostgresRecorder
